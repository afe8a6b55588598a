//! What state costs: a one-time decode against a plain one, on each store,
//! and rotations per second with 1 and 16 concurrent callers.
//!
//! ```sh
//! cargo bench -p jwt-claims-state --features redis
//! ```
//!
//! The Redis groups start a redis-server of their own on a free loopback
//! port (skipped when it is not installed).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use jwt_claims::{Algorithm, Claims, HmacKey, Signer, Verifier};
use jwt_claims_state::{
    Families, FamilyId, MemoryStore, RefreshClaims, Revocable, StatefulVerifier, Store,
};
use serde::{Deserialize, Serialize};
use tokio::runtime::Runtime;

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "api", ttl = "15m", require = ["sub", "jti"])]
struct Plain {
    org_id: u64,
    scope: String,
}

impl Revocable for Plain {
    fn family(&self) -> Option<&FamilyId> {
        None
    }
}

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "link", aud = "api", ttl = "15m", require = ["sub"], one_time)]
struct Link {
    org_id: u64,
    scope: String,
}

impl Revocable for Link {
    fn family(&self) -> Option<&FamilyId> {
        None
    }
}

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "refresh", aud = "auth", ttl = "1h", require = ["sub", "jti"])]
struct Refresh {
    sid: FamilyId,
}

impl RefreshClaims for Refresh {
    fn family_id(&self) -> &FamilyId {
        &self.sid
    }
}

const ISSUER: &str = "https://auth.example.com";

fn key() -> HmacKey {
    HmacKey::new(Algorithm::HS256, &[7; 32]).unwrap()
}

fn signer() -> Signer {
    Signer::builder()
        .issuer(ISSUER)
        .shared_key(key())
        .build()
        .unwrap()
}

fn verifier() -> Verifier {
    Verifier::builder()
        .issuer(ISSUER)
        .shared_key(key())
        .build()
        .unwrap()
}

fn claims() -> (u64, String) {
    (81723, "invoices:read payments:read".to_owned())
}

/// A redis-server on a free loopback port, killed when dropped.
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
struct RedisServer(Child, String);

#[cfg_attr(not(feature = "redis"), allow(dead_code))]
impl RedisServer {
    fn start() -> Option<RedisServer> {
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("redis-server")
            .args([
                "--bind",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let url = format!("redis://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(RedisServer(child, url))
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The stores measured: memory always, Redis when it can be started.
/// The stores by name.
type Stores = Vec<(&'static str, Arc<dyn Store>)>;

fn stores(runtime: &Runtime) -> (Stores, Option<RedisServer>) {
    #[cfg_attr(not(feature = "redis"), allow(unused_mut))]
    let mut stores: Stores = vec![("memory", Arc::new(MemoryStore::with_capacity(50_000_000)))];
    #[cfg(feature = "redis")]
    let server = RedisServer::start();
    #[cfg(not(feature = "redis"))]
    let server: Option<RedisServer> = None;
    #[cfg(feature = "redis")]
    if let Some(server) = &server {
        let store = runtime
            .block_on(jwt_claims_state::RedisStore::connect(&server.1))
            .unwrap();
        stores.push(("redis", Arc::new(store)));
    }
    let _ = runtime;
    (stores, server)
}

fn decode(c: &mut Criterion) {
    // One thread: `block_on` then costs what an await in a handler costs,
    // and the baseline below is timed under it too.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (stores, _server) = stores(&runtime);
    let signer = signer();
    let (org_id, scope) = claims();
    let plain = signer
        .issue(&Plain {
            org_id,
            scope: scope.clone(),
        })
        .subject("user-4217")
        .encode()
        .unwrap();
    let mut group = c.benchmark_group("decode-HS256");
    group.measurement_time(Duration::from_secs(3));
    let verifier = verifier();
    group.bench_function("plain-awaited", |b| {
        b.iter(|| runtime.block_on(async { verifier.decode::<Plain>(plain.as_str()).unwrap() }))
    });
    group.bench_function("plain", |b| {
        b.iter(|| verifier.decode::<Plain>(plain.as_str()).unwrap())
    });
    for (name, store) in &stores {
        let stateful = StatefulVerifier::new(verifier.clone(), store.clone());
        group.bench_function(format!("stateful-{name}"), |b| {
            b.iter(|| {
                runtime
                    .block_on(stateful.decode::<Plain>(plain.as_str()))
                    .unwrap()
            })
        });
        group.bench_function(format!("one-time-{name}"), |b| {
            b.iter_batched(
                || {
                    signer
                        .issue(&Link {
                            org_id,
                            scope: scope.clone(),
                        })
                        .subject("user-4217")
                        .encode()
                        .unwrap()
                },
                |link| {
                    runtime
                        .block_on(stateful.decode::<Link>(link.as_str()))
                        .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn rotate(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (stores, _server) = stores(&runtime);
    let mut group = c.benchmark_group("rotate");
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(1));
    for (name, store) in &stores {
        let stateful = StatefulVerifier::new(verifier(), store.clone());
        let families = Arc::new(
            Families::<Refresh>::builder(stateful, key())
                .issuer(ISSUER)
                .build()
                .unwrap(),
        );
        for callers in [1usize, 16] {
            group.bench_function(format!("{name}-{callers}-callers"), |b| {
                b.iter_custom(|iters| {
                    runtime.block_on(async {
                        // Each caller rotates a family of its own, in turn.
                        let mut tokens = Vec::new();
                        for _ in 0..callers {
                            let login =
                                families.start("user", |sid| Refresh { sid }).await.unwrap();
                            tokens.push(login.into_token().into_string());
                        }
                        let per_caller = iters.div_ceil(callers as u64);
                        let started = Instant::now();
                        let tasks: Vec<_> = tokens
                            .into_iter()
                            .map(|mut token| {
                                let families = families.clone();
                                tokio::spawn(async move {
                                    for _ in 0..per_caller {
                                        token = families
                                            .rotate(&token)
                                            .await
                                            .unwrap()
                                            .into_token()
                                            .into_string();
                                    }
                                })
                            })
                            .collect();
                        for task in tasks {
                            task.await.unwrap();
                        }
                        started
                            .elapsed()
                            .mul_f64(iters as f64 / (per_caller * callers as u64) as f64)
                    })
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, decode, rotate);
criterion_main!(benches);
