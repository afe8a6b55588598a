//! One contender in a loop, for a profiler, or a group's contenders timed
//! interleaved: criterion's timing is too noisy on a shared machine to
//! attribute tens of nanoseconds, an instruction count or a perf profile
//! is not.
//!
//! ```sh
//! CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release -p jwt-claims-bench --example profile
//! target/release/examples/profile decode-HS256 race 10      # interleaved, 10 seconds
//! valgrind --tool=callgrind --callgrind-out-file=hs256.out \
//!     target/release/examples/profile decode-HS256 jwt-claims 20000
//! callgrind_annotate --inclusive=yes hs256.out | head -60
//! perf record -e cpu-clock target/release/examples/profile decode-HS256 jwt-claims 1500000
//! perf report --no-children --sort symbol
//! ```
//!
//! The JWE groups (`jwe-decrypt-dir`, `decrypt-verify-A256KW`, …) run
//! `primitives` or `floor` against `jwt-claims`, as `benches/jwe/` does.
//!
//! Divide the loop's inclusive instruction count by the iterations for a
//! per-call cost; compare a contender with `floor` under the same command.
//! Under valgrind, aws-lc's SHA-256 takes its AVX path (valgrind hides the
//! SHA extensions), so crypto counts high there; perf sees the real one.

use std::cell::RefCell;
use std::hint::black_box;
use std::time::Duration;

use jwt_claims_bench::fixture::{self, Access, AccessFields, Alg, FullClaimsRef, unix_now};
use jwt_claims_bench::floor::{FloorSigner, FloorVerifier};
use jwt_claims_bench::interleave::{self, Contender};
use jwt_claims_bench::jwe::{self, Jwe, PrimitiveDecrypter, PrimitiveEncrypter, SealedAccess};
use jwt_claims_bench::{hostile, nested};

fn alg(name: &str) -> Alg {
    Alg::ALL
        .into_iter()
        .find(|alg| alg.name() == name)
        .unwrap_or_else(|| panic!("unknown algorithm {name}"))
}

fn jwe_alg(name: &str) -> Jwe {
    Jwe::ALL
        .into_iter()
        .find(|jwe| jwe.name() == name)
        .unwrap_or_else(|| panic!("unknown key management algorithm {name}"))
}

type Run<'a> = Box<dyn FnMut() + 'a>;

/// The JWE groups' kinds: `jwe-decrypt-ALG`, `jwe-encrypt-ALG`,
/// `decrypt-verify-ALG`, `sign-encrypt-ALG`.
const JWE_KINDS: [&str; 4] = [
    "jwe-decrypt",
    "jwe-encrypt",
    "decrypt-verify",
    "sign-encrypt",
];

/// A JWE group's kind and algorithm.
fn jwe_group(group: &str) -> Option<(&'static str, Jwe)> {
    JWE_KINDS.into_iter().find_map(|kind| {
        let alg = group.strip_prefix(kind)?.strip_prefix('-')?;
        Some((kind, jwe_alg(alg)))
    })
}

/// The contenders of a JWE group.
fn jwe_contenders<'a>(kind: &str, state: &'a JweState) -> Vec<(&'static str, Run<'a>)> {
    match kind {
        "jwe-decrypt" => vec![
            (
                "primitives",
                Box::new(|| {
                    let mut primitives = state.primitive_decrypter.borrow_mut();
                    black_box(primitives.open()).expect("opens");
                }),
            ),
            (
                "jwt-claims",
                Box::new(|| {
                    black_box(state.decrypter.decrypt(black_box(&state.token))).expect("decrypts");
                }),
            ),
        ],
        "jwe-encrypt" => vec![
            (
                "primitives",
                Box::new(|| {
                    let mut primitives = state.primitive_encrypter.borrow_mut();
                    black_box(primitives.seal(black_box(state.jws.as_bytes()))).expect("seals");
                }),
            ),
            (
                "jwt-claims",
                Box::new(|| {
                    black_box(state.encrypter.encrypt(black_box(state.jws.as_bytes())))
                        .expect("encrypts");
                }),
            ),
        ],
        "decrypt-verify" => vec![
            (
                "floor",
                Box::new(|| {
                    let mut primitives = state.primitive_decrypter.borrow_mut();
                    let jws =
                        std::str::from_utf8(primitives.open().expect("opens")).expect("a JWS");
                    black_box(state.floor_verifier.decode(jws, unix_now())).expect("accepted");
                }),
            ),
            (
                "jwt-claims",
                Box::new(|| {
                    black_box(
                        state
                            .verifier
                            .decode::<SealedAccess>(black_box(&state.token)),
                    )
                    .expect("accepted");
                }),
            ),
        ],
        _ => vec![
            (
                "floor",
                Box::new(|| {
                    let claims = FullClaimsRef::issued_at(black_box(&state.access), unix_now());
                    let jws = state.floor_signer.encode(&claims).expect("encodes");
                    let mut primitives = state.primitive_encrypter.borrow_mut();
                    black_box(primitives.seal(jws.as_bytes())).expect("seals");
                }),
            ),
            (
                "jwt-claims",
                Box::new(|| {
                    black_box(
                        state
                            .signer
                            .issue(black_box(&state.sealed))
                            .subject(fixture::SUBJECT)
                            .jwt_id(fixture::JWT_ID)
                            .encode(),
                    )
                    .expect("encodes");
                }),
            ),
        ],
    }
}

/// What the JWE groups' contenders need.
struct JweState {
    token: String,
    jws: String,
    decrypter: jwt_claims::jwe::JweDecrypter,
    encrypter: jwt_claims::jwe::JweEncrypter,
    verifier: jwt_claims::Verifier,
    signer: jwt_claims::Signer,
    primitive_decrypter: RefCell<PrimitiveDecrypter>,
    primitive_encrypter: RefCell<PrimitiveEncrypter>,
    floor_verifier: FloorVerifier,
    floor_signer: FloorSigner,
    access: Access,
    sealed: SealedAccess,
}

impl JweState {
    fn new(which: Jwe) -> JweState {
        let token = jwe::token(which);
        JweState {
            jws: fixture::token(Alg::HS256),
            decrypter: jwe::decrypter(which),
            encrypter: jwe::encrypter(which),
            verifier: jwe::verifier(which),
            signer: jwe::signer(which),
            primitive_decrypter: RefCell::new(PrimitiveDecrypter::new(which, &token)),
            primitive_encrypter: RefCell::new(PrimitiveEncrypter::new(which, &token)),
            floor_verifier: FloorVerifier::new(Alg::HS256),
            floor_signer: FloorSigner::new(Alg::HS256),
            access: Access::fixture(),
            sealed: SealedAccess::fixture(),
            token,
        }
    }
}

/// The contenders of `group`, by name.
fn contenders<'a>(group: &str, state: &'a State) -> Vec<(&'static str, Run<'a>)> {
    if let (Some((kind, _)), Some(jwe)) = (jwe_group(group), &state.jwe) {
        return jwe_contenders(kind, jwe);
    }
    let (kind, _) = group.split_once('-').expect("GROUP-ARG");
    match kind {
        "decode" => vec![
            (
                "floor",
                Box::new(|| {
                    drop(black_box(
                        state
                            .floor_verifier
                            .decode(black_box(&state.token), unix_now()),
                    ))
                }),
            ),
            (
                "jwt-claims",
                Box::new(|| {
                    drop(black_box(
                        state.verifier.decode::<Access>(black_box(&state.token)),
                    ))
                }),
            ),
            (
                "jwt-claims-policy",
                Box::new(|| {
                    drop(black_box(state.verifier.decode_runtime::<AccessFields>(
                        black_box(&state.token),
                        state.policy,
                    )))
                }),
            ),
        ],
        "encode" => vec![
            (
                "floor",
                Box::new(|| {
                    drop(black_box(
                        state.floor_signer.as_ref().expect("HS256 or ES256").encode(
                            &FullClaimsRef::issued_at(black_box(&state.access), unix_now()),
                        ),
                    ))
                }),
            ),
            (
                "jwt-claims",
                Box::new(|| {
                    drop(black_box(
                        state
                            .signer
                            .issue(black_box(&state.access))
                            .subject(fixture::SUBJECT)
                            .jwt_id(fixture::JWT_ID)
                            .encode(),
                    ))
                }),
            ),
        ],
        "nested" => vec![
            (
                "one-by-one",
                Box::new(|| {
                    black_box(nested::decode_levels_one_by_one(
                        &state.nested_verifier,
                        black_box(&state.chain),
                        state.depth,
                    ))
                    .expect("accepted");
                }),
            ),
            (
                "jwt-claims",
                Box::new(|| {
                    black_box(nested::decode_nested(
                        &state.nested_verifier,
                        black_box(&state.chain),
                        state.depth,
                    ))
                    .expect("accepted");
                }),
            ),
        ],
        "hostile" => vec![
            (
                "jwt-claims",
                Box::new(|| {
                    black_box(state.verifier.decode::<Access>(black_box(&state.hostile)))
                        .expect_err("rejected");
                }),
            ),
            (
                "jwt-claims-2MiB-limit",
                Box::new(|| {
                    black_box(state.raised.decode::<Access>(black_box(&state.hostile)))
                        .expect_err("rejected");
                }),
            ),
        ],
        _ => panic!("unknown group {group}"),
    }
}

/// Everything a contender needs, built before any timing.
struct State {
    token: String,
    verifier: jwt_claims::Verifier,
    raised: jwt_claims::Verifier,
    policy: &'static jwt_claims::RuntimePurpose,
    floor_verifier: FloorVerifier,
    floor_signer: Option<FloorSigner>,
    signer: jwt_claims::Signer,
    access: Access,
    chain: nested::Chain,
    nested_verifier: jwt_claims::Verifier,
    depth: usize,
    hostile: String,
    jwe: Option<JweState>,
}

impl State {
    fn new(group: &str) -> State {
        let (kind, arg) = group.split_once('-').expect("GROUP-ARG");
        let jwe = jwe_group(group).map(|(_, which)| JweState::new(which));
        let alg = match kind {
            "decode" | "encode" => alg(arg),
            _ => Alg::HS256,
        };
        State {
            token: fixture::token(alg),
            verifier: fixture::verifier(alg),
            raised: fixture::verifier_builder(alg)
                .max_token_size(hostile::RAISED_LIMIT)
                .build()
                .expect("valid verifier"),
            policy: fixture::runtime_purpose(),
            floor_verifier: FloorVerifier::new(alg),
            floor_signer: matches!(alg, Alg::HS256 | Alg::ES256).then(|| FloorSigner::new(alg)),
            signer: fixture::signer(alg),
            access: Access::fixture(),
            chain: nested::Chain::new(),
            nested_verifier: nested::verifier(),
            depth: if kind == "nested" {
                arg.parse().expect("a depth")
            } else {
                1
            },
            hostile: match (kind, arg) {
                ("hostile", "1MiB") => hostile::oversized(),
                ("hostile", _) => hostile::audience_flood(),
                _ => String::new(),
            },
            jwe,
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [group, contender, iterations] = &args[..] else {
        eprintln!(
            "usage: profile GROUP CONTENDER ITERATIONS | profile GROUP race SECONDS\n\
             GROUP: decode-ALG, encode-HS256, encode-ES256, nested-DEPTH, hostile-1MiB, hostile-aud-100k,\n\
             jwe-decrypt-JWE, jwe-encrypt-JWE, decrypt-verify-JWE, sign-encrypt-JWE (JWE: dir, A256KW, ECDH-ES+A256KW, RSA-OAEP-256)"
        );
        std::process::exit(2);
    };
    let iterations: u32 = iterations.parse().expect("a number");
    let state = State::new(group);
    let mut contenders = contenders(group, &state);
    if contender == "race" {
        // ITERATIONS is the number of seconds here.
        let mut racers: Vec<Contender<'_>> = contenders
            .into_iter()
            .map(|(name, run)| Contender { name, run })
            .collect();
        let timings = interleave::race(&mut racers, Duration::from_secs(u64::from(iterations)));
        for timing in &timings {
            println!(
                "{:>24}: median {:>10.1} ns  fastest {:>10.1} ns  ({:.3}x)",
                timing.name,
                timing.median_ns,
                timing.min_ns,
                timing.median_ns / timings[0].median_ns
            );
        }
        return;
    }
    let (_, run) = contenders
        .iter_mut()
        .find(|(name, _)| name == contender)
        .unwrap_or_else(|| panic!("unknown contender {contender}"));
    for _ in 0..iterations {
        run();
    }
}
