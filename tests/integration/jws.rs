//! The JWS layer on its own (`jws::JwsVerifier`, `jws::sign`): the RFC
//! 7515 examples verify byte for byte, and one flipped bit anywhere breaks
//! them.

use jwt_claims::jws::{self, JwsVerifier};
use jwt_claims::{Algorithm, Error, HmacKey, PublicKey};

use crate::support::*;

fn a1_verifier() -> JwsVerifier {
    JwsVerifier::new(HmacKey::from_jwk(Algorithm::HS256, rfc::A1_JWK).unwrap()).unwrap()
}

fn a3_verifier() -> JwsVerifier {
    JwsVerifier::new(PublicKey::from_jwk(Algorithm::ES256, rfc::A3_PUBLIC_JWK).unwrap()).unwrap()
}

#[test]
fn verifies_the_rfc_7515_a1_hs256_example() {
    let verified = a1_verifier()
        .with_type("JWT")
        .verify(rfc::A1_TOKEN)
        .unwrap();
    assert_eq!(verified.payload(), rfc::PAYLOAD);
    let header = verified.header();
    assert_eq!(
        (
            header.algorithm(),
            header.token_type(),
            header.kid(),
            header.content_type()
        ),
        (Algorithm::HS256, Some("JWT"), None, None)
    );
    assert_eq!(verified.into_payload(), rfc::PAYLOAD.to_vec());
    // RFC 7515 §4.1.9: type names compare case-insensitively.
    assert_eq!(
        a1_verifier()
            .with_type("jwt")
            .verify(rfc::A1_TOKEN)
            .unwrap()
            .payload(),
        rfc::PAYLOAD
    );
    let prefixed = a1_verifier()
        .with_type("application/JWT")
        .verify(rfc::A1_TOKEN);
    assert_eq!(prefixed.unwrap().payload(), rfc::PAYLOAD);
    assert_eq!(
        a1_verifier()
            .with_type("access")
            .verify(rfc::A1_TOKEN)
            .unwrap_err(),
        Error::WrongType {
            expected: "access".into(),
            found: "JWT".into()
        }
    );
}

#[test]
fn the_suites_hmac_reproduces_the_rfc_7515_a1_signature() {
    let k = unb64(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
    );
    assert_eq!(k.len(), 64);
    assert_eq!(
        craft_with(
            &k,
            b"{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}",
            rfc::PAYLOAD
        ),
        rfc::A1_TOKEN
    );
}

#[test]
fn verifies_the_rfc_7515_a3_es256_example() {
    let verified = a3_verifier().verify(rfc::A3_TOKEN).unwrap();
    assert_eq!(verified.payload(), rfc::PAYLOAD);
    assert_eq!(verified.header().algorithm(), Algorithm::ES256);
    assert_eq!(verified.header().token_type(), None);
    // Its header has no typ: requiring one refuses it.
    assert_eq!(
        a3_verifier()
            .with_type("JWT")
            .verify(rfc::A3_TOKEN)
            .unwrap_err(),
        Error::MissingType
    );
}

#[test]
fn rfc_example_is_rejected_by_the_jwt_layer_for_its_expiry() {
    // As a JWT the A.1 token long expired (2011); the JWT layer says so.
    let verifier = verifier_builder()
        .shared_key(HmacKey::from_jwk(Algorithm::HS256, rfc::A1_JWK).unwrap())
        .build()
        .unwrap();
    let policy = jwt_claims::dangerous::untyped_policy("rfc.a1", "joe", ["anyone"]);
    assert_eq!(
        verifier
            .decode_runtime::<serde_json::Value>(rfc::A1_TOKEN, &runtime(&policy))
            .unwrap_err(),
        Error::Expired {
            expired_at: 1_300_819_380,
            now: NOW
        }
    );
}

/// Every token that differs from `token` in exactly one bit of one decoded
/// segment, with the index of that segment.
fn single_bit_flips(token: &str) -> Vec<(usize, String)> {
    let mut flipped = Vec::new();
    for (index, segment) in segments(token).iter().enumerate() {
        let bytes = unb64(segment);
        for bit in 0..bytes.len() * 8 {
            let mut bytes = bytes.clone();
            bytes[bit / 8] ^= 1 << (bit % 8);
            flipped.push((index, replace_segment(token, index, &b64(&bytes))));
        }
    }
    flipped
}

fn assert_every_flip_rejected(token: &str, verifier: &JwsVerifier) {
    let flips = single_bit_flips(token);
    assert!(flips.len() > 8 * 100);
    for (index, flipped) in flips {
        let err = verifier.verify(&flipped).unwrap_err();
        if index == 0 {
            // A flipped header breaks its JSON or names something else.
            assert!(
                matches!(
                    err,
                    Error::InvalidJson { .. }
                        | Error::MissingAlgorithm
                        | Error::UnsupportedAlgorithm { .. }
                        | Error::AlgorithmMismatch { .. }
                        | Error::WrongType { .. }
                        | Error::MissingType
                        | Error::InvalidSignature
                ),
                "{flipped}: {err:?}"
            );
        } else {
            assert_eq!(err, Error::InvalidSignature, "{flipped}");
        }
    }
}

#[test]
fn rejects_every_single_bit_flip_of_the_rfc_hs256_example() {
    assert_every_flip_rejected(rfc::A1_TOKEN, &a1_verifier().with_type("JWT"));
}

#[test]
fn rejects_every_single_bit_flip_of_the_rfc_es256_example() {
    assert_every_flip_rejected(rfc::A3_TOKEN, &a3_verifier());
}

#[test]
fn signs_any_payload_bytes_and_verifies_them() {
    let payload: Vec<u8> = (0..=255).collect();
    let token = jws::sign(&key().with_kid("k-1").into(), Some("blob"), &payload).unwrap();
    assert_eq!(
        unb64(segments(&token)[0]),
        br#"{"alg":"HS256","typ":"blob","kid":"k-1"}"#
    );
    let verified = JwsVerifier::new(key().with_kid("k-1"))
        .unwrap()
        .with_type("blob")
        .verify(&token)
        .unwrap();
    assert_eq!(verified.payload(), payload);
    assert_eq!(verified.header().kid(), Some("k-1"));
}

#[test]
fn accepts_any_type_or_none_unless_one_is_required() {
    for typ in [None, Some("webhook"), Some("JWT")] {
        let token = jws::sign(&key().into(), typ, b"{}").unwrap();
        assert_eq!(
            JwsVerifier::new(key())
                .unwrap()
                .verify(&token)
                .unwrap()
                .header()
                .token_type(),
            typ
        );
    }
}

#[test]
fn tolerates_a_content_type_at_the_jws_layer() {
    let token = craft(r#"{"alg":"HS256","cty":"JWT"}"#, "payload");
    let verified = JwsVerifier::new(key()).unwrap().verify(&token).unwrap();
    assert_eq!(verified.header().content_type(), Some("JWT"));
    assert_eq!(verified.payload(), b"payload");
}

#[test]
fn keeps_the_header_rules_of_the_jwt_layer() {
    let verifier = JwsVerifier::new(key()).unwrap();
    let cases = [
        (r#"{"alg":"none"}"#, Error::UnsecuredToken),
        (
            r#"{"alg":"HS256","crit":["exp"]}"#,
            Error::UnsupportedCritical,
        ),
        (
            r#"{"alg":"HS256","b64":false}"#,
            Error::UnsupportedHeader {
                name: "b64",
                reason: "unencoded payloads (RFC 7797) are not supported",
            },
        ),
        (
            r#"{"alg":"HS256","alg":"HS256"}"#,
            Error::DuplicateMember {
                part: jwt_claims::Part::Header,
                name: "alg".into(),
            },
        ),
        (
            r#"{"alg":"HS256","kid":"other"}"#,
            Error::UnknownKey {
                kid: "other".into(),
            },
        ),
        (
            r#"{"alg":"RS256"}"#,
            Error::AlgorithmMismatch {
                expected: vec![Algorithm::HS256],
                found: Algorithm::RS256,
            },
        ),
    ];
    for (header, expected) in cases {
        assert_eq!(
            verifier.verify(&craft(header, "p")).unwrap_err(),
            expected,
            "{header}"
        );
    }
    // A key offered in the header is never used.
    let header = format!(
        r#"{{"alg":"HS256","jwk":{{"kty":"oct","k":"{}"}}}}"#,
        b64(OTHER_SECRET)
    );
    assert_eq!(
        verifier
            .verify(&craft_with(OTHER_SECRET, &header, "p"))
            .unwrap_err(),
        Error::InvalidSignature
    );
}

#[test]
fn restricts_algorithms_keys_and_size_when_asked() {
    let token = jws::sign(&key().into(), None, b"p").unwrap();
    assert_eq!(
        JwsVerifier::new(key())
            .unwrap()
            .with_algorithms([Algorithm::HS512])
            .verify(&token)
            .unwrap_err(),
        Error::AlgorithmNotAllowed {
            allowed: vec![Algorithm::HS512],
            found: Algorithm::HS256
        }
    );
    assert_eq!(
        JwsVerifier::new(key())
            .unwrap()
            .with_max_size(token.len() - 1)
            .verify(&token)
            .unwrap_err(),
        Error::TokenTooLarge {
            limit: token.len() - 1,
            found: token.len()
        }
    );
    let two = JwsVerifier::new(public(Algorithm::ES256, pem::P256_PUB))
        .unwrap()
        .with_key(key())
        .unwrap();
    assert_eq!(two.verify(&token).unwrap().payload(), b"p");
}
