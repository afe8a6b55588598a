//! The runtime-policy decode path: `Verifier::decode_runtime` into a
//! `serde_json::Value` and into a plain struct, with a `Policy` whose
//! options (issuer, max age, leeway, required claims, algorithms) bits 1-6
//! of the first byte switch on. The input format is in `src/lib.rs`.

#![no_main]

use std::time::Duration;

use jwt_claims::{Algorithm, Policy, RegisteredClaim, RuntimePurpose};
use jwt_claims_fuzz::{check_rejection, token, verifier};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Deserialize)]
#[allow(dead_code)]
struct Plain {
    org_id: Option<u64>,
    role: Option<String>,
    tags: Option<Vec<String>>,
}

fn policy(mode: u8) -> Policy {
    let mut policy = Policy::new("fuzz.runtime", "access", ["fuzz", "other"]);
    if mode & 2 != 0 {
        policy = policy.with_issuer("https://partner.example.com");
    }
    if mode & 4 != 0 {
        policy = policy.with_max_age(Duration::from_secs(300));
    }
    if mode & 8 != 0 {
        policy = policy.with_leeway(Duration::from_secs(30));
    }
    if mode & 16 != 0 {
        policy = policy.with_required([RegisteredClaim::Subject, RegisteredClaim::JwtId]);
    }
    match (mode >> 5) & 3 {
        0 => policy,
        1 => policy.with_algorithms([Algorithm::HS256]),
        2 => policy.with_algorithms([Algorithm::HS384, Algorithm::ES256]),
        _ => policy.with_ttl(Duration::from_secs(60)),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Some(token) = token(mode, rest) else {
        return;
    };
    let verifier = verifier();
    let Ok(purpose) = RuntimePurpose::new(policy(mode)) else {
        unreachable!("every fuzzed policy describes a purpose");
    };
    match verifier.decode_runtime::<serde_json::Value>(&token, &purpose) {
        Ok(decoded) => {
            // The value holds no registered claim: they are in `registered()`.
            let value = decoded.claims();
            for name in ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"] {
                assert!(value.get(name).is_none(), "{name}");
            }
            let exp = decoded.registered().expires_at().timestamp();
            assert!(exp + 30 > jwt_claims_fuzz::NOW, "accepted an expired token");
        }
        Err(err) => check_rejection(&err, &token),
    }
    if let Err(err) = verifier.decode_runtime::<Plain>(&token, &purpose) {
        check_rejection(&err, &token);
    }
});
