//! Inputs the fuzzers (`fuzz/`) found, pinned with the fix each drove.

use jwt_claims::{Algorithm, Error, PublicKey};

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// fuzz/import_key: an Ed25519 SubjectPublicKeyInfo followed by 98 more
/// bytes, given to `PublicKey::from_der`.
const SPKI_WITH_TRAILING_BYTES: &str = concat!(
    "302a300506032b657003210027b185762228896e675f14bb6f0b04a9329a0a78c3b3cf",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffff7b188416aa5a1f",
    "96ab",
);

#[test]
fn refuses_an_ed25519_public_key_that_is_not_32_bytes() {
    // It used to import (the backend read the SPKI and ignored the rest)
    // while jwt-claims kept all 142 bytes as the key: its exported JWK had a
    // 142-byte `x` that no JWK import accepts, and its thumbprint was not
    // the key's.
    let not_valid = Error::InvalidKey {
        algorithm: Algorithm::EdDSA,
        reason: "not a valid Ed25519 public key".into(),
    };
    let bytes = hex(SPKI_WITH_TRAILING_BYTES);
    assert_eq!(bytes.len(), 142);
    assert_eq!(
        PublicKey::from_der(Algorithm::EdDSA, &bytes).unwrap_err(),
        not_valid
    );
    for len in [0, 31, 33, 64] {
        assert_eq!(
            PublicKey::from_der(Algorithm::EdDSA, &vec![7; len]).unwrap_err(),
            not_valid,
            "{len} bytes"
        );
    }
    // The SPKI alone is a good key, whose JWK imports to the same key.
    let key = PublicKey::from_der(Algorithm::EdDSA, &bytes[..44]).unwrap();
    let again = PublicKey::from_jwk(Algorithm::EdDSA, &key.to_jwk()).unwrap();
    assert_eq!(again.thumbprint(), key.thumbprint());
}

/// fuzz/decode_typed, with the fuzz check tightened to the rule that no
/// error holds three dot-joined segments of a token: an `alg` of a
/// header-length run and two dots showed `"fzFzcyE38wMI0iOltdMD.."` (an
/// empty third segment). The echo now stops at the second dot itself.
#[test]
fn an_echoed_alg_never_shows_a_third_segment_even_an_empty_one() {
    use crate::support::*;
    let token = craft(
        r#"{"alg":"fzFzcyE38wMI0iOltdMD..x","typ":"access"}"#,
        billing_claims().to_string(),
    );
    let err = verifier().decode::<BillingAccess>(&token).unwrap_err();
    assert_eq!(
        err,
        Error::UnsupportedAlgorithm {
            found: "fzFzcyE38wMI0iOltdMD.…".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "unsupported algorithm \"fzFzcyE38wMI0iOltdMD.…\""
    );
}
