//! Three services on loopback sharing one claims crate (`shared_claims`),
//! and a scripted client that walks through what they accept and refuse,
//! printing every request, status and `WWW-Authenticate` line.
//!
//! - **auth** logs users in (the billing access token as a `jwt` cookie and
//!   in the body, with a refresh token), rotates refresh tokens, logs out,
//!   and publishes its keys half-way through a key rotation.
//! - **billing** reads the cookie, then the `Authorization` header, lets
//!   only admins pay, and reads payment details that auth encrypted to
//!   billing's key.
//! - **reports** reads the header and hands out one-time export links.
//!
//! Token state (refresh families, revoked sessions, used links) is in
//! memory, or on Redis with `--redis URL` (build with `--features redis`).
//! Keys come from the environment or files (see `keys.rs`), generated when
//! unset. The demo exits non-zero when any step answers other than
//! expected.
//!
//! ```sh
//! cargo run -p jwt-claims-examples --bin services
//! cargo run -p jwt-claims-examples --features redis --bin services -- --redis redis://127.0.0.1:6379
//! ```

mod auth;
mod billing;
mod client;
mod keys;
mod reports;
mod scenario;

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use jwt_claims_axum::JWKS_PATH;
use jwt_claims_state::{MemoryStore, Store};

use crate::keys::Keys;

/// What every service shares: the token state.
pub(crate) struct Services {
    store: Arc<dyn Store>,
}

/// Where the services listen.
pub(crate) struct Addresses {
    auth: SocketAddr,
    billing: SocketAddr,
    /// A billing service whose key set cannot be fetched.
    billing_cut_off: SocketAddr,
    reports: SocketAddr,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("some steps answered other than expected (marked WRONG above)");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("the demo could not start: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let (store, store_name) = store(std::env::args().skip(1).collect()).await?;
    let keys = Keys::load()?;
    for origin in &keys.origins {
        println!("key  {origin}");
    }
    println!("store  {store_name}\n");
    let services = Services { store };

    let auth = serve(auth::router(&keys, services.store.clone())?).await?;
    let jwks = format!("http://{auth}{JWKS_PATH}");
    let billing = serve(billing::router(&jwks, &keys, &services).await?).await?;
    let reports = serve(reports::router(&jwks, &keys, &services).await?).await?;
    // A port nothing listens on: the address is free once the listener
    // is dropped.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await?
        .local_addr()?;
    let unreachable = format!("http://{closed}{JWKS_PATH}");
    let billing_cut_off = serve(billing::router(&unreachable, &keys, &services).await?).await?;

    let addresses = Addresses {
        auth,
        billing,
        billing_cut_off,
        reports,
    };
    Ok(scenario::run(&addresses, &keys).await)
}

/// The store `args` ask for: in memory, or Redis for `--redis URL`.
async fn store(args: Vec<String>) -> Result<(Arc<dyn Store>, String), Box<dyn std::error::Error>> {
    match args.as_slice() {
        [] => Ok((Arc::new(MemoryStore::new()), "in memory".to_owned())),
        [flag, url] if flag == "--redis" => redis(url).await,
        _ => Err("usage: services [--redis redis://HOST:PORT]".into()),
    }
}

#[cfg(feature = "redis")]
async fn redis(url: &str) -> Result<(Arc<dyn Store>, String), Box<dyn std::error::Error>> {
    let store = jwt_claims_state::RedisStore::connect(url).await?;
    Ok((Arc::new(store), format!("Redis at {url}")))
}

#[cfg(not(feature = "redis"))]
async fn redis(_: &str) -> Result<(Arc<dyn Store>, String), Box<dyn std::error::Error>> {
    Err("--redis needs the redis feature: cargo run -p jwt-claims-examples --features redis --bin services -- --redis URL".into())
}

/// Serves `app` on a free loopback port, for as long as the demo runs.
async fn serve(app: Router) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(address)
}
