//! Fixtures: purposes, keys and a fixed clock; routers; a loopback server
//! and a small HTTP/1.1 client over a `TcpStream` that returns the
//! response's exact bytes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::response::Response;
use axum::routing::get;
use http::Request;
use http_body_util::BodyExt;
use jwt_claims::{
    Algorithm, Claims, Error, FixedClock, HmacKey, KeyProvider, PrivateKey, Signer, Verifier,
    VerifyingKey,
};
use jwt_claims_axum::{Bearer, BearerAuth, BearerAuthBuilder};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

/// The instant the verifiers and signers live at.
pub const NOW: i64 = 1_900_000_000;
pub const ISSUER: &str = "https://auth.test";
pub const SECRET: &[u8] = b"jwt-claims-axum test secret 32b!";
pub const OTHER_SECRET: &[u8] = b"another secret of thirty-two b!!";

#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "access", ttl = "15m")]
pub struct BillingAccess {
    pub org_id: u64,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "refresh", ttl = "30d")]
pub struct BillingRefresh {
    pub org_id: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(aud = "reports", typ = "access", ttl = "15m")]
pub struct ReportsAccess {
    pub org_id: u64,
}

pub fn access(org_id: u64) -> BillingAccess {
    BillingAccess {
        org_id,
        scope: "billing:read".into(),
        roles: vec!["member".into()],
    }
}

pub fn clock() -> FixedClock {
    FixedClock::at_timestamp(NOW)
}

pub fn key() -> HmacKey {
    HmacKey::new(Algorithm::HS256, SECRET).unwrap()
}

pub fn other_key() -> HmacKey {
    HmacKey::new(Algorithm::HS256, OTHER_SECRET).unwrap()
}

/// The ES256 key of RFC 7515 A.3 (published, for tests only).
pub fn es256_key() -> PrivateKey {
    PrivateKey::from_jwk(
        Algorithm::ES256,
        r#"{"kty":"EC","crv":"P-256",
        "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        "d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#,
    )
    .unwrap()
}

/// A signer of every purpose with [`key`], at [`NOW`].
pub fn signer() -> Signer {
    signer_at(NOW)
}

pub fn signer_at(now: i64) -> Signer {
    Signer::builder()
        .issuer(ISSUER)
        .shared_key(key())
        .clock(FixedClock::at_timestamp(now))
        .build()
        .unwrap()
}

/// A verifier of every purpose with [`key`], at [`NOW`].
pub fn verifier() -> Verifier {
    Verifier::builder()
        .issuer(ISSUER)
        .shared_key(key())
        .clock(clock())
        .build()
        .unwrap()
}

pub fn auth_builder() -> BearerAuthBuilder {
    BearerAuth::builder(verifier()).realm("billing")
}

pub fn auth() -> BearerAuth {
    auth_builder().build().unwrap()
}

pub fn bearer<T: Claims>(claims: &T) -> String {
    signer().encode(claims).unwrap().into_string()
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub auth: BearerAuth,
}

/// `/invoices` (a `Bearer<BillingAccess>`) and `/open` (no extractor).
pub fn app(auth: BearerAuth) -> Router {
    Router::new()
        .route(
            "/invoices",
            get(|token: Bearer<BillingAccess>| async move {
                format!("org {}", token.claims().org_id)
            }),
        )
        .route("/open", get(|| async { "open" }))
        .with_state(AppState { auth })
}

/// A request to `path` with these headers.
pub fn request(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::get(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).unwrap()
}

/// What a response is, byte for byte: status, every header, the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub async fn of(response: Response) -> Answer {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Every value of header `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| String::from_utf8(v.clone()).unwrap())
            .collect()
    }

    /// The one value of `name`; fails when it is absent or repeated.
    pub fn one(&self, name: &str) -> String {
        let all = self.all(name);
        assert_eq!(all.len(), 1, "{name}: {all:?}");
        all.into_iter().next().unwrap()
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

/// Sends `request` through `app` in-process.
pub async fn call(app: &Router, request: Request<Body>) -> Answer {
    Answer::of(app.clone().oneshot(request).await.unwrap()).await
}

/// Serves `app` on 127.0.0.1 until the test's runtime ends.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// Sends `head` (request line and headers, without the final blank line)
/// to `address` over one connection and returns the raw response, read
/// until the server closes (`Connection: close`), within 5 s.
pub async fn raw_http(address: SocketAddr, head: &str) -> Vec<u8> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = format!("{head}\r\nHost: {address}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        response
    };
    tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .expect("the server answers within 5 s")
}

/// The header lines (`name: value`) of a raw response, as sent.
pub fn header_lines(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap();
    head.split("\r\n").skip(1).map(str::to_owned).collect()
}

pub fn status_line(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.split("\r\n").next().unwrap().to_owned()
}

/// A key provider that counts how often a decode asks for keys: once per
/// verification that got past the header.
pub struct Counting {
    pub keys: Arc<[VerifyingKey]>,
    pub calls: AtomicUsize,
}

impl Counting {
    pub fn new(key: impl Into<VerifyingKey>) -> Arc<Counting> {
        Arc::new(Counting {
            keys: Arc::new([key.into()]),
            calls: AtomicUsize::new(0),
        })
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl KeyProvider for Counting {
    fn keys(&self) -> Result<Arc<[VerifyingKey]>, Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(self.keys.clone())
    }
}

/// SplitMix64: a tiny seeded generator, so every run checks the same
/// cases and a failure names its seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// `len` letters and digits: long enough that finding one in a
    /// response cannot be chance.
    pub fn word(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..len)
            .map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}
