//! Keys across services: rotation by `kid`, retirement, issuer binding
//! (RFC 8725 §3.8), published key sets, and hostile `kid` values.

use chrono::DateTime;
use jwt_claims::jws::JwsVerifier;
use jwt_claims::{
    Algorithm, Error, HmacKey, JwkSet, PrivateKey, RegisteredClaim, Signer, Verifier,
};

use crate::support::*;

fn at(secs: i64) -> DateTime<chrono::Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

fn signer_with(key: impl Into<jwt_claims::SigningKey>, issuer: &str) -> Signer {
    Signer::builder()
        .issuer(issuer)
        .clock(clock())
        .shared_key(key)
        .build()
        .unwrap()
}

fn access(signer: &Signer) -> String {
    signer
        .issue(&BillingAccess {
            org_id: 1,
            role: "viewer".into(),
        })
        .subject("alice")
        .encode()
        .unwrap()
        .into_string()
}

fn old_key() -> HmacKey {
    key().with_kid("2026-10")
}

fn new_key() -> HmacKey {
    other_key().with_kid("2026-11")
}

#[test]
fn verifies_tokens_of_both_keys_during_a_rotation() {
    let verifier = verifier_builder()
        .key::<BillingAccess>(old_key())
        .key::<BillingAccess>(new_key())
        .build()
        .unwrap();
    for key in [old_key(), new_key()] {
        let token = access(&signer_with(key.clone(), ISSUER));
        assert_eq!(
            verifier.decode::<BillingAccess>(&token).unwrap().kid(),
            key.kid()
        );
    }
}

#[test]
fn refuses_tokens_of_a_retired_key_by_kid() {
    let verifier = verifier_builder()
        .key::<BillingAccess>(old_key().retired_after(at(NOW - 1)))
        .key::<BillingAccess>(new_key())
        .build()
        .unwrap();
    let old = access(&signer_with(old_key(), ISSUER));
    assert_eq!(
        verifier.decode::<BillingAccess>(&old).unwrap_err(),
        Error::KeyRetired {
            retired_at: NOW - 1,
            now: NOW
        }
    );
    let new = access(&signer_with(new_key(), ISSUER));
    assert_eq!(
        verifier.decode::<BillingAccess>(&new).unwrap().kid(),
        new_key().kid()
    );
}

#[test]
fn a_key_retiring_in_the_future_still_verifies() {
    let verifier = verifier_builder()
        .key::<BillingAccess>(old_key().retired_after(at(NOW)))
        .build()
        .unwrap();
    let token = access(&signer_with(old_key(), ISSUER));
    assert_eq!(
        verifier.decode::<BillingAccess>(&token).unwrap().kid(),
        Some("2026-10")
    );
}

#[test]
fn without_kid_the_first_active_key_of_the_algorithm_is_used() {
    // The documented rule: no trying every key. The first configured key
    // that is not retired verifies; a token of the second one fails.
    let verifier = verifier_builder()
        .key::<BillingAccess>(key())
        .key::<BillingAccess>(other_key())
        .build()
        .unwrap();
    // No kid in the tokens: which key verified shows in which token passes.
    let first = verifier
        .decode::<BillingAccess>(&access(&signer_with(key(), ISSUER)))
        .unwrap();
    assert_eq!(first.kid(), None);
    assert_eq!(
        verifier
            .decode::<BillingAccess>(&access(&signer_with(other_key(), ISSUER)))
            .unwrap_err(),
        Error::InvalidSignature
    );
    // Retire the first: the second takes over.
    let rotated = verifier_builder()
        .key::<BillingAccess>(key().retired_after(at(NOW - 1)))
        .key::<BillingAccess>(other_key())
        .build()
        .unwrap();
    let second = rotated
        .decode::<BillingAccess>(&access(&signer_with(other_key(), ISSUER)))
        .unwrap();
    assert_eq!(second.kid(), None);
    // And a token of the retired one is checked against the second only.
    assert_eq!(
        rotated
            .decode::<BillingAccess>(&access(&signer_with(key(), ISSUER)))
            .unwrap_err(),
        Error::InvalidSignature
    );
}

#[test]
fn without_kid_and_only_retired_keys_the_retirement_is_reported() {
    let verifier = verifier_builder()
        .key::<BillingAccess>(key().retired_after(at(NOW - 10)))
        .build()
        .unwrap();
    assert_eq!(
        verifier
            .decode::<BillingAccess>(&access(&signer_with(key(), ISSUER)))
            .unwrap_err(),
        Error::KeyRetired {
            retired_at: NOW - 10,
            now: NOW
        }
    );
}

/// Two issuers trusted for the same purpose, each with its own key.
fn two_issuers() -> Verifier {
    Verifier::builder()
        .clock(clock())
        .key::<BillingAccess>(key().with_kid("a").with_issuer("https://a.example"))
        .key::<BillingAccess>(other_key().with_kid("b").with_issuer("https://b.example"))
        .build()
        .unwrap()
}

#[test]
fn each_issuer_verifies_its_own_tokens() {
    let a = access(&signer_with(key().with_kid("a"), "https://a.example"));
    let b = access(&signer_with(other_key().with_kid("b"), "https://b.example"));
    assert_eq!(
        two_issuers()
            .decode::<BillingAccess>(&a)
            .unwrap()
            .registered()
            .issuer(),
        Some("https://a.example")
    );
    assert_eq!(
        two_issuers()
            .decode::<BillingAccess>(&b)
            .unwrap()
            .registered()
            .issuer(),
        Some("https://b.example")
    );
}

#[test]
fn rejects_a_token_claiming_issuer_a_signed_with_issuer_bs_key() {
    let forged = access(&signer_with(other_key().with_kid("b"), "https://a.example"));
    assert_eq!(
        two_issuers().decode::<BillingAccess>(&forged).unwrap_err(),
        Error::WrongIssuer {
            expected: "https://b.example".into(),
            found: "https://a.example".into()
        }
    );
}

#[test]
fn an_issuer_bound_key_requires_iss() {
    let token = craft_json(
        r#"{"alg":"HS256","typ":"access","kid":"a"}"#,
        &serde_json::json!({"aud":"billing","exp":NOW + 60,"sub":"alice","org_id":1,"role":"viewer"}),
    );
    assert_eq!(
        two_issuers().decode::<BillingAccess>(&token).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::Issuer
        }
    );
}

#[test]
fn the_purpose_issuer_and_the_key_issuer_must_both_hold() {
    // The verifier's issuer says A; the key is bound to B: no token can
    // satisfy both, so even a correctly signed one is refused.
    let verifier = verifier_builder()
        .key::<BillingAccess>(key().with_issuer("https://b.example"))
        .build()
        .unwrap();
    let token = access(&signer_with(key(), ISSUER));
    assert_eq!(
        verifier.decode::<BillingAccess>(&token).unwrap_err(),
        Error::WrongIssuer {
            expected: "https://b.example".into(),
            found: ISSUER.into()
        }
    );
}

#[test]
fn published_key_sets_feed_the_verifier() {
    let signing = PrivateKey::generate(Algorithm::ES256)
        .unwrap()
        .with_kid("es-1");
    let published = JwkSet::new([signing.public_key()]).to_json();
    let keys = JwkSet::from_json(&published)
        .unwrap()
        .into_iter()
        .map(|key| key.with_issuer(ISSUER));
    let verifier = verifier_builder()
        .key_set::<BillingAccess>(keys)
        .build()
        .unwrap();
    let token = access(&signer_with(signing, ISSUER));
    assert_eq!(
        verifier.decode::<BillingAccess>(&token).unwrap().kid(),
        Some("es-1")
    );
}

#[test]
fn hostile_kids_are_just_not_found() {
    let verifier = verifier_builder()
        .key::<BillingAccess>(key().with_kid("k1"))
        .build()
        .unwrap();
    let long = "k".repeat(10_000);
    let cut = format!("{}…", "k".repeat(Error::MAX_ECHO));
    for (kid, shown) in [
        ("../../etc/passwd", "../../etc/passwd"),
        ("' OR '1'='1", "' OR '1'='1"),
        ("k1\u{0}", "k1\\u{0}"),
        ("k1\r\nforged log line", "k1\\u{d}\\u{a}forged log line"),
        ("K1", "K1"),
        ("k1 ", "k1 "),
        (long.as_str(), cut.as_str()),
    ] {
        let header = serde_json::json!({"alg":"HS256","typ":"access","kid":kid}).to_string();
        let token = craft_json(
            &header,
            &serde_json::json!({"aud":"billing","exp":NOW + 60,"sub":"a","org_id":1,"role":"r"}),
        );
        assert_eq!(
            verifier.decode::<BillingAccess>(&token).unwrap_err(),
            Error::UnknownKey { kid: shown.into() },
            "{kid:?}"
        );
    }
    let token = craft_json(
        r#"{"alg":"HS256","typ":"access","kid":7}"#,
        &serde_json::json!({"aud":"billing","exp":NOW + 60}),
    );
    assert_eq!(
        verifier.decode::<BillingAccess>(&token).unwrap_err(),
        Error::UnsupportedHeader {
            name: "kid",
            reason: "not a string"
        }
    );
}

#[test]
fn the_jws_layer_refuses_issuer_bound_keys_it_cannot_check() {
    let token = jwt_claims::jws::sign(&key().into(), Some("webhook"), b"{}").unwrap();
    assert_eq!(
        JwsVerifier::new(key())
            .unwrap()
            .verify(&token)
            .unwrap()
            .payload(),
        b"{}"
    );
    let refused = Error::Configuration(jwt_claims::ConfigError::IssuerBoundJwsKey);
    // Refused when the verifier is put together, not at the first token.
    assert_eq!(
        JwsVerifier::new(key().with_issuer(ISSUER)).unwrap_err(),
        refused
    );
    assert_eq!(
        JwsVerifier::new(other_key())
            .unwrap()
            .with_key(key().with_issuer(ISSUER))
            .unwrap_err(),
        refused
    );
}

#[test]
fn refuses_two_keys_of_one_purpose_and_algorithm_with_the_same_kid() {
    let refused = |purpose: &str| {
        Error::Configuration(jwt_claims::ConfigError::DuplicateKeyId {
            purpose: purpose.into(),
            algorithm: Algorithm::HS256,
            kid: "k1".into(),
        })
    };
    assert_eq!(
        verifier_builder()
            .key::<BillingAccess>(key().with_kid("k1"))
            .key::<BillingAccess>(other_key().with_kid("k1"))
            .build()
            .unwrap_err(),
        refused(<BillingAccess as jwt_claims::Claims>::policy().name())
    );
    assert_eq!(
        verifier_builder()
            .shared_key(key().with_kid("k1"))
            .shared_key(other_key().with_kid("k1"))
            .build()
            .unwrap_err(),
        refused("shared")
    );
    assert_eq!(
        JwsVerifier::new(key().with_kid("k1"))
            .unwrap()
            .with_key(other_key().with_kid("k1"))
            .unwrap_err(),
        refused("jws")
    );
    // One kid for keys of two algorithms is allowed (RFC 7517 §4.5): the
    // token's `alg` tells them apart.
    let hs384 = HmacKey::new(Algorithm::HS384, &[5; 48])
        .unwrap()
        .with_kid("k1");
    let both = JwsVerifier::new(key().with_kid("k1"))
        .unwrap()
        .with_key(hs384.clone())
        .unwrap();
    let token = jwt_claims::jws::sign(&hs384.into(), None, b"{}").unwrap();
    let verified = both.verify(&token).unwrap();
    assert_eq!(
        (verified.header().algorithm(), verified.header().kid()),
        (Algorithm::HS384, Some("k1"))
    );
}
