//! RFC 7519 §5.2 nesting: a purpose declared `wraps` carries a whole token
//! as its payload, with `cty: "JWT"`; every other purpose refuses `cty`.

use jwt_claims::{Claims, Error, Nested, Part, Signer, Verifier};
use serde::{Deserialize, Serialize};

use crate::support::*;

/// A gateway re-signs billing access tokens it forwards.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "gateway", wraps)]
struct GatewayEnvelope {
    #[jwt(nested)]
    inner: Nested<BillingAccess>,
}

/// The gateway signs with its own key; billing tokens keep theirs.
fn signer() -> Signer {
    Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .key::<BillingAccess>(key())
        .key::<GatewayEnvelope>(other_key())
        .build()
        .unwrap()
}

fn verifier() -> Verifier {
    verifier_builder()
        .key::<BillingAccess>(key())
        .key::<GatewayEnvelope>(other_key())
        .build()
        .unwrap()
}

fn access() -> jwt_claims::Token<BillingAccess> {
    signer()
        .issue(&BillingAccess {
            org_id: 7,
            role: "admin".into(),
        })
        .subject("alice")
        .encode()
        .unwrap()
}

fn header_of(token: &str) -> serde_json::Value {
    let header = token.split('.').next().unwrap();
    serde_json::from_slice(&unb64(header)).unwrap()
}

#[test]
fn wrapping_token_carries_cty_jwt_and_the_inner_token_as_payload() {
    let inner = access();
    let outer = signer()
        .encode(&GatewayEnvelope {
            inner: Nested::new(inner.clone()),
        })
        .unwrap();
    assert_eq!(
        header_of(outer.as_str()),
        serde_json::json!({"alg": "HS256", "typ": "gateway", "cty": "JWT"})
    );
    let payload = outer.as_str().split('.').nth(1).unwrap();
    assert_eq!(unb64(payload), inner.as_str().as_bytes());
}

#[test]
fn decodes_the_wrapped_token_as_its_own_type_with_its_claims() {
    let outer = signer()
        .encode(&GatewayEnvelope {
            inner: Nested::new(access()),
        })
        .unwrap();
    let decoded = verifier()
        .decode::<GatewayEnvelope>(outer.as_str())
        .unwrap();
    let inner = decoded
        .claims()
        .inner
        .verified()
        .expect("the wrapped token was verified");
    assert_eq!(inner.claims().org_id, 7);
    assert_eq!(decoded.registered().subject(), Some("alice"));
    assert_eq!(decoded.registered(), inner.registered());
}

#[test]
fn rejects_a_wrapped_token_signed_with_the_gateway_key_instead_of_its_own() {
    // The inner token must verify with BillingAccess's key, not the outer one's.
    let forged = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(other_key())
        .build()
        .unwrap()
        .issue(&BillingAccess {
            org_id: 7,
            role: "admin".into(),
        })
        .subject("mallory")
        .encode()
        .unwrap();
    let outer = signer()
        .encode(&GatewayEnvelope {
            inner: Nested::new(forged),
        })
        .unwrap();
    assert_eq!(
        verifier()
            .decode::<GatewayEnvelope>(outer.as_str())
            .unwrap_err(),
        Error::Nested {
            path: "inner".into(),
            source: Box::new(Error::InvalidSignature)
        }
    );
}

#[test]
fn rejects_an_expired_wrapped_token_with_its_path() {
    let expired = signer()
        .issue(&BillingAccess {
            org_id: 7,
            role: "admin".into(),
        })
        .subject("alice")
        .expires_at(chrono::DateTime::from_timestamp(NOW - 1, 0).unwrap())
        .encode()
        .unwrap();
    let outer = signer()
        .encode(&GatewayEnvelope {
            inner: Nested::new(expired),
        })
        .unwrap();
    assert_eq!(
        verifier()
            .decode::<GatewayEnvelope>(outer.as_str())
            .unwrap_err(),
        Error::Nested {
            path: "inner".into(),
            source: Box::new(Error::Expired {
                expired_at: NOW - 1,
                now: NOW
            })
        }
    );
}

#[test]
fn rejects_a_wrapping_token_without_cty() {
    let token = craft_with(
        OTHER_SECRET,
        r#"{"alg":"HS256","typ":"gateway"}"#,
        access().as_str(),
    );
    assert_eq!(
        verifier().decode::<GatewayEnvelope>(&token).unwrap_err(),
        Error::MissingContentType
    );
}

#[test]
fn rejects_cty_jwt_on_a_purpose_that_wraps_nothing() {
    let token = craft(
        r#"{"alg":"HS256","typ":"access","cty":"JWT"}"#,
        access().as_str(),
    );
    assert_eq!(
        verifier().decode::<BillingAccess>(&token).unwrap_err(),
        Error::UnexpectedContentType {
            found: "JWT".into()
        }
    );
}

#[test]
fn accepts_cty_case_insensitively_as_a_media_type() {
    for cty in ["jwt", "application/JWT"] {
        let header = format!(r#"{{"alg":"HS256","typ":"gateway","cty":"{cty}"}}"#);
        let token = craft_with(OTHER_SECRET, header, access().as_str());
        let decoded = verifier()
            .decode::<GatewayEnvelope>(&token)
            .unwrap_or_else(|err| panic!("{cty}: {err}"));
        assert_eq!(decoded.registered().subject(), Some("alice"), "{cty}");
    }
}

#[test]
fn rejects_a_wrapping_payload_that_is_not_a_token() {
    let header = r#"{"alg":"HS256","typ":"gateway","cty":"JWT"}"#;
    let token = craft_with(OTHER_SECRET, header, r#"{"org_id":7}"#);
    assert_eq!(
        verifier().decode::<GatewayEnvelope>(&token).unwrap_err(),
        Error::Nested {
            path: "inner".into(),
            source: Box::new(Error::WrongSegmentCount { found: 1 })
        }
    );
    let token = craft_with(OTHER_SECRET, header, b"\xff\xfe.a.b");
    assert_eq!(
        verifier().decode::<GatewayEnvelope>(&token).unwrap_err(),
        Error::Nested {
            path: "inner".into(),
            source: Box::new(Error::InvalidBase64 { part: Part::Header })
        }
    );
}

#[test]
fn wrapping_counts_as_a_nesting_level() {
    let shallow = verifier_builder()
        .key::<BillingAccess>(key())
        .key::<GatewayEnvelope>(other_key())
        .max_nesting_depth(0)
        .build()
        .unwrap();
    let outer = signer()
        .encode(&GatewayEnvelope {
            inner: Nested::new(access()),
        })
        .unwrap();
    assert_eq!(
        shallow
            .decode::<GatewayEnvelope>(outer.as_str())
            .unwrap_err(),
        Error::Nested {
            path: "inner".into(),
            source: Box::new(Error::NestingTooDeep { limit: 0 })
        }
    );
}

#[test]
fn a_wrapping_token_has_no_claims_of_its_own_to_set() {
    let envelope = GatewayEnvelope {
        inner: Nested::new(access()),
    };
    assert_eq!(
        signer().issue(&envelope).subject("x").encode().unwrap_err(),
        Error::Configuration(jwt_claims::ConfigError::WrappingClaims {
            purpose: GatewayEnvelope::policy().name().into()
        })
    );
}

#[test]
fn a_derived_wrapping_policy_is_refused_as_a_plain_runtime_purpose() {
    // A wrapping purpose needs the purpose it wraps: RuntimePurpose::wrapping.
    assert_eq!(
        jwt_claims::RuntimePurpose::new(GatewayEnvelope::policy().clone()).unwrap_err(),
        Error::Configuration(jwt_claims::ConfigError::InvalidPolicy {
            policy: GatewayEnvelope::policy().name().into(),
            problem: jwt_claims::PolicyProblem::WrapsToken
        })
    );
}

#[test]
fn a_runtime_wrapping_purpose_verifies_the_wrapped_token_as_its_own_purpose() {
    let billing = runtime(BillingAccess::policy());
    let envelope = jwt_claims::RuntimePurpose::wrapping(
        jwt_claims::Policy::wrapping("gateway.envelope", "gateway"),
        &billing,
    )
    .unwrap();
    // The gateway's key for the envelope, billing's for what it wraps.
    let verifier = verifier_builder()
        .purpose_key(&envelope, other_key())
        .purpose_key(&billing, key())
        .build()
        .unwrap();
    let outer = signer()
        .encode(&GatewayEnvelope {
            inner: Nested::new(access()),
        })
        .unwrap();
    let decoded = verifier
        .decode_runtime::<serde_json::Value>(outer.as_str(), &envelope)
        .unwrap();
    assert_eq!(decoded.claims()["org_id"], serde_json::json!(7));
    assert_eq!(decoded.registered().subject(), Some("alice"));

    // A token for another purpose inside the envelope is refused, and the
    // error names the wrapped layer.
    let reports = runtime(ReportsAccess::policy());
    let wrong = jwt_claims::RuntimePurpose::wrapping(
        jwt_claims::Policy::wrapping("gateway.envelope", "gateway"),
        &reports,
    )
    .unwrap();
    let verifier = verifier_builder()
        .purpose_key(&wrong, other_key())
        .purpose_key(&reports, key())
        .purpose_key(&envelope, other_key())
        .build()
        .unwrap();
    assert_eq!(
        verifier
            .decode_runtime::<serde_json::Value>(outer.as_str(), &wrong)
            .unwrap_err(),
        Error::Nested {
            path: "wrapped".into(),
            source: Box::new(Error::WrongAudience {
                expected: vec!["reports".into()],
                found: vec!["billing".into()]
            })
        }
    );
    // Without cty: "JWT" the outer token is no envelope.
    assert_eq!(
        verifier
            .decode_runtime::<serde_json::Value>(access().as_str(), &envelope)
            .unwrap_err(),
        Error::WrongType {
            expected: "gateway".into(),
            found: "access".into()
        }
    );
}
