//! Remote JWK Sets against a real HTTP server on loopback, started by each
//! test: caching by `Cache-Control`, rotation, the refresh cooldown, the
//! last good set, size limits, and header-carried key URLs never fetched.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};
use jwt_claims::{Algorithm, Clock, Error, JwkSet, PrivateKey, RemoteJwks, Signer, Verifier};

use crate::support::*;

/// A clock the test moves forward by hand.
#[derive(Clone)]
struct SteppingClock(Arc<AtomicI64>);

impl SteppingClock {
    fn new() -> SteppingClock {
        SteppingClock(Arc::new(AtomicI64::new(NOW)))
    }

    fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0.load(Ordering::SeqCst), 0).unwrap()
    }
}

/// What the server answers: status, `Cache-Control`, body.
#[derive(Clone)]
struct Reply {
    status: u16,
    cache_control: Option<String>,
    body: String,
}

impl Reply {
    fn jwks(set: &JwkSet, max_age: u64) -> Reply {
        Reply {
            status: 200,
            cache_control: Some(format!("public, max-age={max_age}")),
            body: set.to_json(),
        }
    }
}

/// A one-route HTTP/1.1 server on 127.0.0.1 that counts its requests.
struct Server {
    address: SocketAddr,
    requests: Arc<AtomicUsize>,
    reply: Arc<Mutex<Reply>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(reply: Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let reply = Arc::new(Mutex::new(reply));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::spawn({
            let (requests, reply, stop) = (requests.clone(), reply.clone(), stop.clone());
            move || {
                // Bounded: the loop ends when the test stops the server, and
                // every test stops it (on drop at the latest).
                while !stop.load(Ordering::SeqCst) {
                    let Ok((stream, _)) = listener.accept() else {
                        std::thread::sleep(Duration::from_millis(2));
                        continue;
                    };
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(2)))
                        .unwrap();
                    let mut reader = BufReader::new(stream);
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                        line.clear();
                    }
                    requests.fetch_add(1, Ordering::SeqCst);
                    let reply = reply.lock().unwrap().clone();
                    let mut stream = reader.into_inner();
                    let cache = reply
                        .cache_control
                        .map(|value| format!("cache-control: {value}\r\n"))
                        .unwrap_or_default();
                    let head = format!(
                        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\n{cache}content-length: {}\r\nconnection: close\r\n\r\n",
                        reply.status,
                        reply.body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(reply.body.as_bytes());
                }
            }
        });
        Server {
            address,
            requests,
            reply,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}/.well-known/jwks.json", self.address)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn serve(&self, reply: Reply) {
        *self.reply.lock().unwrap() = reply;
    }

    /// Stops listening: the port refuses connections from now on.
    fn shut_down(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn signing_key(kid: &str) -> PrivateKey {
    PrivateKey::generate(Algorithm::EdDSA)
        .unwrap()
        .with_kid(kid)
}

fn token(key: &PrivateKey, clock: &SteppingClock) -> String {
    Signer::builder()
        .issuer(ISSUER)
        .clock(clock.clone())
        .shared_key(key.clone())
        .build()
        .unwrap()
        .issue(&BillingAccess {
            org_id: 1,
            role: "viewer".into(),
        })
        .subject("alice")
        .expires_in(Duration::from_secs(24 * 3600))
        .encode()
        .unwrap()
        .into_string()
}

/// The `kid` of the key that verified `token`, or the test fails with the
/// reason the token was refused.
fn verified_kid(verifier: &Verifier, token: &str) -> Option<String> {
    match verifier.decode::<BillingAccess>(token) {
        Ok(decoded) => decoded.kid().map(str::to_owned),
        Err(err) => panic!("refused: {err}"),
    }
}

fn remote(server: &Server, clock: &SteppingClock, cooldown: u64) -> RemoteJwks {
    RemoteJwks::builder(server.url())
        .dangerous_allow_plain_http()
        .issuer(ISSUER)
        .clock(clock.clone())
        .refresh_cooldown(Duration::from_secs(cooldown))
        .cache_bounds(
            Duration::from_secs(10),
            Duration::from_secs(3600),
            Duration::from_secs(60),
        )
        .max_response_size(16 * 1024)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn verifier(remote: RemoteJwks, clock: &SteppingClock) -> Verifier {
    Verifier::builder()
        .issuer(ISSUER)
        .clock(clock.clone())
        .remote_key_set::<BillingAccess>(remote)
        .build()
        .unwrap()
}

#[test]
fn fetches_on_first_use_then_caches_for_max_age() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let server = Server::start(Reply::jwks(&JwkSet::new([key.public_key()]), 300));
    let verifier = verifier(remote(&server, &clock, 30), &clock);
    assert_eq!(server.requests(), 0);
    for _ in 0..5 {
        assert_eq!(
            verified_kid(&verifier, &token(&key, &clock)).as_deref(),
            key.kid()
        );
    }
    assert_eq!(server.requests(), 1);
    clock.advance(299);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    assert_eq!(server.requests(), 1);
    clock.advance(1);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    assert_eq!(server.requests(), 2);
}

#[test]
fn max_age_is_held_within_the_configured_bounds() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let server = Server::start(Reply::jwks(&JwkSet::new([key.public_key()]), 1_000_000));
    let verifier = verifier(remote(&server, &clock, 30), &clock);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    clock.advance(3600); // the upper bound, not the server's eleven days
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    assert_eq!(server.requests(), 2);

    // no-store counts as zero, raised to the lower bound of 10 s; and no
    // fetch comes sooner than the 30 s cooldown after the last one.
    server.serve(Reply {
        cache_control: Some("no-store".into()),
        ..Reply::jwks(&JwkSet::new([key.public_key()]), 0)
    });
    clock.advance(3600);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    assert_eq!(server.requests(), 3);
    clock.advance(10);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    assert_eq!(server.requests(), 3, "stale, but within the cooldown");
    clock.advance(20);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    assert_eq!(server.requests(), 4);
}

/// A remote set whose server says `no-store` and whose lower cache bound is
/// zero: without the cooldown, every decode would fetch.
fn uncached_remote(server: &Server, clock: &SteppingClock) -> RemoteJwks {
    RemoteJwks::builder(server.url())
        .dangerous_allow_plain_http()
        .issuer(ISSUER)
        .clock(clock.clone())
        .refresh_cooldown(Duration::from_secs(30))
        .cache_bounds(Duration::ZERO, Duration::from_secs(3600), Duration::ZERO)
        .build()
        .unwrap()
}

#[test]
fn garbage_tokens_cause_no_fetch_at_all() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let server = Server::start(Reply {
        cache_control: Some("no-store".into()),
        ..Reply::jwks(&JwkSet::new([key.public_key()]), 0)
    });
    let verifier = verifier(uncached_remote(&server, &clock), &clock);
    let huge = "A".repeat(1024 * 1024);
    assert_eq!(
        verifier.decode::<BillingAccess>(&huge).unwrap_err(),
        Error::TokenTooLarge {
            limit: 64 * 1024,
            found: 1024 * 1024
        }
    );
    assert_eq!(
        verifier.decode::<BillingAccess>("AAAA").unwrap_err(),
        Error::WrongSegmentCount { found: 1 }
    );
    let refresh = craft(
        r#"{"alg":"ES256","typ":"refresh","kid":"a"}"#,
        billing_claims().to_string(),
    );
    assert_eq!(
        verifier.decode::<BillingAccess>(&refresh).unwrap_err(),
        Error::WrongType {
            expected: "access".into(),
            found: "refresh".into()
        }
    );
    assert_eq!(
        server.requests(),
        0,
        "size, structure and header come before the key source"
    );
}

#[test]
fn a_no_store_set_is_fetched_at_most_once_per_cooldown() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let server = Server::start(Reply {
        cache_control: Some("no-store".into()),
        ..Reply::jwks(&JwkSet::new([key.public_key()]), 0)
    });
    let verifier = verifier(uncached_remote(&server, &clock), &clock);
    for _ in 0..20 {
        let decoded = verifier
            .decode::<BillingAccess>(&token(&key, &clock))
            .unwrap();
        assert_eq!(decoded.kid(), Some("a"));
        // Garbage with a valid header and an unknown kid.
        let forged = token(&signing_key("made-up"), &clock);
        assert_eq!(
            verifier.decode::<BillingAccess>(&forged).unwrap_err(),
            Error::UnknownKey {
                kid: "made-up".into()
            }
        );
    }
    assert_eq!(server.requests(), 1, "20 tokens, one cooldown: one fetch");
    clock.advance(30);
    verifier
        .decode::<BillingAccess>(&token(&key, &clock))
        .unwrap();
    assert_eq!(server.requests(), 2);
}

#[test]
fn picks_up_a_rotation_when_a_token_names_a_new_kid() {
    let clock = SteppingClock::new();
    let (old, new) = (signing_key("2026-10"), signing_key("2026-11"));
    let server = Server::start(Reply::jwks(&JwkSet::new([old.public_key()]), 3600));
    let verifier = verifier(remote(&server, &clock, 30), &clock);
    assert_eq!(
        verified_kid(&verifier, &token(&old, &clock)).as_deref(),
        old.kid()
    );

    server.serve(Reply::jwks(
        &JwkSet::new([old.public_key(), new.public_key()]),
        3600,
    ));
    clock.advance(30); // past the cooldown since the first fetch
    let decoded = verifier
        .decode::<BillingAccess>(&token(&new, &clock))
        .unwrap();
    assert_eq!(decoded.kid(), Some("2026-11"));
    assert_eq!(server.requests(), 2);
    assert_eq!(
        verified_kid(&verifier, &token(&old, &clock)).as_deref(),
        old.kid()
    );
    assert_eq!(server.requests(), 2);
}

#[test]
fn unknown_kids_cannot_force_more_than_one_fetch_per_cooldown() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let server = Server::start(Reply::jwks(&JwkSet::new([key.public_key()]), 3600));
    let verifier = verifier(remote(&server, &clock, 30), &clock);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    for attempt in 0..50 {
        let forged = token(&signing_key(&format!("made-up-{attempt}")), &clock);
        assert_eq!(
            verifier.decode::<BillingAccess>(&forged).unwrap_err(),
            Error::UnknownKey {
                kid: format!("made-up-{attempt}")
            }
        );
    }
    assert_eq!(
        server.requests(),
        1,
        "still within the cooldown of the first fetch"
    );
    clock.advance(30);
    for attempt in 0..50 {
        let forged = token(&signing_key(&format!("again-{attempt}")), &clock);
        assert_eq!(
            verifier.decode::<BillingAccess>(&forged).unwrap_err(),
            Error::UnknownKey {
                kid: format!("again-{attempt}")
            }
        );
    }
    assert_eq!(server.requests(), 2, "one refresh per cooldown");
}

#[test]
fn keeps_serving_the_last_good_set_when_the_server_is_down() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let mut server = Server::start(Reply::jwks(&JwkSet::new([key.public_key()]), 60));
    let remote = remote(&server, &clock, 30);
    let verifier = verifier(remote.clone(), &clock);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    server.shut_down();
    clock.advance(600);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    assert!(matches!(
        remote.refresh(),
        Err(Error::KeySetUnavailable { .. })
    ));
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
}

#[test]
fn keeps_the_last_good_set_when_a_refresh_returns_garbage() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let server = Server::start(Reply::jwks(&JwkSet::new([key.public_key()]), 60));
    let verifier = verifier(remote(&server, &clock, 30), &clock);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    server.serve(Reply {
        status: 200,
        cache_control: None,
        body: "<html>oops</html>".into(),
    });
    clock.advance(60);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    assert_eq!(server.requests(), 2);
    // A failed refresh is retried once per cooldown, not on every request.
    for _ in 0..20 {
        assert_eq!(
            verified_kid(&verifier, &token(&key, &clock)).as_deref(),
            key.kid()
        );
    }
    assert_eq!(server.requests(), 2);
    clock.advance(30);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        key.kid()
    );
    assert_eq!(server.requests(), 3);
}

#[test]
fn refuses_oversized_malformed_and_failed_responses_with_the_reason() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let cases = [
        (
            Reply {
                status: 200,
                cache_control: None,
                body: " ".repeat(20 * 1024),
            },
            "response larger than 16384 bytes",
        ),
        (
            Reply {
                status: 200,
                cache_control: None,
                body: r#"{"keys":"#.into(),
            },
            "invalid JWK Set: not valid JSON: EOF while parsing a value",
        ),
        (
            Reply {
                status: 500,
                cache_control: None,
                body: "{}".into(),
            },
            "request failed: http status: 500",
        ),
    ];
    for (reply, reason) in cases {
        let server = Server::start(reply);
        let verifier = verifier(remote(&server, &clock, 30), &clock);
        match verifier
            .decode::<BillingAccess>(&token(&key, &clock))
            .unwrap_err()
        {
            Error::KeySetUnavailable { url, reason: found } => {
                assert_eq!(url, server.url());
                assert!(found.starts_with(reason), "{found}");
            }
            other => panic!("{other}"),
        }
    }
}

#[test]
fn binds_fetched_keys_to_the_configured_issuer() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let server = Server::start(Reply::jwks(&JwkSet::new([key.public_key()]), 3600));
    let verifier = Verifier::builder()
        .clock(clock.clone())
        .remote_key_set::<BillingAccess>(remote(&server, &clock, 30))
        .build()
        .unwrap();
    let other_issuer = Signer::builder()
        .issuer("https://evil.example")
        .clock(clock.clone())
        .shared_key(key.clone())
        .build()
        .unwrap()
        .issue(&BillingAccess {
            org_id: 1,
            role: "admin".into(),
        })
        .subject("mallory")
        .encode()
        .unwrap();
    assert_eq!(
        verifier
            .decode::<BillingAccess>(other_issuer.as_str())
            .unwrap_err(),
        Error::WrongIssuer {
            expected: ISSUER.into(),
            found: "https://evil.example".into()
        }
    );
}

#[test]
fn key_urls_and_keys_in_token_headers_are_never_fetched_or_used() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let jwks = Server::start(Reply::jwks(&JwkSet::new([key.public_key()]), 3600));
    let attacker = Server::start(Reply::jwks(
        &JwkSet::new([signing_key("evil").public_key()]),
        3600,
    ));
    let remote_verifier = verifier(remote(&jwks, &clock, 0), &clock);
    let static_verifier = Verifier::builder()
        .issuer(ISSUER)
        .clock(clock.clone())
        .key::<BillingAccess>(key.public_key())
        .build()
        .unwrap();
    let evil_jwk: serde_json::Value =
        serde_json::from_str(&signing_key("evil").public_key().to_jwk()).unwrap();
    let claims = serde_json::json!({"iss": ISSUER, "aud": "billing", "sub": "mallory", "exp": NOW + 60, "org_id": 1, "role": "admin"});
    let cases = [
        (
            serde_json::json!({"alg": "EdDSA", "typ": "access", "kid": "evil", "jku": attacker.url()}),
            Error::UnknownKey { kid: "evil".into() },
        ),
        (
            serde_json::json!({"alg": "EdDSA", "typ": "access", "kid": "evil", "x5u": attacker.url()}),
            Error::UnknownKey { kid: "evil".into() },
        ),
        (
            serde_json::json!({"alg": "EdDSA", "typ": "access", "jwk": evil_jwk}),
            Error::InvalidSignature,
        ),
        (
            serde_json::json!({"alg": "EdDSA", "typ": "access", "x5c": ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]}),
            Error::InvalidSignature,
        ),
    ];
    for (header, expected) in cases {
        // The signature does not matter: no check may look past the header
        // for a key, and the configured key cannot verify it.
        let token = format!(
            "{}.{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes()),
            b64(&[7; 64])
        );
        assert_eq!(
            remote_verifier.decode::<BillingAccess>(&token).unwrap_err(),
            expected,
            "{header}"
        );
        assert_eq!(
            static_verifier.decode::<BillingAccess>(&token).unwrap_err(),
            expected,
            "{header}"
        );
    }
    assert_eq!(
        attacker.requests(),
        0,
        "no URL from a token was ever requested"
    );
}

#[test]
fn a_remote_set_reports_the_keys_it_skipped_and_serves_the_rest() {
    let clock = SteppingClock::new();
    let key = signing_key("a");
    let good = JwkSet::new([key.public_key()]).to_json();
    // A shared secret next to the good key: unusable for verification
    // from a published set, skipped (RFC 7517 §5), never fatal.
    let body = good.replacen(
        "{\"keys\":[",
        "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"secret\",\"k\":\"GawgguFyGrWKav7AX4VKUg\"},",
        1,
    );
    let server = Server::start(Reply {
        body,
        ..Reply::jwks(&JwkSet::new([key.public_key()]), 300)
    });
    let remote = remote(&server, &clock, 30);
    assert!(remote.skipped().is_empty(), "nothing fetched yet");
    let verifier = verifier(remote.clone(), &clock);
    assert_eq!(
        verified_kid(&verifier, &token(&key, &clock)).as_deref(),
        Some("a")
    );
    let skipped = remote.skipped();
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        (skipped[0].index(), skipped[0].kid(), skipped[0].reason()),
        (0, Some("secret"), &jwt_claims::SkipReason::SymmetricKey)
    );
}
