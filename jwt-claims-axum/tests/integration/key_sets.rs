//! Remote key sets refreshed by a tokio task, against a real JWK Set
//! server on 127.0.0.1: the prefetch, snapshots shared by requests, an
//! unknown `kid` waiting for the refresher, the cooldown, the last good
//! set, 503 when there is none; over TLS, a server a trusted private CA
//! signed, and one no trusted root signed. Every `#[tokio::test]` here runs on a
//! current-thread runtime: server, refresher and requests share a thread.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use http::StatusCode;
use jwt_claims::{Algorithm, Error, JwkSet, PrivateKey, Signer, Verifier};
use jwt_claims_axum::{BearerAuth, ConfigError, RemoteKeySet, RemoteKeySetBuilder};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;

use crate::support::*;

/// A JWK Set server whose answer the test changes, counting requests.
#[derive(Clone)]
struct JwksServer {
    address: SocketAddr,
    requests: Arc<AtomicUsize>,
    reply: Arc<Mutex<(StatusCode, String, String)>>,
}

impl JwksServer {
    async fn start(keys: &[&PrivateKey], cache_control: &str) -> JwksServer {
        let requests = Arc::new(AtomicUsize::new(0));
        let reply = Arc::new(Mutex::new((
            StatusCode::OK,
            set(keys),
            cache_control.to_owned(),
        )));
        let router = Router::new().route(
            "/jwks.json",
            get({
                let (requests, reply) = (requests.clone(), reply.clone());
                move || async move {
                    requests.fetch_add(1, Ordering::SeqCst);
                    let (status, body, cache_control) = reply.lock().unwrap().clone();
                    (status, [("cache-control", cache_control)], body)
                }
            }),
        );
        let address = serve(router).await;
        JwksServer {
            address,
            requests,
            reply,
        }
    }

    fn url(&self) -> String {
        format!("http://{}/jwks.json", self.address)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn publish(&self, keys: &[&PrivateKey]) {
        self.reply.lock().unwrap().1 = set(keys);
    }

    fn fail(&self) {
        self.reply.lock().unwrap().0 = StatusCode::INTERNAL_SERVER_ERROR;
    }

    fn builder(&self) -> RemoteKeySetBuilder {
        RemoteKeySet::builder(self.url())
            .issuer(ISSUER)
            .dangerous_allow_plain_http()
            .timeout(Duration::from_secs(2))
    }
}

fn set(keys: &[&PrivateKey]) -> String {
    JwkSet::new(keys.iter().map(|key| key.public_key())).to_json()
}

fn es256(kid: &str) -> PrivateKey {
    PrivateKey::generate(Algorithm::ES256)
        .unwrap()
        .with_kid(kid)
}

fn token_of(key: &PrivateKey) -> String {
    Signer::builder()
        .issuer(ISSUER)
        .shared_key(key.clone())
        .clock(clock())
        .build()
        .unwrap()
        .encode(&access(1))
        .unwrap()
        .into_string()
}

fn auth_with(keys: &RemoteKeySet) -> BearerAuth {
    let verifier = Verifier::builder()
        .issuer(ISSUER)
        .clock(clock())
        .key_provider::<BillingAccess>(keys.provider())
        .build()
        .unwrap();
    BearerAuth::builder(verifier)
        .realm("billing")
        .key_set(keys.clone())
        .build()
        .unwrap()
}

async fn get_invoices(auth: &BearerAuth, token: &str) -> Answer {
    call(
        &app(auth.clone()),
        request(
            "/invoices",
            &[("authorization", &format!("Bearer {token}"))],
        ),
    )
    .await
}

#[tokio::test]
async fn prefetches_at_start_and_serves_every_request_from_the_snapshot() {
    let k1 = es256("k1");
    let server = JwksServer::start(&[&k1], "max-age=600").await;
    let keys = server.builder().spawn().unwrap();
    keys.ready().await.unwrap();
    assert_eq!(server.requests(), 1);
    let auth = auth_with(&keys);
    let token = token_of(&k1);
    for _ in 0..20 {
        assert_eq!(get_invoices(&auth, &token).await.status, 200);
    }
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn an_unknown_kid_waits_for_the_refresher_and_decodes_once_more_on_a_current_thread_runtime()
{
    let (k1, k2) = (es256("k1"), es256("k2"));
    let server = JwksServer::start(&[&k1], "max-age=600").await;
    let keys = server
        .builder()
        .refresh_cooldown(Duration::from_millis(50))
        .spawn()
        .unwrap();
    keys.ready().await.unwrap();
    let auth = auth_with(&keys);
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The issuer rotates: its new key signs before this service has seen it.
    server.publish(&[&k2, &k1]);
    let answer = get_invoices(&auth, &token_of(&k2)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(server.requests(), 2);
    assert_eq!(get_invoices(&auth, &token_of(&k1)).await.status, 200);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn made_up_kids_cause_no_fetch_and_no_wait_within_the_cooldown() {
    let k1 = es256("k1");
    let server = JwksServer::start(&[&k1], "max-age=600").await;
    let keys = server
        .builder()
        .refresh_cooldown(Duration::from_secs(60))
        .spawn()
        .unwrap();
    keys.ready().await.unwrap();
    let auth = auth_with(&keys);
    let started = Instant::now();
    for n in 0..20 {
        let answer = get_invoices(&auth, &token_of(&es256(&format!("made-up-{n}")))).await;
        assert_eq!(answer.status, 401);
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn without_any_set_requests_answer_503_never_401() {
    let k1 = es256("k1");
    let server = JwksServer::start(&[&k1], "max-age=600").await;
    server.fail();
    let keys = server.builder().spawn().unwrap();
    assert_eq!(
        keys.ready().await.unwrap_err(),
        Error::KeySetUnavailable {
            url: server.url(),
            reason: "the server answered 500 Internal Server Error".into(),
        }
    );
    let answer = get_invoices(&auth_with(&keys), &token_of(&k1)).await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.one("retry-after"), "5");
    assert_eq!(answer.all("www-authenticate"), Vec::<String>::new());
}

#[tokio::test]
async fn the_last_good_set_keeps_serving_when_refreshes_fail() {
    let k1 = es256("k1");
    let server = JwksServer::start(&[&k1], "no-store").await;
    let keys = server
        .builder()
        .cache_bounds(Duration::ZERO, Duration::from_secs(60), Duration::ZERO)
        .refresh_cooldown(Duration::from_millis(30))
        .spawn()
        .unwrap();
    keys.ready().await.unwrap();
    server.fail();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(server.requests() >= 2, "{}", server.requests());
    assert_eq!(
        get_invoices(&auth_with(&keys), &token_of(&k1)).await.status,
        200
    );
}

#[tokio::test]
async fn refreshes_when_the_cache_runs_out_at_most_once_per_cooldown() {
    let k1 = es256("k1");
    let server = JwksServer::start(&[&k1], "max-age=0").await;
    let keys = server
        .builder()
        .cache_bounds(Duration::ZERO, Duration::from_secs(60), Duration::ZERO)
        .refresh_cooldown(Duration::from_millis(100))
        .spawn()
        .unwrap();
    keys.ready().await.unwrap();
    tokio::time::sleep(Duration::from_millis(350)).await;
    let fetched = server.requests();
    // 1 prefetch + one a cooldown: 4 at most in 350 ms, at least 2.
    assert!((2..=4).contains(&fetched), "{fetched}");
}

#[tokio::test]
async fn the_refresher_stops_when_the_last_handle_is_dropped() {
    let k1 = es256("k1");
    let server = JwksServer::start(&[&k1], "max-age=0").await;
    let keys = server
        .builder()
        .cache_bounds(Duration::ZERO, Duration::from_secs(60), Duration::ZERO)
        .refresh_cooldown(Duration::from_millis(20))
        .spawn()
        .unwrap();
    keys.ready().await.unwrap();
    drop(keys);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let after_drop = server.requests();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(server.requests(), after_drop);
}

#[tokio::test]
async fn a_server_that_never_answers_is_cut_off_at_the_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    // Accepts, reads nothing, answers nothing; ends with the test.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let url = format!("http://{address}/jwks.json");
    let keys = RemoteKeySet::builder(&url)
        .dangerous_allow_plain_http()
        .timeout(Duration::from_millis(200))
        .spawn()
        .unwrap();
    let started = Instant::now();
    assert_eq!(
        keys.ready().await.unwrap_err(),
        Error::KeySetUnavailable {
            url,
            reason: "no answer within 200 ms".into()
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn refuses_a_response_over_the_size_limit() {
    let k1 = es256("k1");
    let server = JwksServer::start(&[&k1], "max-age=600").await;
    let keys = server.builder().max_response_size(64).spawn().unwrap();
    assert_eq!(
        keys.ready().await.unwrap_err(),
        Error::KeySetUnavailable {
            url: server.url(),
            reason: "response larger than 64 bytes".into()
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_share_one_snapshot_on_a_multi_thread_runtime() {
    let k1 = es256("k1");
    let server = JwksServer::start(&[&k1], "max-age=600").await;
    let keys = server.builder().spawn().unwrap();
    keys.ready().await.unwrap();
    let auth = auth_with(&keys);
    let token = token_of(&k1);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (auth, token) = (auth.clone(), token.clone());
            tokio::spawn(async move { get_invoices(&auth, &token).await.status })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    assert_eq!(server.requests(), 1);
}

/// The test CA (`tests/tls`: its key was discarded once it had signed
/// the server's certificate, for 127.0.0.1 and localhost).
const TEST_CA: &[u8] = include_bytes!("../tls/ca.pem");
const SERVER_CERTIFICATE: &[u8] = include_bytes!("../tls/localhost.pem");
const SERVER_KEY: &[u8] = include_bytes!("../tls/localhost.key");

fn test_ca_der() -> Vec<u8> {
    CertificateDer::from_pem_slice(TEST_CA).unwrap().to_vec()
}

/// A JWK Set server over TLS on 127.0.0.1, its certificate signed by the
/// test CA: it answers `body` to every request and counts the requests
/// that got past the handshake.
async fn serve_tls(body: String) -> (SocketAddr, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(SERVER_CERTIFICATE).unwrap()],
            PrivateKeyDer::from_pem_slice(SERVER_KEY).unwrap(),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, body, counted) = (acceptor.clone(), body.clone(), counted.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                // The request head, up to its blank line (bounded).
                let mut head = Vec::new();
                let mut buffer = [0; 1024];
                while !head.windows(4).any(|end| end == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(read) if read > 0 && head.len() < 16 * 1024 => {
                            head.extend_from_slice(&buffer[..read]);
                        }
                        _ => return,
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/jwk-set+json\r\n\
                     cache-control: max-age=600\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (address, requests)
}

#[tokio::test]
async fn fetches_over_https_from_a_server_that_a_trusted_private_ca_signed() {
    let k1 = es256("k1");
    let (address, requests) = serve_tls(set(&[&k1])).await;
    let keys = RemoteKeySet::builder(format!("https://{address}/jwks.json"))
        .issuer(ISSUER)
        .tls_root_certificate(test_ca_der())
        .timeout(Duration::from_secs(2))
        .spawn()
        .unwrap();
    assert_eq!(keys.ready().await, Ok(()));
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    let auth = auth_with(&keys);
    assert_eq!(get_invoices(&auth, &token_of(&k1)).await.status, 200);
}

#[tokio::test]
async fn refuses_a_server_whose_certificate_no_trusted_root_signed() {
    // The default roots are the public Web PKI's: the test CA is not one.
    let k1 = es256("k1");
    let (address, requests) = serve_tls(set(&[&k1])).await;
    let url = format!("https://{address}/jwks.json");
    let keys = RemoteKeySet::builder(url.clone())
        .issuer(ISSUER)
        .timeout(Duration::from_secs(2))
        .spawn()
        .unwrap();
    let Err(Error::KeySetUnavailable {
        url: failed,
        reason,
    }) = keys.ready().await
    else {
        panic!("a set from an untrusted server was accepted");
    };
    assert_eq!(failed, url);
    // The cause is named, not only hyper's "client error (Connect)".
    assert!(
        reason.ends_with("invalid peer certificate: UnknownIssuer"),
        "{reason}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 0);
    let auth = auth_with(&keys);
    assert_eq!(get_invoices(&auth, &token_of(&k1)).await.status, 503);
}

#[tokio::test]
async fn refuses_a_trusted_root_that_is_not_a_certificate_when_started() {
    let started = RemoteKeySet::builder("https://127.0.0.1:1/jwks.json")
        .tls_root_certificate(b"not a certificate".to_vec())
        .spawn();
    let Err(ConfigError::InvalidTlsRoot { reason }) = started else {
        panic!("a root that is not a certificate was accepted");
    };
    assert_eq!(reason, "invalid peer certificate: BadEncoding");
}
