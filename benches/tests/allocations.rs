//! Heap allocations per call, counted rather than timed, so CI catches a
//! regression that a noisy benchmark would not.
//!
//! `allocation-counter` installs a counting global allocator in this test
//! binary (a global allocator is per binary: the benchmarks never run
//! under it) and counts the calling thread's allocations only, so the test
//! harness's other threads do not disturb the counts.

use std::hint::black_box;

use allocation_counter::measure;
use jwt_claims::Error;
use jwt_claims_bench::fixture::{self, Access, AccessFields, Alg, JWT_ID, SUBJECT};
use jwt_claims_bench::hostile;

/// The strings a decode hands to the caller, one allocation each: `iss`,
/// `sub`, `aud` and `jti` in the registered claims, `role` and `scope` in
/// [`Access`].
const OWNED_FIELDS: u64 = 6;

/// What a decode may allocate beyond [`OWNED_FIELDS`] (issue 6 allows
/// two). Today it is one: the buffer the payload is base64url-decoded
/// into.
const DECODE_OVERHEAD: u64 = 1;

/// Runs `f` once to warm up anything lazily initialised, then counts the
/// allocations of a second run.
fn allocations<R>(mut f: impl FnMut() -> R) -> u64 {
    drop(f());
    measure(|| drop(black_box(f()))).count_total
}

#[test]
fn an_hs256_typed_decode_allocates_only_the_payload_buffer_beyond_the_claims_strings() {
    let token = fixture::token(Alg::HS256);
    let verifier = fixture::verifier(Alg::HS256);
    let count = allocations(|| {
        verifier
            .decode::<Access>(black_box(&token))
            .expect("accepted")
    });
    assert_eq!(count, OWNED_FIELDS + DECODE_OVERHEAD);
}

#[test]
fn an_hs256_runtime_policy_decode_allocates_as_the_typed_one() {
    let token = fixture::token(Alg::HS256);
    let verifier = fixture::verifier(Alg::HS256);
    let policy = fixture::runtime_purpose();
    let count = allocations(|| {
        verifier
            .decode_runtime::<AccessFields>(black_box(&token), policy)
            .expect("accepted")
    });
    assert_eq!(count, OWNED_FIELDS + DECODE_OVERHEAD);
}

#[test]
fn an_hs256_encode_allocates_its_buffer_and_the_token_beyond_the_given_strings() {
    let signer = fixture::signer(Alg::HS256);
    let access = Access::fixture();
    let count = allocations(|| {
        signer
            .issue(black_box(&access))
            .subject(SUBJECT)
            .jwt_id(JWT_ID)
            .encode()
            .expect("encodes")
    });
    // `subject` and `jwt_id` take owned strings; the JSON buffer (which
    // then holds the signature) and the token are the encoder's own; and
    // the token keeps what it was minted with (`Token::registered`):
    // copies of the issuer and the audience (and of the kid, for a key
    // with one; this one has none).
    assert_eq!(count, 2 + 2 + 2);
}

#[test]
fn a_one_mebibyte_token_is_refused_without_allocating() {
    let token = hostile::oversized();
    let verifier = fixture::verifier(Alg::HS256);
    let count = allocations(|| {
        let err = verifier.decode::<Access>(black_box(&token)).unwrap_err();
        assert_eq!(
            err,
            Error::TokenTooLarge {
                limit: jwt_claims::jws::DEFAULT_MAX_TOKEN_SIZE,
                found: hostile::MIB
            }
        );
    });
    assert_eq!(count, 0);
}

#[test]
fn a_hundred_thousand_audiences_are_refused_by_size_without_allocating() {
    let token = hostile::audience_flood();
    let verifier = fixture::verifier(Alg::HS256);
    let count = allocations(|| {
        let err = verifier.decode::<Access>(black_box(&token)).unwrap_err();
        assert!(matches!(err, Error::TokenTooLarge { .. }), "{err}");
    });
    assert_eq!(count, 0);
}

#[test]
fn past_a_raised_limit_a_hundred_thousand_audiences_allocate_no_string_each() {
    let token = hostile::audience_flood();
    let verifier = fixture::verifier_builder(Alg::HS256)
        .max_token_size(hostile::RAISED_LIMIT)
        .build()
        .expect("valid verifier");
    let count = allocations(|| {
        let err = verifier.decode::<Access>(black_box(&token)).unwrap_err();
        assert!(matches!(err, Error::WrongAudience { .. }), "{err}");
    });
    // The payload buffer, the audience list growing by doubling, and the
    // error's few strings: logarithmic in the audiences, not linear.
    assert!(count < 64, "{count} allocations");
}

#[test]
fn the_fixture_claims_are_of_realistic_size() {
    let token = fixture::token(Alg::HS256);
    let payload: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&fixture::payload_json(&token)).expect("JSON object");
    assert_eq!(payload.len(), 11);
    let bytes = fixture::payload_json(&token).len();
    assert!((230..=270).contains(&bytes), "{bytes} bytes of JSON");
}
