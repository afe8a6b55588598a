//! Requests per second over loopback HTTP, side by side in one run: the
//! routes of `extractor.rs` (unprotected; `Bearer<T>` with HS256 and
//! ES256; `Verifier::decode` called by the handler, HS256; axum-jwt-auth's
//! `Claims<T>` with HS256 and ES256), served by
//! `axum::serve` on 127.0.0.1 (port 0) and driven by a bounded load
//! generator of our own.
//!
//! ```sh
//! cargo bench -p jwt-claims-axum --bench loopback
//! ```
//!
//! **The load generator.** `CONNECTIONS` keep-alive HTTP/1.1 connections
//! (raw tokio `TcpStream`s, `TCP_NODELAY`), each with one request in
//! flight (a closed loop): it writes a fixed GET with the token in
//! `Authorization`, reads the response by its `Content-Length`, checks
//! `200` and the body `42`, and sends the next. One measured iteration is
//! `BATCH` requests shared evenly by the connections; an iteration that
//! takes longer than `DEADLINE` stops the run. Criterion reports requests
//! per second (`Throughput::Elements`).
//!
//! **The machine.** Two cores, shared with other work. The server runs on
//! the load generator's thread (one current-thread runtime, both sides
//! polled by it), so every request costs one core the client's work, the
//! server's and both sides of the kernel's loopback TCP, and the other
//! core takes the machine's other load. A server on threads of its own
//! (`JWT_CLAIMS_AXUM_SERVER_THREADS=1` or `2`: a multi-thread runtime of
//! that many workers) measures the server alone, but its cross-thread
//! wake-ups on two shared cores spread the batches over a factor of two.
//! 4 connections keep the server always busy; 16 show the same with
//! deeper queues (more requests a wake-up).
//!
//! For a profiler, `JWT_CLAIMS_AXUM_PROFILE=<row>/<connections>:<batches>`
//! runs one row that many batches instead (e.g. `ours_hs256/16:400`).
//!
//! After criterion's rows the same rows run again interleaved (one batch
//! each in turn, for `RACE` per connection count) and a Markdown table of
//! the median rates, their ratios to the unprotected route and what each
//! route's request costs over an unprotected one is printed: those ratios
//! hold on a shared machine.

// Benchmark set-up unwraps freely: a broken fixture should stop the run.
#![allow(missing_docs)]

mod fixture;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::serve::ListenerExt;
use criterion::{Criterion, SamplingMode, Throughput};
use fixture::interleave::{self, Contender};
use fixture::{Es256Access, Fixture, Hs256Access};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// Concurrent connections of the load generator.
const CONNECTIONS: [usize; 2] = [4, 16];
/// Requests per measured iteration (a multiple of every connection count).
const BATCH: usize = 512;
/// The most one iteration may take.
const DEADLINE: Duration = Duration::from_secs(10);
/// How long the interleaved timing of one connection count runs.
const RACE: Duration = Duration::from_secs(8);
/// The criterion group.
const GROUP: &str = "loopback";

/// One keep-alive connection and what it has read but not consumed.
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    async fn open(addr: SocketAddr) -> Connection {
        let stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Connection {
            stream,
            buffer: Vec::with_capacity(1024),
        }
    }

    /// Sends `request` and reads its response, which must be `200` with
    /// the body `42`.
    async fn exchange(&mut self, request: &[u8]) {
        self.stream.write_all(request).await.unwrap();
        loop {
            if let Some(length) = complete_response(&self.buffer) {
                self.buffer.drain(..length);
                return;
            }
            let read = self.stream.read_buf(&mut self.buffer).await.unwrap();
            assert!(read > 0, "the server closed a keep-alive connection");
        }
    }
}

/// The length of the response at the start of `buffer` once all of it is
/// there (checked: `200`, keep-alive, body `42`); `None` while some is
/// missing.
fn complete_response(buffer: &[u8]) -> Option<usize> {
    let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buffer[..head_end]).unwrap();
    assert!(head.starts_with("HTTP/1.1 200 "), "not a 200: {head}");
    let mut length = None;
    for line in head.split("\r\n").skip(1) {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.trim().parse::<usize>().unwrap());
        }
        assert!(
            !(name.eq_ignore_ascii_case("connection") && value.trim() == "close"),
            "the server closes the connection: {head}"
        );
    }
    let end = head_end + length.expect("a Content-Length");
    if buffer.len() < end {
        return None;
    }
    assert_eq!(&buffer[head_end..end], b"42");
    Some(end)
}

/// The fixed request of a row.
fn request(path: &str, token: &str) -> Arc<[u8]> {
    format!("GET {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer {token}\r\n\r\n")
        .into_bytes()
        .into()
}

/// Runs `BATCH` requests over `connections`, each its share in turn, all
/// connections at once; returns the connections and how long it took.
async fn batch(connections: Vec<Connection>, request: &Arc<[u8]>) -> (Vec<Connection>, Duration) {
    let each = BATCH / connections.len();
    let started = Instant::now();
    let tasks: Vec<_> = connections
        .into_iter()
        .map(|mut connection| {
            let request = request.clone();
            tokio::spawn(async move {
                for _ in 0..each {
                    connection.exchange(&request).await;
                }
                connection
            })
        })
        .collect();
    let mut connections = Vec::with_capacity(tasks.len());
    let joined = tokio::time::timeout(DEADLINE, async {
        for task in tasks {
            connections.push(task.await.unwrap());
        }
    })
    .await;
    assert!(
        joined.is_ok(),
        "{BATCH} requests took more than {DEADLINE:?}"
    );
    (connections, started.elapsed())
}

/// Serves `router` on a free port of 127.0.0.1 on `runtime`.
fn serve(runtime: &Runtime, router: Router) -> SocketAddr {
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        addr
    })
}

/// One row as the load generator sees it: where to connect, what to send.
struct Target {
    name: &'static str,
    addr: SocketAddr,
    request: Arc<[u8]>,
}

fn loopback(c: &mut Criterion) {
    let started = SystemTime::now();
    let fixture = Fixture::new();
    let profiling = std::env::var("JWT_CLAIMS_AXUM_PROFILE").ok();
    // The fixture's tokens are good before anything is timed.
    fixture
        .verifier
        .decode::<Hs256Access>(&fixture.hs256)
        .unwrap();
    fixture
        .verifier
        .decode::<Es256Access>(&fixture.es256)
        .unwrap();
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // The server shares the load generator's thread unless told otherwise.
    let threads: Option<usize> = std::env::var("JWT_CLAIMS_AXUM_SERVER_THREADS")
        .ok()
        .map(|threads| threads.parse().expect("a number of threads"));
    let server = threads.map(|threads| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .unwrap()
    });
    let server_runtime = server.as_ref().unwrap_or(&client);
    // A listener a row, so a connection only ever asks one route.
    let targets: Vec<Target> = fixture
        .rows()
        .iter()
        .map(|row| Target {
            name: row.name,
            addr: serve(server_runtime, row.router.clone()),
            request: request(row.path, row.token),
        })
        .collect();

    if let Some(spec) = profiling {
        let (want, count) = spec
            .rsplit_once(':')
            .expect("<row>/<connections>:<batches>");
        let (name, connections) = want.rsplit_once('/').expect("<row>/<connections>");
        let target = targets.iter().find(|t| t.name == name).expect("a row");
        let mut open = client.block_on(open_all(target.addr, connections.parse().unwrap()));
        for _ in 0..count.parse::<u32>().unwrap() {
            open = client.block_on(batch(open, &target.request)).0;
        }
        return;
    }
    let mut group = c.benchmark_group(GROUP);
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(BATCH as u64));
    for connections in CONNECTIONS {
        for target in &targets {
            let mut open = client.block_on(open_all(target.addr, connections));
            // Every route answers 200 before it is timed.
            open = client.block_on(batch(open, &target.request)).0;
            let id = format!("{}/{connections}", target.name);
            group.bench_function(&id, |b| {
                b.iter_custom(|iterations| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iterations {
                        let (back, took) =
                            client.block_on(batch(std::mem::take(&mut open), &target.request));
                        open = back;
                        total += took;
                    }
                    total
                })
            });
        }
    }
    group.finish();

    for connections in CONNECTIONS {
        if !targets
            .iter()
            .all(|t| interleave::measured(GROUP, &format!("{}/{connections}", t.name), started))
        {
            continue;
        }
        let mut contenders: Vec<Contender<'_>> = targets
            .iter()
            .map(|target| {
                let mut open = Some(client.block_on(open_all(target.addr, connections)));
                let client = &client;
                Contender::batch(target.name, BATCH as u64, move || {
                    let (back, took) =
                        client.block_on(batch(open.take().unwrap(), &target.request));
                    open = Some(back);
                    took
                })
            })
            .collect();
        let timings = interleave::race(&mut contenders, RACE);
        println!("\nInterleaved, {connections} connections ({BATCH}-request batches, {RACE:?}):\n");
        println!(
            "| route | median | fastest batch | ratio to unprotected | a request, over unprotected |"
        );
        println!("|---|---:|---:|---:|---:|");
        let base = timings[0].median_ns;
        for timing in &timings {
            println!(
                "| {} | {:.0} req/s | {:.0} req/s | {:.3}× | {:.2} µs |",
                timing.name,
                1e9 / timing.median_ns,
                1e9 / timing.min_ns,
                base / timing.median_ns,
                (timing.median_ns - base) / 1e3
            );
        }
    }
}

async fn open_all(addr: SocketAddr, count: usize) -> Vec<Connection> {
    let mut open = Vec::with_capacity(count);
    for _ in 0..count {
        open.push(Connection::open(addr).await);
    }
    open
}

criterion::criterion_group!(benches, loopback);
criterion::criterion_main!(benches);
