//! A browser login with the token in a cookie, safely: `HttpOnly`,
//! `Secure`, `SameSite=Strict`, a `__Host-` name, and tower-http's CSRF
//! layer in front of every unsafe method.
//!
//! ```sh
//! cargo run -p jwt-claims-axum --example login
//! ```
//!
//! It serves on 127.0.0.1 for one exchange of its own: logs in, reads the
//! balance with the cookie, shows a forged cross-site `POST` refused, and
//! exits.

use axum::extract::{FromRef, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Form, Router};
use jwt_claims::{Claims, PrivateKey, Signer, Verifier};
use jwt_claims_axum::{Bearer, BearerAuth, JWKS_PATH, PublishedKeys, SessionCookie};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower_http::csrf::CsrfLayer;

/// The session a login grants, for this app's own audience.
#[derive(Serialize, Deserialize, Claims)]
#[jwt(aud = "app", typ = "session", ttl = "15m", require = ["sub"])]
struct Session {}

#[derive(Clone, FromRef)]
struct AppState {
    auth: BearerAuth,
    signer: Signer,
    cookie: SessionCookie,
}

#[derive(Deserialize)]
struct Login {
    user: String,
    password: String,
}

async fn login(State(state): State<AppState>, Form(login): Form<Login>) -> impl IntoResponse {
    // A real service checks a password hash here.
    if login.password != "correct horse" {
        return (StatusCode::UNAUTHORIZED, HeaderMap::new());
    }
    let token = state
        .signer
        .issue(&Session {})
        .subject(login.user)
        .encode()
        .expect("the signer has a key for sessions");
    let mut headers = HeaderMap::new();
    headers.insert(SET_COOKIE, state.cookie.set(&token));
    (StatusCode::NO_CONTENT, headers)
}

async fn logout(State(state): State<AppState>) -> impl IntoResponse {
    [(SET_COOKIE, state.cookie.clear())]
}

async fn balance(session: Bearer<Session>) -> String {
    let user = session.registered().subject().unwrap_or_default();
    format!("{user}: 12.50 EUR")
}

async fn send(address: std::net::SocketAddr, request: String) -> String {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = PrivateKey::generate(jwt_claims::Algorithm::ES256)?.with_kid("app-1");
    let signer = Signer::builder().key::<Session>(key.clone()).build()?;
    let verifier = Verifier::builder()
        .key::<Session>(key.public_key())
        .build()?;
    let cookie = SessionCookie::new("__Host-session")?;
    let auth = BearerAuth::builder(verifier)
        .source(cookie.source())
        .realm("app")
        .build()?;

    let app = Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/balance", get(balance))
        // Every unsafe method from another origin is 403 before any
        // handler runs (Sec-Fetch-Site / Origin, tower-http >= 0.7).
        .layer(CsrfLayer::new().add_trusted_origin("https://app.example.com")?)
        .with_state(AppState {
            auth,
            signer,
            cookie,
        })
        .merge(PublishedKeys::new([key.public_key()]).router());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });

    let body = "user=alice&password=correct+horse";
    let response = send(
        address,
        format!(
            "POST /login HTTP/1.1\r\nHost: {address}\r\nSec-Fetch-Site: same-origin\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    let set_cookie = response
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .expect("the login sets the cookie");
    let (pair, attributes) = set_cookie.split_once(';').unwrap();
    println!("login      -> Set-Cookie: __Host-session=<the token>;{attributes}");

    let response = send(
        address,
        format!("GET /balance HTTP/1.1\r\nHost: {address}\r\nCookie: {pair}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    println!(
        "balance    -> {}",
        response.lines().last().unwrap_or_default()
    );

    let response = send(
        address,
        format!(
            "POST /logout HTTP/1.1\r\nHost: {address}\r\nCookie: {pair}\r\n\
             Sec-Fetch-Site: cross-site\r\nOrigin: https://evil.example\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    )
    .await;
    println!(
        "forged     -> {}",
        response.lines().next().unwrap_or_default()
    );

    let response = send(
        address,
        format!("GET {JWKS_PATH} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    println!(
        "jwks.json  -> {}",
        response.lines().last().unwrap_or_default()
    );
    Ok(())
}
