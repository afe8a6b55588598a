//! What state costs: a one-time decode against a plain one, on each store,
//! and rotations per second with 1 and 16 concurrent callers.
//!
//! ```sh
//! cargo bench -p jwt-claims-state --features redis
//! ```
//!
//! The Redis groups start a redis-server of their own on a free loopback
//! port (skipped when it is not installed).
//!
//! After criterion's `decode-HS256` rows the same rows run again
//! interleaved (64-call batches in turn, every decode dropped inside the
//! timing) and a table of the medians is printed, with what the
//! revocation check (stateful over plain-awaited) and the mark (one-time
//! over stateful) cost: those differences hold on a shared machine. Every
//! one-time decode leaves a mark that outlives the run, so the memory
//! store grows by one entry a call (to a million entries or more in
//! criterion's row), with its map's and heap's growth in the timing; the
//! `memory-new-each-batch` rows run the same on a store that is new in
//! every batch (at most 64 entries), which tells the mark's own work from
//! a large map's cache misses.
//!
//! For a profiler, `JWT_CLAIMS_STATE_PROFILE=<row>:<count>` runs one row
//! of `decode-HS256` on the memory store `count` times instead (`plain`,
//! `plain-awaited`, `stateful-memory`, `one-time-memory`; the one-time
//! tokens are signed first, at least 20 000 of them whatever the count).
//! The instructions of one call are the difference of two counts' totals
//! (both at most 20 000) divided by the difference of the counts.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use jwt_claims::{Algorithm, Claims, HmacKey, Signer, Token, Verifier};
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
    let started = SystemTime::now();
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
    let link = || {
        signer
            .issue(&Link {
                org_id,
                scope: scope.clone(),
            })
            .subject("user-4217")
            .encode()
            .unwrap()
    };
    let mut group = c.benchmark_group(DECODE);
    group.measurement_time(Duration::from_secs(3));
    let verifier = verifier();
    group.bench_function("plain-awaited", |b| {
        b.iter(|| runtime.block_on(async { verifier.decode::<Plain>(plain.as_str()).unwrap() }))
    });
    group.bench_function("plain", |b| {
        b.iter(|| verifier.decode::<Plain>(plain.as_str()).unwrap())
    });
    let statefuls: Vec<_> = stores
        .iter()
        .map(|(name, store)| {
            (
                *name,
                StatefulVerifier::new(verifier.clone(), store.clone()),
            )
        })
        .collect();
    for (name, stateful) in &statefuls {
        group.bench_function(format!("stateful-{name}"), |b| {
            b.iter(|| {
                runtime
                    .block_on(stateful.decode::<Plain>(plain.as_str()))
                    .unwrap()
            })
        });
        group.bench_function(format!("one-time-{name}"), |b| {
            b.iter_batched(
                link,
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

    if !measured(DECODE, "one-time-memory", started) {
        return;
    }
    // The same rows interleaved: batches of BATCH calls in turn, every
    // decode dropped inside the timing (criterion's `iter_batched` drops
    // the one-time rows' outside it), the links signed before each batch.
    let mut contenders: Vec<Contender<'_>> = vec![
        (
            "plain".into(),
            Box::new(|| {
                let start = Instant::now();
                for _ in 0..BATCH {
                    drop(verifier.decode::<Plain>(plain.as_str()).unwrap());
                }
                start.elapsed()
            }),
        ),
        (
            "plain-awaited".into(),
            Box::new(|| {
                let start = Instant::now();
                for _ in 0..BATCH {
                    drop(
                        runtime
                            .block_on(async { verifier.decode::<Plain>(plain.as_str()).unwrap() }),
                    );
                }
                start.elapsed()
            }),
        ),
    ];
    for (name, stateful) in &statefuls {
        let (runtime, plain) = (&runtime, &plain);
        contenders.push((
            format!("stateful-{name}"),
            Box::new(move || stateful_batch(runtime, stateful, plain.as_str())),
        ));
        contenders.push((
            format!("one-time-{name}"),
            Box::new(move || {
                one_time_batch(
                    runtime,
                    stateful,
                    &(0..BATCH).map(|_| link()).collect::<Vec<_>>(),
                )
            }),
        ));
    }
    // The memory store again, a new one for every batch: at most BATCH
    // entries, so its map stays in cache. Beside the long-lived store's
    // rows (millions of entries by now), these tell what the mark's own
    // work costs from what a large map's cache misses and growth do.
    let small = || StatefulVerifier::new(verifier.clone(), Arc::new(MemoryStore::new()));
    {
        let (runtime, plain) = (&runtime, &plain);
        contenders.push((
            format!("stateful-{SMALL}"),
            Box::new(move || stateful_batch(runtime, &small(), plain.as_str())),
        ));
        contenders.push((
            format!("one-time-{SMALL}"),
            Box::new(move || {
                one_time_batch(
                    runtime,
                    &small(),
                    &(0..BATCH).map(|_| link()).collect::<Vec<_>>(),
                )
            }),
        ));
    }
    let timings = race(&mut contenders);
    println!("\nInterleaved, {DECODE} ({BATCH}-call batches in turn, {RACE:?}):\n");
    println!("| row | median | fastest batch | over plain-awaited (median) |");
    println!("|---|---:|---:|---:|");
    let base = timings[1].1;
    for (name, median, fastest) in &timings {
        println!(
            "| {name} | {} | {} | {} |",
            human(*median),
            human(*fastest),
            human(median - base)
        );
    }
    let find = |want: &str| timings.iter().find(|(name, ..)| name == want).map(|t| t.1);
    let names = statefuls.iter().map(|(name, _)| *name).chain([SMALL]);
    for name in names {
        let (Some(stateful), Some(one_time)) = (
            find(&format!("stateful-{name}")),
            find(&format!("one-time-{name}")),
        ) else {
            continue;
        };
        println!(
            "\n{name}: the revocation check {} ({:.0}% of plain-awaited), the mark {} \
             ({:.0}%), one-time over plain-awaited {} ({:.0}%)",
            human(stateful - base),
            100.0 * (stateful - base) / base,
            human(one_time - stateful),
            100.0 * (one_time - stateful) / base,
            human(one_time - base),
            100.0 * (one_time - base) / base,
        );
    }
}

/// BATCH stateful decodes of `plain`, timed.
fn stateful_batch(runtime: &Runtime, stateful: &StatefulVerifier, plain: &str) -> Duration {
    let start = Instant::now();
    for _ in 0..BATCH {
        drop(runtime.block_on(stateful.decode::<Plain>(plain)).unwrap());
    }
    start.elapsed()
}

/// A one-time decode of each of `links` (signed beforehand), timed.
fn one_time_batch(
    runtime: &Runtime,
    stateful: &StatefulVerifier,
    links: &[Token<Link>],
) -> Duration {
    let start = Instant::now();
    for link in links {
        drop(
            runtime
                .block_on(stateful.decode::<Link>(link.as_str()))
                .unwrap(),
        );
    }
    start.elapsed()
}

/// The criterion group of decodes.
const DECODE: &str = "decode-HS256";
/// The rows' name for a memory store that is new in every batch.
const SMALL: &str = "memory-new-each-batch";
/// Calls in one interleaved batch.
const BATCH: u32 = 64;
/// How long the interleaved timing runs.
const RACE: Duration = Duration::from_secs(8);

/// A named batch of calls that times itself.
type Contender<'a> = (String, Box<dyn FnMut() -> Duration + 'a>);

/// Times the contenders in turn (who goes first rotating each round) for
/// `RACE`, at least 20 rounds: (name, median, fastest batch), nanoseconds
/// a call.
fn race(contenders: &mut [Contender<'_>]) -> Vec<(String, f64, f64)> {
    let count = contenders.len();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); count];
    let started = Instant::now();
    let mut round = 0;
    while round < 20 || started.elapsed() < RACE {
        for turn in 0..count {
            let index = (round + turn) % count;
            let took = (contenders[index].1)();
            times[index].push(took.as_nanos() as f64 / f64::from(BATCH));
        }
        round += 1;
    }
    contenders
        .iter()
        .zip(times)
        .map(|((name, _), mut times)| {
            times.sort_by(f64::total_cmp);
            (name.clone(), times[times.len() / 2], times[0])
        })
        .collect()
}

/// Whether criterion measured `group/id` in this run (not in `--test`
/// mode, not filtered out): its estimates were written since `since`.
fn measured(group: &str, id: &str, since: SystemTime) -> bool {
    let dir = match (
        std::env::var_os("CRITERION_HOME"),
        std::env::var_os("CARGO_TARGET_DIR"),
    ) {
        (Some(home), _) => home.into(),
        (None, Some(target)) => std::path::PathBuf::from(target).join("criterion"),
        // target/release/deps/state-<hash>
        (None, None) => match std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.ancestors().nth(3)?.join("criterion")))
        {
            Some(dir) => dir,
            None => return false,
        },
    };
    std::fs::metadata(dir.join(group).join(id).join("new/estimates.json"))
        .and_then(|meta| meta.modified())
        .is_ok_and(|modified| modified >= since)
}

/// A time in the unit that suits it.
fn human(ns: f64) -> String {
    match ns.abs() {
        abs if abs < 1e3 => format!("{ns:.0} ns"),
        abs if abs < 1e6 => format!("{:.2} µs", ns / 1e3),
        _ => format!("{:.2} ms", ns / 1e6),
    }
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

/// Links signed ahead of a profile at least, whatever its count: the
/// difference of two counts up to it is then the decodes alone.
const PROFILE_LINKS: usize = 20_000;

/// `JWT_CLAIMS_STATE_PROFILE=<row>:<count>`: one row, `count` times.
fn profile(spec: &str) {
    let (row, count) = spec.rsplit_once(':').expect("<row>:<count>");
    let count: usize = count.parse().expect("a count");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let signer = signer();
    let verifier = verifier();
    let (org_id, scope) = claims();
    let plain = signer
        .issue(&Plain {
            org_id,
            scope: scope.clone(),
        })
        .subject("user-4217")
        .encode()
        .unwrap();
    let links: Vec<_> = (0..count.max(PROFILE_LINKS))
        .map(|_| {
            signer
                .issue(&Link {
                    org_id,
                    scope: scope.clone(),
                })
                .subject("user-4217")
                .encode()
                .unwrap()
        })
        .collect();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::with_capacity(50_000_000));
    let stateful = StatefulVerifier::new(verifier.clone(), store);
    for link in links.iter().take(count) {
        match row {
            "plain" => drop(verifier.decode::<Plain>(plain.as_str()).unwrap()),
            "plain-awaited" => {
                drop(runtime.block_on(async { verifier.decode::<Plain>(plain.as_str()).unwrap() }))
            }
            "stateful-memory" => drop(
                runtime
                    .block_on(stateful.decode::<Plain>(plain.as_str()))
                    .unwrap(),
            ),
            "one-time-memory" => drop(
                runtime
                    .block_on(stateful.decode::<Link>(link.as_str()))
                    .unwrap(),
            ),
            other => panic!("no row {other}"),
        }
    }
}

criterion_group!(benches, decode, rotate);

fn main() {
    if let Ok(spec) = std::env::var("JWT_CLAIMS_STATE_PROFILE") {
        profile(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
