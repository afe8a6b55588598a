//! jwt-claims' JWE layer and encrypted purposes against the bare aws-lc-rs
//! primitives they call, and against josekit, on the same token and keys.
//!
//! ```sh
//! cargo bench -p jwt-claims-bench --bench jwe                          # without the peer
//! cargo bench -p jwt-claims-bench --bench jwe --features josekit-peer  # with josekit (OpenSSL)
//! cargo bench -p jwt-claims-bench --bench jwe -- jwe-decrypt           # some groups
//! ```
//!
//! For each of `dir`, `A256KW`, `ECDH-ES+A256KW` (P-256) and
//! `RSA-OAEP-256`, all with A256GCM (see `jwt_claims_bench::jwe`):
//!
//! - `jwe-decrypt-*`: the JWE layer's `JweDecrypter::decrypt` of the
//!   fixture token, against `primitives`, the same decryption by the bare
//!   aws-lc-rs calls on parts decoded beforehand;
//! - `jwe-encrypt-*`: `JweEncrypter::encrypt` of the 424-byte JWS, against
//!   the primitives' encryption of it;
//! - `decrypt-verify-*`: `Verifier::decode` of the encrypted purpose,
//!   against `floor`, the primitives' decryption then the JWS floor's
//!   decode (`jwt_claims_bench::floor`);
//! - `sign-encrypt-*`: `Signer::encode`, against the JWS floor's encode
//!   then the primitives' encryption.
//!
//! josekit, with `--features josekit-peer`, runs the same four in each
//! group. As in the JWS benchmark, criterion's medians come first, then
//! every group timed again interleaved.

// Benchmark set-up unwraps freely: a broken fixture should stop the run.
#![allow(missing_docs)]

#[cfg(feature = "josekit-peer")]
mod josekit;

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::Criterion;
use jwt_claims_bench::fixture::{self, Access, Alg, FullClaimsRef, JWT_ID, SUBJECT, unix_now};
use jwt_claims_bench::floor::{FloorSigner, FloorVerifier};
use jwt_claims_bench::interleave::{self, Contender, Timing};
use jwt_claims_bench::jwe::{self, Jwe, PrimitiveDecrypter, PrimitiveEncrypter, SealedAccess};

/// Names in the tables: the baselines first.
const PRIMITIVES: &str = "primitives";
const FLOOR: &str = "floor";
const TYPED: &str = "jwt-claims";
const JOSEKIT: &str = "josekit";

/// The interleaved timings of the groups criterion measured.
type Races = Vec<(String, Vec<Timing>)>;

/// How long the interleaved timing of one group runs.
const RACE: Duration = Duration::from_secs(5);

/// The four kinds of group, in table order.
const KINDS: [&str; 4] = [
    "jwe-decrypt",
    "decrypt-verify",
    "jwe-encrypt",
    "sign-encrypt",
];

fn group_name(kind: &str, jwe: Jwe) -> String {
    format!("{kind}-{}", jwe.name())
}

/// Runs `contenders` as criterion group `name`, then, when criterion
/// measured it, interleaved.
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
    if jwt_claims_bench::report::measured(name, contenders[0].name, started) {
        races.push((name.to_owned(), interleave::race(&mut contenders, RACE)));
    }
}

fn decrypt(c: &mut Criterion, jwe: Jwe, started: SystemTime, races: &mut Races) {
    let token = jwe::token(jwe);
    let decrypter = jwe::decrypter(jwe);
    let verifier = jwe::verifier(jwe);
    let mut primitives = PrimitiveDecrypter::new(jwe, &token);
    let mut floor = PrimitiveDecrypter::new(jwe, &token);
    let floor_verifier = FloorVerifier::new(Alg::HS256);
    #[cfg(feature = "josekit-peer")]
    let peer = josekit::Decrypter::new(jwe);

    // Every contender accepts the token before any of them is timed.
    let jws = decrypter
        .decrypt(&token)
        .expect("decrypts")
        .into_plaintext();
    assert_eq!(primitives.open().expect("opens"), &jws[..]);
    let expected = SealedAccess::fixture();
    assert_eq!(
        *verifier
            .decode::<SealedAccess>(&token)
            .expect("accepted")
            .claims(),
        expected
    );
    let jws_text = std::str::from_utf8(&jws).expect("a JWS");
    assert_eq!(
        floor_verifier
            .decode(jws_text, unix_now())
            .expect("floor accepts")
            .role,
        expected.role
    );
    #[cfg(feature = "josekit-peer")]
    {
        assert_eq!(peer.decrypt(&token).expect("josekit decrypts"), jws);
        assert_eq!(
            peer.decode(&token).expect("josekit accepts").scope,
            expected.scope
        );
    }

    let token = token.as_str();
    #[cfg_attr(not(feature = "josekit-peer"), allow(unused_mut))]
    let mut layer = vec![
        Contender::new(PRIMITIVES, move || {
            black_box(primitives.open()).expect("opens");
        }),
        Contender::new(TYPED, || {
            black_box(decrypter.decrypt(black_box(token))).expect("decrypts");
        }),
    ];
    #[cfg(feature = "josekit-peer")]
    layer.push(Contender::new(JOSEKIT, || {
        black_box(peer.decrypt(black_box(token))).expect("decrypts");
    }));
    run_group(c, &group_name(KINDS[0], jwe), layer, started, races);

    #[cfg_attr(not(feature = "josekit-peer"), allow(unused_mut))]
    let mut nested = vec![
        Contender::new(FLOOR, move || {
            let jws = floor.open().expect("opens");
            let jws = std::str::from_utf8(jws).expect("a JWS");
            black_box(floor_verifier.decode(jws, unix_now())).expect("accepted");
        }),
        Contender::new(TYPED, || {
            black_box(verifier.decode::<SealedAccess>(black_box(token))).expect("accepted");
        }),
    ];
    #[cfg(feature = "josekit-peer")]
    nested.push(Contender::new(JOSEKIT, || {
        black_box(peer.decode(black_box(token))).expect("accepted");
    }));
    run_group(c, &group_name(KINDS[1], jwe), nested, started, races);
}

fn encrypt(c: &mut Criterion, jwe: Jwe, started: SystemTime, races: &mut Races) {
    let token = jwe::token(jwe);
    let encrypter = jwe::encrypter(jwe);
    let signer = jwe::signer(jwe);
    let decrypter = jwe::decrypter(jwe);
    let verifier = jwe::verifier(jwe);
    let mut primitives = PrimitiveEncrypter::new(jwe, &token);
    let mut floor = PrimitiveEncrypter::new(jwe, &token);
    let floor_signer = FloorSigner::new(Alg::HS256);
    let access = Access::fixture();
    let sealed = SealedAccess::fixture();
    let jws = fixture::token(Alg::HS256);
    #[cfg(feature = "josekit-peer")]
    let peer = josekit::Encrypter::new(jwe);

    // What jwt-claims and the peer make, jwt-claims accepts; the floor's
    // output is not a token (it writes no header), only its size is checked.
    let encrypted = encrypter.encrypt(jws.as_bytes()).expect("encrypts");
    assert_eq!(
        decrypter.decrypt(&encrypted).expect("decrypts").plaintext(),
        jws.as_bytes()
    );
    assert!(primitives.seal(jws.as_bytes()).expect("seals") > jws.len());
    let encode_typed = || {
        signer
            .issue(black_box(&sealed))
            .subject(SUBJECT)
            .jwt_id(JWT_ID)
            .encode()
    };
    let typed = encode_typed().expect("encodes");
    verifier
        .decode::<SealedAccess>(typed.as_str())
        .expect("accepted");
    #[cfg(feature = "josekit-peer")]
    {
        let by_peer = peer.encrypt(jws.as_bytes()).expect("josekit encrypts");
        assert_eq!(
            decrypter.decrypt(&by_peer).expect("decrypts").plaintext(),
            jws.as_bytes()
        );
        let by_peer = peer.encode(&sealed).expect("josekit encodes");
        verifier
            .decode::<SealedAccess>(&by_peer)
            .expect("jwt-claims accepts josekit's token");
    }

    let plaintext = jws.as_bytes();
    #[cfg_attr(not(feature = "josekit-peer"), allow(unused_mut))]
    let mut layer = vec![
        Contender::new(PRIMITIVES, move || {
            black_box(primitives.seal(black_box(plaintext))).expect("seals");
        }),
        Contender::new(TYPED, || {
            black_box(encrypter.encrypt(black_box(plaintext))).expect("encrypts");
        }),
    ];
    #[cfg(feature = "josekit-peer")]
    layer.push(Contender::new(JOSEKIT, || {
        black_box(peer.encrypt(black_box(plaintext))).expect("encrypts");
    }));
    run_group(c, &group_name(KINDS[2], jwe), layer, started, races);

    #[cfg_attr(not(feature = "josekit-peer"), allow(unused_mut))]
    let mut nested = vec![
        Contender::new(FLOOR, move || {
            let claims = FullClaimsRef::issued_at(black_box(&access), unix_now());
            let jws = floor_signer.encode(&claims).expect("encodes");
            black_box(floor.seal(jws.as_bytes())).expect("seals");
        }),
        Contender::new(TYPED, || {
            black_box(encode_typed()).expect("encodes");
        }),
    ];
    #[cfg(feature = "josekit-peer")]
    nested.push(Contender::new(JOSEKIT, || {
        black_box(peer.encode(black_box(&sealed))).expect("encodes");
    }));
    run_group(c, &group_name(KINDS[3], jwe), nested, started, races);
}

fn main() {
    let started = SystemTime::now();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut races = Races::new();
    for jwe in Jwe::ALL {
        decrypt(&mut c, jwe, started, &mut races);
        encrypt(&mut c, jwe, started, &mut races);
    }
    c.final_summary();
    let groups: Vec<String> = KINDS
        .iter()
        .flat_map(|kind| Jwe::ALL.map(|jwe| group_name(kind, jwe)))
        .collect();
    let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
    races.sort_by_key(|(name, _)| groups.iter().position(|group| group == name));
    jwt_claims_bench::report::print(
        &groups,
        &[PRIMITIVES, FLOOR, TYPED, JOSEKIT],
        started,
        &races,
    );
}
