//! What the extractor costs, side by side in one run, in-process
//! (`tower::ServiceExt::oneshot` on a current-thread runtime): an
//! unprotected route; the same route taking `Bearer<T>` with an HS256 and
//! an ES256 token; the same with axum-jwt-auth's `Claims<T>` (the peer on
//! axum 0.8, on the RustCrypto backend its jsonwebtoken 10 requires);
//! `Verifier::decode` of the same tokens alone; and, to tell where the
//! time goes, the HS256 decode under `block_on` and `BearerAuth::verify`
//! on ready-made headers; and a route whose handler calls
//! `Verifier::decode` on the header itself (`manual_hs256`), which is the
//! decode under the conditions it meets in a request. The routes are
//! `fixture`'s, which `loopback.rs` serves over HTTP.
//!
//! Every request carries the token (the unprotected route ignores it) and
//! every route answers the same body, so the extractor's own cost is
//! `route/ours_* - route/unprotected`; the target is at most `decode/*`
//! plus 10%.
//!
//! ```sh
//! cargo bench -p jwt-claims-axum --bench extractor
//! ```
//!
//! After criterion's rows the same rows run again interleaved (short
//! batches in turn) and a Markdown table of the medians and of the
//! extractor's cost against the decode is printed: those ratios hold on a
//! shared machine.
//!
//! For a profiler, `JWT_CLAIMS_AXUM_PROFILE=<row>:<count>` runs one row
//! `count` times instead (e.g. `route/ours_hs256:20000`); the
//! instructions of one call are the difference of two counts' totals
//! divided by the difference of the counts.

// Benchmark set-up unwraps freely: a broken fixture should stop the run.
#![allow(missing_docs)]

mod fixture;

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use criterion::Criterion;
use fixture::interleave::{self, Contender};
use fixture::{Es256Access, Fixture, Hs256Access};
use http::Request;
use jwt_claims_axum::BearerAuth;
use tokio::runtime::Runtime;
use tower::ServiceExt;

/// The criterion group.
const GROUP: &str = "extractor";
/// How long one interleaved batch runs, about.
const BATCH: Duration = Duration::from_micros(500);
/// How long each interleaved race runs.
const RACE: Duration = Duration::from_secs(6);

fn request(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

/// One measured routine.
type Routine<'a> = Box<dyn FnMut() + 'a>;

/// Every row of the group by its id, in the order of the tables.
fn routines<'a>(
    runtime: &'a Runtime,
    fixture: &'a Fixture,
    auth: &'a BearerAuth,
) -> Vec<(String, Routine<'a>)> {
    let verifier = &fixture.verifier;
    let (hs256, es256) = (fixture.hs256.as_str(), fixture.es256.as_str());
    let headers = request("/", hs256).headers().clone();
    let mut routines: Vec<(String, Routine<'a>)> =
        vec![
            (
                "decode/hs256".into(),
                Box::new(move || {
                    black_box(verifier.decode::<Hs256Access>(black_box(hs256)).unwrap());
                }),
            ),
            (
                "decode/es256".into(),
                Box::new(move || {
                    black_box(verifier.decode::<Es256Access>(black_box(es256)).unwrap());
                }),
            ),
            // Where the route's time goes: the decode under block_on, and
            // BearerAuth::verify (header parsing and the decode) on ready
            // headers.
            (
                "decode_block_on/hs256".into(),
                Box::new(move || {
                    black_box(runtime.block_on(async {
                        verifier.decode::<Hs256Access>(black_box(hs256)).unwrap()
                    }));
                }),
            ),
            (
                "verify/hs256".into(),
                Box::new(move || {
                    black_box(
                        runtime
                            .block_on(auth.verify::<Hs256Access>(black_box(&headers)))
                            .unwrap(),
                    );
                }),
            ),
        ];
    for row in fixture.rows() {
        routines.push((
            format!("route/{}", row.name),
            Box::new(move || {
                black_box(
                    runtime
                        .block_on(row.router.clone().oneshot(request(row.path, row.token)))
                        .unwrap(),
                );
            }),
        ));
    }
    routines
}

fn extractor(c: &mut Criterion) {
    let started = SystemTime::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let fixture = Fixture::new();
    // Every route must answer 200 for the numbers to mean anything.
    for row in fixture.rows() {
        let response = runtime
            .block_on(row.router.clone().oneshot(request(row.path, row.token)))
            .unwrap();
        assert_eq!(response.status(), 200, "{}", row.name);
    }
    let auth = BearerAuth::builder(fixture.verifier.clone())
        .build()
        .unwrap();
    let mut routines = routines(&runtime, &fixture, &auth);

    let mut group = c.benchmark_group(GROUP);
    for (id, routine) in &mut routines {
        group.bench_function(id.as_str(), |b| b.iter(&mut *routine));
    }
    group.finish();

    if !routines
        .iter()
        .all(|(id, _)| interleave::measured(GROUP, id, started))
    {
        return;
    }
    // Two races: the HS256 rows, then the ES256 ones (calls forty times
    // longer), each with the unprotected route.
    let hs256 = [
        "route/unprotected",
        "decode/hs256",
        "decode_block_on/hs256",
        "verify/hs256",
        "route/ours_hs256",
        "route/manual_hs256",
        "route/peer_hs256",
    ];
    let es256 = [
        "route/unprotected",
        "decode/es256",
        "route/ours_es256",
        "route/peer_es256",
    ];
    println!("\nInterleaved ({BATCH:?} batches in turn, {RACE:?} a race):\n");
    println!("| row | median | fastest batch |");
    println!("|---|---:|---:|");
    let mut results = Vec::new();
    for ids in [&hs256[..], &es256[..]] {
        let mut contenders: Vec<Contender<'_>> = routines
            .iter_mut()
            .filter(|(id, _)| ids.contains(&id.as_str()))
            .map(|(id, routine)| calls(id.clone(), routine))
            .collect();
        let timings = interleave::race(&mut contenders, RACE);
        for timing in &timings {
            println!(
                "| {} | {} | {} |",
                timing.name,
                human(timing.median_ns),
                human(timing.min_ns)
            );
        }
        results.push(timings);
    }
    println!();
    println!(
        "| token | extractor (route − unprotected) | decode alone | extractor / decode | by hand in the handler (route − unprotected) | extractor / by hand |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (timings, alg) in results.iter().zip(["hs256", "es256"]) {
        let find = |id: &str| timings.iter().find(|t| t.name == id);
        let base = find("route/unprotected").unwrap().median_ns;
        let cost = |id: &str| find(id).map(|t| t.median_ns - base);
        let extractor = cost(&format!("route/ours_{alg}")).unwrap();
        let decode = find(&format!("decode/{alg}")).unwrap().median_ns;
        let (by_hand, ratio) = match cost(&format!("route/manual_{alg}")) {
            Some(by_hand) => (human(by_hand), format!("{:.3}×", extractor / by_hand)),
            None => ("".into(), "".into()),
        };
        println!(
            "| {alg} | {} | {} | {:.3}× | {by_hand} | {ratio} |",
            human(extractor),
            human(decode),
            extractor / decode,
        );
    }
}

/// A contender calling `routine` in batches of about `BATCH`.
fn calls<'r>(name: String, routine: &'r mut Routine<'_>) -> Contender<'r> {
    routine();
    let start = Instant::now();
    routine();
    let once = start.elapsed().max(Duration::from_nanos(1));
    let units = u64::try_from(BATCH.as_nanos() / once.as_nanos()).map_or(u64::MAX, |n| n.max(1));
    Contender::batch(name, units, move || {
        let start = Instant::now();
        for _ in 0..units {
            routine();
        }
        start.elapsed()
    })
}

/// A time in the unit that suits it.
fn human(ns: f64) -> String {
    match ns {
        ns if ns < 1e3 => format!("{ns:.0} ns"),
        ns if ns < 1e6 => format!("{:.2} µs", ns / 1e3),
        ns => format!("{:.2} ms", ns / 1e6),
    }
}

/// `JWT_CLAIMS_AXUM_PROFILE=<row>:<count>`: one row, `count` times.
fn profile(spec: &str) {
    let (want, count) = spec.rsplit_once(':').expect("<row>:<count>");
    let count: u64 = count.parse().expect("a count");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let fixture = Fixture::new();
    let auth = BearerAuth::builder(fixture.verifier.clone())
        .build()
        .unwrap();
    let mut routines = routines(&runtime, &fixture, &auth);
    let (_, routine) = routines
        .iter_mut()
        .find(|(id, _)| id == want)
        .unwrap_or_else(|| panic!("no row {want}"));
    for _ in 0..count {
        routine();
    }
}

fn main() {
    if let Ok(spec) = std::env::var("JWT_CLAIMS_AXUM_PROFILE") {
        profile(&spec);
        return;
    }
    // Short: the machine is shared.
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(40)
        .configure_from_args();
    extractor(&mut criterion);
    criterion.final_summary();
}
