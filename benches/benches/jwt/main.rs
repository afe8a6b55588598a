//! jwt-claims against jsonwebtoken, jwt-simple, jwt-compact and the floor,
//! on the same token, keys and claims.
//!
//! ```sh
//! cargo bench -p jwt-claims-bench                 # everything, ~6 minutes
//! cargo bench -p jwt-claims-bench -- decode-HS256 # one group
//! ```
//!
//! After criterion's runs it times each group's contenders once more,
//! interleaved (see `jwt_claims_bench::interleave`), and prints two
//! Markdown tables, each ratio to the baseline measured in the same run
//! (the floor; for nested tokens, the same levels decoded one by one):
//! criterion's medians, and the interleaved medians, whose ratios hold on
//! a shared machine. `BENCHMARKS.md` records both.

// Benchmark set-up unwraps freely: a broken fixture should stop the run.
#![allow(missing_docs)]

mod peers;
mod report;

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::Criterion;
use jwt_claims::{Error, Verifier};
use jwt_claims_bench::fixture::{
    self, Access, AccessFields, Alg, FullClaimsRef, JWT_ID, SUBJECT, unix_now,
};
use jwt_claims_bench::floor::{FloorSigner, FloorVerifier};
use jwt_claims_bench::interleave::{self, Contender, Timing};
use jwt_claims_bench::{hostile, nested};

/// Names shared with the report: the baseline first.
const FLOOR: &str = "floor";
const TYPED: &str = "jwt-claims";
const POLICY: &str = "jwt-claims-policy";
const JSONWEBTOKEN: &str = "jsonwebtoken";
const JWT_SIMPLE: &str = "jwt-simple";
const JWT_COMPACT: &str = "jwt-compact";

/// The interleaved timings of the groups criterion measured.
type Races = Vec<(String, Vec<Timing>)>;

/// How long the interleaved timing of one group runs.
const RACE: Duration = Duration::from_secs(5);

/// Runs `contenders` as criterion group `name`, then, when criterion
/// measured it (not in `--test` mode, not filtered out), interleaved.
fn run_group(
    c: &mut Criterion,
    name: &str,
    mut contenders: Vec<Contender<'_>>,
    started: SystemTime,
    races: &mut Races,
) {
    let mut group = c.benchmark_group(name);
    for contender in &mut contenders {
        group.bench_function(contender.name, |b| b.iter(|| (contender.run)()));
    }
    group.finish();
    if report::measured(name, contenders[0].name, started) {
        races.push((name.to_owned(), interleave::race(&mut contenders, RACE)));
    }
}

fn decode(c: &mut Criterion, alg: Alg, started: SystemTime, races: &mut Races) {
    let token = fixture::token(alg);
    let verifier = fixture::verifier(alg);
    let policy = fixture::runtime_purpose();
    let floor = FloorVerifier::new(alg);
    let jsonwebtoken = peers::jsonwebtoken::Decoder::new(alg);
    let jwt_simple = peers::jwt_simple::Decoder::new(alg);
    let jwt_compact = peers::jwt_compact::Decoder::new(alg, &jwt_simple);

    // Every contender accepts the token before any of them is timed.
    let expected = Access::fixture();
    let claims = floor.decode(&token, unix_now()).expect("floor accepts");
    assert_eq!(claims.role, expected.role);
    assert_eq!(
        *verifier
            .decode::<Access>(&token)
            .expect("accepted")
            .claims(),
        expected
    );
    let fields = verifier
        .decode_runtime::<AccessFields>(&token, policy)
        .expect("accepted")
        .into_claims();
    assert_eq!(fields.scope, expected.scope);
    assert_eq!(jsonwebtoken.decode(&token).expect("accepted").jti, JWT_ID);
    assert_eq!(
        jwt_simple.decode(&token).expect("accepted").custom.org_id,
        expected.org_id
    );
    assert_eq!(
        jwt_compact.decode(&token).expect("accepted").custom.sub,
        SUBJECT
    );

    let token = token.as_str();
    let contenders = vec![
        Contender::new(FLOOR, || {
            black_box(floor.decode(black_box(token), unix_now())).expect("accepted");
        }),
        Contender::new(TYPED, || {
            black_box(verifier.decode::<Access>(black_box(token))).expect("accepted");
        }),
        Contender::new(POLICY, || {
            black_box(verifier.decode_runtime::<AccessFields>(black_box(token), policy))
                .expect("accepted");
        }),
        Contender::new(JSONWEBTOKEN, || {
            black_box(jsonwebtoken.decode(black_box(token))).expect("accepted");
        }),
        Contender::new(JWT_SIMPLE, || {
            black_box(jwt_simple.decode(black_box(token))).expect("accepted");
        }),
        Contender::new(JWT_COMPACT, || {
            black_box(jwt_compact.decode(black_box(token))).expect("accepted");
        }),
    ];
    run_group(
        c,
        &format!("decode-{}", alg.name()),
        contenders,
        started,
        races,
    );
}

fn encode(c: &mut Criterion, alg: Alg, started: SystemTime, races: &mut Races) {
    let signer = fixture::signer(alg);
    let floor = FloorSigner::new(alg);
    let jsonwebtoken = peers::jsonwebtoken::Encoder::new(alg);
    let jwt_simple = peers::jwt_simple::Encoder::new(alg);
    let jwt_compact = peers::jwt_compact::Encoder::new(alg, &jwt_simple);
    let access = Access::fixture();
    let custom = peers::Custom::from(access.clone());

    // What jwt-claims, the floor and jsonwebtoken make, jwt-claims accepts.
    let verifier = fixture::verifier(alg);
    let encode_typed = || {
        signer
            .issue(black_box(&access))
            .subject(SUBJECT)
            .jwt_id(JWT_ID)
            .encode()
    };
    let typed = encode_typed().expect("encodes");
    verifier.decode::<Access>(typed.as_str()).expect("accepted");
    let now = unix_now();
    let by_floor = floor
        .encode(&FullClaimsRef::issued_at(&access, now))
        .expect("encodes");
    verifier.decode::<Access>(&by_floor).expect("accepted");
    let by_jsonwebtoken = jsonwebtoken
        .encode(&FullClaimsRef::issued_at(&access, now))
        .expect("encodes");
    verifier
        .decode::<Access>(&by_jsonwebtoken)
        .expect("accepted");
    jwt_simple.encode(&custom).expect("encodes");
    jwt_compact.encode(&custom).expect("encodes");

    let contenders = vec![
        Contender::new(FLOOR, || {
            let claims = FullClaimsRef::issued_at(black_box(&access), unix_now());
            black_box(floor.encode(&claims)).expect("encodes");
        }),
        Contender::new(TYPED, || {
            black_box(encode_typed()).expect("encodes");
        }),
        Contender::new(JSONWEBTOKEN, || {
            let claims = FullClaimsRef::issued_at(black_box(&access), unix_now());
            black_box(jsonwebtoken.encode(&claims)).expect("encodes");
        }),
        Contender::new(JWT_SIMPLE, || {
            black_box(jwt_simple.encode(black_box(&custom))).expect("encodes");
        }),
        Contender::new(JWT_COMPACT, || {
            black_box(jwt_compact.encode(black_box(&custom))).expect("encodes");
        }),
    ];
    run_group(
        c,
        &format!("encode-{}", alg.name()),
        contenders,
        started,
        races,
    );
}

/// The nested baseline's name.
const ONE_BY_ONE: &str = "one-by-one";

fn nested(c: &mut Criterion, started: SystemTime, races: &mut Races) {
    let chain = nested::Chain::new();
    let verifier = nested::verifier();
    for depth in nested::DEPTHS {
        let whole = nested::decode_nested(&verifier, &chain, depth).expect("accepted");
        assert_eq!(whole as usize, depth);
        nested::decode_levels_one_by_one(&verifier, &chain, depth).expect("accepted");

        let (chain, verifier) = (&chain, &verifier);
        let contenders = vec![
            Contender::new(ONE_BY_ONE, move || {
                black_box(nested::decode_levels_one_by_one(
                    verifier,
                    black_box(chain),
                    depth,
                ))
                .expect("accepted");
            }),
            Contender::new(TYPED, move || {
                black_box(nested::decode_nested(verifier, black_box(chain), depth))
                    .expect("accepted");
            }),
        ];
        run_group(c, &format!("nested-{depth}"), contenders, started, races);
    }
}

fn hostile(c: &mut Criterion) {
    let alg = Alg::HS256;
    let verifier = fixture::verifier(alg);
    let raised: Verifier = fixture::verifier_builder(alg)
        .max_token_size(hostile::RAISED_LIMIT)
        .build()
        .expect("valid verifier");
    let jsonwebtoken = peers::jsonwebtoken::Decoder::new(alg);
    let jwt_simple = peers::jwt_simple::Decoder::new(alg);
    let jwt_compact = peers::jwt_compact::Decoder::new(alg, &jwt_simple);

    for (name, token) in [
        ("hostile-1MiB", hostile::oversized()),
        ("hostile-aud-100k", hostile::audience_flood()),
    ] {
        // Every contender refuses the token; jwt-claims before decoding it.
        assert!(matches!(
            verifier.decode::<Access>(&token),
            Err(Error::TokenTooLarge { .. })
        ));
        assert!(jsonwebtoken.decode(&token).is_err());
        assert!(jwt_simple.decode(&token).is_err());
        assert!(jwt_compact.decode(&token).is_err());

        let mut group = c.benchmark_group(name);
        group.bench_function(TYPED, |b| {
            b.iter(|| verifier.decode::<Access>(black_box(&token)))
        });
        if name == "hostile-aud-100k" {
            assert!(matches!(
                raised.decode::<Access>(&token),
                Err(Error::WrongAudience { .. })
            ));
            group.bench_function(RAISED, |b| {
                b.iter(|| raised.decode::<Access>(black_box(&token)))
            });
        }
        group.bench_function(JSONWEBTOKEN, |b| {
            b.iter(|| jsonwebtoken.decode(black_box(&token)))
        });
        group.bench_function(JWT_SIMPLE, |b| {
            b.iter(|| jwt_simple.decode(black_box(&token)))
        });
        group.bench_function(JWT_COMPACT, |b| {
            b.iter(|| jwt_compact.decode(black_box(&token)))
        });
        group.finish();
    }
}

/// jwt-claims with the size limit raised to admit the audience flood.
const RAISED: &str = "jwt-claims-2MiB-limit";

fn main() {
    let started = SystemTime::now();
    // Modest times keep the whole run near six minutes on two cores;
    // command-line flags (`--measurement-time 5`) override them.
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut races = Races::new();
    for alg in Alg::ALL {
        decode(&mut c, alg, started, &mut races);
    }
    for alg in [Alg::HS256, Alg::ES256] {
        encode(&mut c, alg, started, &mut races);
    }
    nested(&mut c, started, &mut races);
    hostile(&mut c);
    c.final_summary();
    report::print(started, &races);
}
