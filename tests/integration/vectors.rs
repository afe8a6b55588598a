//! Published test vectors (`tests/vectors`, each file's source in its
//! README): RFC 7515 Appendix A.2 and A.4 and the RFC 7520 §4 signature
//! examples, next to the A.1, A.3 and RFC 8037 ones in the `jws` module.
//! Deterministic signatures (RS256, HS256) are reproduced byte for byte;
//! randomized ones (PS384) are verified; ES512, which jwt-claims does not
//! implement, is refused as documented.

use jwt_claims::jws::{self, JwsVerifier};
use jwt_claims::{Algorithm, Error, HmacKey, JwkSet, Policy, PrivateKey, PublicKey};
use serde_json::Value;

use crate::support::*;

/// The `kid` of every RFC 7520 key.
const BILBO: &str = "bilbo.baggins@hobbiton.example";

/// `jwk` without its private members: the public JWK.
fn public_jwk(jwk: &str) -> String {
    let mut jwk: Value = serde_json::from_str(jwk).unwrap();
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        jwk.as_object_mut().unwrap().remove(private);
    }
    jwk.to_string()
}

fn a2_private() -> PrivateKey {
    PrivateKey::from_jwk(Algorithm::RS256, rfc::A2_PRIVATE_JWK).unwrap()
}

/// A JWT-layer verifier for the RFC 7515 examples, whose issuer is `joe`,
/// at the instant `now`.
fn joe_verifier(key: impl Into<jwt_claims::VerifyingKey>, now: i64) -> jwt_claims::Verifier {
    jwt_claims::Verifier::builder()
        .issuer("joe")
        .clock(jwt_claims::FixedClock::at_timestamp(now))
        .shared_key(key)
        .build()
        .unwrap()
}

/// `exp` of the RFC 7515 Appendix A example claims.
const RFC_7515_EXP: i64 = 1_300_819_380;

// ----- RFC 7515 Appendix A.2: RS256 -----

#[test]
fn verifies_the_rfc_7515_a2_rs256_example() {
    let public = PublicKey::from_jwk(Algorithm::RS256, &public_jwk(rfc::A2_PRIVATE_JWK)).unwrap();
    assert_eq!(public.thumbprint(), a2_private().public_key().thumbprint());
    let verified = JwsVerifier::new(public)
        .unwrap()
        .verify(rfc::A2_TOKEN)
        .unwrap();
    assert_eq!(verified.payload(), rfc::PAYLOAD);
    let header = verified.header();
    assert_eq!(
        (header.algorithm(), header.token_type(), header.kid()),
        (Algorithm::RS256, None, None)
    );
}

#[test]
fn signing_the_rfc_7515_a2_payload_reproduces_its_rs256_signature() {
    // RSASSA-PKCS1-v1_5 is deterministic, and jwt-claims writes the same
    // header, `{"alg":"RS256"}`: the whole JWS comes out identical.
    let token = jws::sign(&a2_private().into(), None, rfc::PAYLOAD).unwrap();
    assert_eq!(token, rfc::A2_TOKEN);
}

#[test]
fn rejects_the_rfc_7515_a2_example_with_another_rsa_key() {
    let other = public(Algorithm::RS256, pem::RSA2048_PUB);
    assert_eq!(
        JwsVerifier::new(other)
            .unwrap()
            .verify(rfc::A2_TOKEN)
            .unwrap_err(),
        Error::InvalidSignature
    );
    // Nor may the algorithm be switched to PS256 over the same key.
    let pss = PrivateKey::from_jwk(Algorithm::PS256, rfc::A2_PRIVATE_JWK)
        .unwrap()
        .public_key();
    assert_eq!(
        JwsVerifier::new(pss)
            .unwrap()
            .verify(rfc::A2_TOKEN)
            .unwrap_err(),
        Error::AlgorithmMismatch {
            expected: vec![Algorithm::PS256],
            found: Algorithm::RS256
        }
    );
}

#[test]
fn rfc_7515_a2_example_fails_the_jwt_layer_for_its_missing_type() {
    // A JWT-shaped payload, but no `typ` header: explicit typing refuses it
    // whatever the clock says.
    let policy = Policy::new("rfc.a2", "access", ["anyone"]);
    for now in [RFC_7515_EXP - 1, RFC_7515_EXP + 1] {
        let verifier = joe_verifier(a2_private().public_key(), now);
        assert_eq!(
            verifier
                .decode_runtime::<Value>(rfc::A2_TOKEN, &runtime(&policy))
                .unwrap_err(),
            Error::MissingType
        );
    }
}

// ----- RFC 7515 Appendix A.1 as a JWT, on a fixed clock -----

#[test]
fn rfc_7515_a1_claims_pass_the_clock_until_exp_and_expire_one_second_past_it() {
    let key = HmacKey::from_jwk(Algorithm::HS256, rfc::A1_JWK).unwrap();
    let policy = jwt_claims::dangerous::untyped_policy("rfc.a1", "joe", ["anyone"]);
    let decode = |now: i64| {
        joe_verifier(key.clone(), now)
            .decode_runtime::<Value>(rfc::A1_TOKEN, &runtime(&policy))
            .unwrap_err()
    };
    // One second before `exp` every time check passes; the next check, the
    // audience, fails: the RFC example has no `aud`, which jwt-claims
    // requires.
    assert_eq!(
        decode(RFC_7515_EXP - 1),
        Error::MissingClaim {
            claim: jwt_claims::RegisteredClaim::Audience
        }
    );
    // At `exp` and one second past it, the token is expired (RFC 7519
    // §4.1.4: "on or after").
    for now in [RFC_7515_EXP, RFC_7515_EXP + 1] {
        assert_eq!(
            decode(now),
            Error::Expired {
                expired_at: RFC_7515_EXP,
                now
            }
        );
    }
}

// ----- RFC 7515 Appendix A.4: ES512, not supported -----

#[test]
fn refuses_the_rfc_7515_a4_es512_example_as_an_unsupported_algorithm() {
    let es256 = PublicKey::from_jwk(Algorithm::ES256, rfc::A3_PUBLIC_JWK).unwrap();
    assert_eq!(
        JwsVerifier::new(es256.clone())
            .unwrap()
            .verify(rfc::A4_TOKEN)
            .unwrap_err(),
        Error::UnsupportedAlgorithm {
            found: "ES512".into()
        }
    );
    let policy = jwt_claims::dangerous::untyped_policy("rfc.a4", "joe", ["anyone"]);
    assert_eq!(
        joe_verifier(es256, NOW)
            .decode_runtime::<Value>(rfc::A4_TOKEN, &runtime(&policy))
            .unwrap_err(),
        Error::UnsupportedAlgorithm {
            found: "ES512".into()
        }
    );
}

#[test]
fn refuses_the_rfc_p521_keys_for_every_ec_algorithm() {
    for jwk in [rfc::A4_PRIVATE_JWK, rfc::COOKBOOK_P521_JWK] {
        for algorithm in [Algorithm::ES256, Algorithm::ES384] {
            assert_eq!(
                PrivateKey::from_jwk(algorithm, jwk).unwrap_err(),
                Error::InvalidKey {
                    algorithm,
                    reason: format!(
                        "JWK curve is \"P-521\", expected \"{}\"",
                        if algorithm == Algorithm::ES256 {
                            "P-256"
                        } else {
                            "P-384"
                        }
                    ),
                },
                "{algorithm}"
            );
        }
    }
    // In a JWK Set, a key for an algorithm jwt-claims does not implement is
    // skipped (RFC 7517 §5), not an error.
    let set = format!(
        r#"{{"keys":[{}]}}"#,
        public_jwk(rfc::COOKBOOK_P521_JWK).replacen('{', r#"{"alg":"ES512","#, 1)
    );
    assert!(JwkSet::from_json(&set).unwrap().keys().is_empty());
}

// ----- RFC 7520 §4: the cookbook's signature examples -----

fn cookbook_rsa(algorithm: Algorithm) -> PrivateKey {
    PrivateKey::from_jwk(algorithm, rfc::COOKBOOK_RSA_JWK).unwrap()
}

#[test]
fn verifies_the_rfc_7520_4_1_rs256_example_and_reproduces_it() {
    let key = cookbook_rsa(Algorithm::RS256);
    assert_eq!(key.kid(), Some(BILBO));
    let verified = JwsVerifier::new(key.public_key())
        .unwrap()
        .verify(rfc::COOKBOOK_4_1)
        .unwrap();
    assert_eq!(verified.payload(), rfc::COOKBOOK_PAYLOAD.as_bytes());
    assert_eq!(
        (verified.header().algorithm(), verified.header().kid()),
        (Algorithm::RS256, Some(BILBO))
    );
    // The header jwt-claims writes for this key is the example's,
    // `{"alg":"RS256","kid":"bilbo.baggins@hobbiton.example"}`.
    let token = jws::sign(&key.into(), None, rfc::COOKBOOK_PAYLOAD.as_bytes()).unwrap();
    assert_eq!(token, rfc::COOKBOOK_4_1);
}

#[test]
fn verifies_the_rfc_7520_4_2_ps384_example() {
    let key = cookbook_rsa(Algorithm::PS384);
    let verifier = JwsVerifier::new(key.public_key()).unwrap();
    let verified = verifier.verify(rfc::COOKBOOK_4_2).unwrap();
    assert_eq!(verified.payload(), rfc::COOKBOOK_PAYLOAD.as_bytes());
    assert_eq!(verified.header().algorithm(), Algorithm::PS384);
    // RSA-PSS is randomized: a fresh signature differs from the RFC's and
    // verifies all the same.
    let token = jws::sign(&key.into(), None, rfc::COOKBOOK_PAYLOAD.as_bytes()).unwrap();
    assert_ne!(token, rfc::COOKBOOK_4_2);
    assert_eq!(
        segments(&token)[..2],
        segments(rfc::COOKBOOK_4_2)[..2],
        "same header and payload"
    );
    assert_eq!(
        verifier.verify(&token).unwrap().payload(),
        rfc::COOKBOOK_PAYLOAD.as_bytes()
    );
}

#[test]
fn refuses_the_rfc_7520_4_3_es512_example_as_an_unsupported_algorithm() {
    let es256 = PublicKey::from_jwk(Algorithm::ES256, rfc::A3_PUBLIC_JWK)
        .unwrap()
        .with_kid(BILBO);
    assert_eq!(
        JwsVerifier::new(es256)
            .unwrap()
            .verify(rfc::COOKBOOK_4_3)
            .unwrap_err(),
        Error::UnsupportedAlgorithm {
            found: "ES512".into()
        }
    );
}

#[test]
fn verifies_the_rfc_7520_4_4_hs256_example_and_reproduces_it() {
    let key = HmacKey::from_jwk(Algorithm::HS256, rfc::COOKBOOK_HMAC_JWK).unwrap();
    let kid = "018c0ae5-4d9b-471b-bfd6-eef314bc7037";
    assert_eq!(key.kid(), Some(kid));
    let verified = JwsVerifier::new(key.clone())
        .unwrap()
        .verify(rfc::COOKBOOK_4_4)
        .unwrap();
    assert_eq!(verified.payload(), rfc::COOKBOOK_PAYLOAD.as_bytes());
    assert_eq!(verified.header().kid(), Some(kid));
    let token = jws::sign(&key.into(), None, rfc::COOKBOOK_PAYLOAD.as_bytes()).unwrap();
    assert_eq!(token, rfc::COOKBOOK_4_4);
}

#[test]
fn rfc_7520_examples_verify_only_with_the_key_their_kid_names() {
    // The A.2 key has no `kid`: the example's `kid` names no key here.
    let a2 = a2_private().public_key();
    assert_eq!(
        JwsVerifier::new(a2.clone())
            .unwrap()
            .verify(rfc::COOKBOOK_4_1)
            .unwrap_err(),
        Error::UnknownKey { kid: BILBO.into() }
    );
    // Given the example's `kid`, another key is selected and fails.
    assert_eq!(
        JwsVerifier::new(a2.with_kid(BILBO))
            .unwrap()
            .verify(rfc::COOKBOOK_4_1)
            .unwrap_err(),
        Error::InvalidSignature
    );
    // The HS256 example under the cookbook's RSA key: no key for HS256.
    assert_eq!(
        JwsVerifier::new(cookbook_rsa(Algorithm::RS256).public_key())
            .unwrap()
            .verify(rfc::COOKBOOK_4_4)
            .unwrap_err(),
        Error::AlgorithmMismatch {
            expected: vec![Algorithm::RS256],
            found: Algorithm::HS256
        }
    );
}
