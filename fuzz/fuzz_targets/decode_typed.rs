//! The typed decode path, nested tokens included: `Verifier::decode::<T>`
//! for an access token carrying delegations carrying scopes, a
//! self-nesting chain (the depth cap), a wrapping purpose (RFC 7519 §5.2)
//! and a `#[serde(flatten)]` purpose. The input format is in `src/lib.rs`;
//! bits 1-2 of the first byte pick the type.

#![no_main]

use jwt_claims::Error;
use jwt_claims_fuzz::{Access, Chain, Flexible, Gateway, check_rejection, token, verifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Some(token) = token(mode, rest) else {
        return;
    };
    let verifier = verifier();
    let outcome: Result<(), Error> = match (mode >> 1) & 3 {
        0 => verifier.decode::<Access>(&token).map(|decoded| {
            // An accepted token's nested tokens were all verified.
            let access = decoded.into_claims();
            let grants = access.grant.iter().chain(&access.grants);
            for grant in grants {
                let grant = grant.claims().expect("verified with its parent");
                if let Some(scope) = &grant.inner {
                    assert!(scope.claims().is_some());
                }
            }
        }),
        1 => verifier.decode::<Chain>(&token).map(|decoded| {
            let mut depth = 1;
            let mut link = decoded.claims().next.as_ref();
            while let Some(next) = link {
                depth += 1;
                link = next.claims().expect("verified").next.as_ref();
            }
            assert!(depth <= verifier.max_depth() + 1, "depth {depth}");
        }),
        2 => verifier.decode::<Gateway>(&token).map(|decoded| {
            assert!(decoded.claims().inner.claims().is_some());
        }),
        _ => verifier.decode::<Flexible>(&token).map(|decoded| {
            for name in ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"] {
                assert!(!decoded.claims().extra.contains_key(name), "{name}");
            }
        }),
    };
    if let Err(err) = outcome {
        check_rejection(&err, &token);
    }
});
