//! The signer: what it writes, and every token it refuses to make.

use std::collections::HashMap;
use std::time::Duration;

use jwt_claims::{Algorithm, Claims, Error, FixedClock, RegisteredClaim, Signer, Verifier};
use serde_json::json;

use crate::support::*;

/// The decoded header and payload JSON text of `token`.
fn parts(token: &str) -> (String, String) {
    let [header, payload, _] = segments(token);
    (
        String::from_utf8(unb64(header)).unwrap(),
        String::from_utf8(unb64(payload)).unwrap(),
    )
}

#[test]
fn writes_registered_claims_then_the_claims_in_one_object() {
    let (header, payload) = parts(&billing_token());
    assert_eq!(header, r#"{"alg":"HS256","typ":"access"}"#);
    assert_eq!(
        payload,
        r#"{"iss":"https://auth.example.com","sub":"user-1","aud":"billing","exp":1700000900,"iat":1700000000,"org_id":7,"role":"admin"}"#
    );
}

#[test]
fn writes_alg_typ_and_kid_in_the_header() {
    let signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .key::<BillingAccess>(key().with_kid("hs-1"))
        .key::<PaymentsAccess>(private(Algorithm::ES256, pem::P256).with_kid("ec-1"))
        .build()
        .unwrap();
    let billing_token = signer.issue(&billing()).subject("u").encode().unwrap();
    assert_eq!(
        parts(billing_token.as_str()).0,
        r#"{"alg":"HS256","typ":"access","kid":"hs-1"}"#
    );
    let payments = signer
        .encode(&PaymentsAccess {
            account: "acc".into(),
        })
        .unwrap();
    assert_eq!(
        parts(payments.as_str()).0,
        r#"{"alg":"ES256","typ":"access","kid":"ec-1"}"#
    );
    let verifier = verifier_builder()
        .key::<PaymentsAccess>(public(Algorithm::ES256, pem::P256_PUB).with_kid("ec-1"))
        .build()
        .unwrap();
    let decoded = verifier
        .decode::<PaymentsAccess>(payments.as_str())
        .unwrap();
    assert_eq!(
        (
            decoded.algorithm(),
            decoded.kid(),
            decoded.claims().account.as_str()
        ),
        (Algorithm::ES256, Some("ec-1"), "acc")
    );
}

#[test]
fn writes_several_audiences_as_an_array() {
    let token = signer()
        .issue(&Dashboard { widgets: vec![] })
        .jwt_id("d-1")
        .encode()
        .unwrap();
    assert_eq!(
        parts(token.as_str()).1,
        r#"{"iss":"https://auth.example.com","aud":["billing","reports"],"exp":1700000900,"iat":1700000000,"jti":"d-1","widgets":[]}"#
    );
}

#[test]
fn refuses_to_encode_without_an_expiry() {
    let hook = Webhook {
        event: "paid".into(),
    };
    assert_eq!(signer().encode(&hook).unwrap_err(), Error::MissingExpiry);
    let token = signer()
        .issue(&hook)
        .expires_in(Duration::from_secs(60))
        .encode()
        .unwrap();
    assert_eq!(
        verifier()
            .decode::<Webhook>(token.as_str())
            .unwrap()
            .registered()
            .expires_at()
            .timestamp(),
        NOW + 60
    );
    let at = chrono::DateTime::from_timestamp(NOW + 5, 0).unwrap();
    let token = signer().issue(&hook).expires_at(at).encode().unwrap();
    assert_eq!(
        verifier()
            .decode::<Webhook>(token.as_str())
            .unwrap()
            .registered()
            .expires_at(),
        at
    );
}

#[test]
fn explicit_expiry_overrides_the_purposes_ttl() {
    let token = signer()
        .issue(&billing())
        .subject("u")
        .expires_in(Duration::from_secs(30))
        .encode()
        .unwrap();
    assert!(parts(token.as_str()).1.contains(r#""exp":1700000030,"#));
}

#[test]
fn refuses_an_expiry_outside_the_numeric_date_range() {
    let out_of_range = Error::InvalidClaim {
        claim: RegisteredClaim::ExpirationTime,
        reason: "out of range",
    };
    for at in [
        chrono::DateTime::<chrono::Utc>::MAX_UTC,
        chrono::DateTime::from_timestamp(-1, 0).unwrap(),
    ] {
        assert_eq!(
            signer()
                .issue(&billing())
                .subject("u")
                .expires_at(at)
                .encode()
                .unwrap_err(),
            out_of_range
        );
    }
    let forever = Duration::from_secs(u64::MAX);
    assert_eq!(
        signer()
            .issue(&billing())
            .subject("u")
            .expires_in(forever)
            .encode()
            .unwrap_err(),
        out_of_range
    );
}

#[test]
fn refuses_to_encode_without_a_required_subject() {
    assert_eq!(
        signer().encode(&billing()).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::Subject
        }
    );
}

#[test]
fn generates_a_random_jti_when_the_purpose_requires_one() {
    let refresh = Refresh {
        session: "s".into(),
    };
    let ids: Vec<String> = (0..2)
        .map(|_| {
            let token = signer().issue(&refresh).subject("u").encode().unwrap();
            let decoded = verifier().decode::<Refresh>(token.as_str()).unwrap();
            decoded.registered().jwt_id().unwrap().to_owned()
        })
        .collect();
    for id in &ids {
        assert_eq!(id.len(), 22, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{id}"
        );
        assert_eq!(unb64(id).len(), 16);
    }
    assert_ne!(ids[0], ids[1]);
    // An explicit id wins; a purpose that does not require one gets none.
    let token = signer()
        .issue(&refresh)
        .subject("u")
        .jwt_id("mine")
        .encode()
        .unwrap();
    assert_eq!(
        verifier()
            .decode::<Refresh>(token.as_str())
            .unwrap()
            .registered()
            .jwt_id(),
        Some("mine")
    );
    assert!(!parts(&billing_token()).1.contains("jti"));
}

#[test]
fn writes_nbf_when_asked() {
    let at = chrono::DateTime::from_timestamp(NOW + 70, 0).unwrap();
    let token = signer()
        .issue(&billing())
        .subject("u")
        .not_before(at)
        .encode()
        .unwrap();
    assert!(parts(token.as_str()).1.contains(r#""nbf":1700000070,"#));
    assert_eq!(
        verifier()
            .decode::<BillingAccess>(token.as_str())
            .unwrap_err(),
        Error::NotYetValid {
            not_before: NOW + 70,
            now: NOW
        }
    );
}

#[test]
fn refuses_a_signer_issuer_that_contradicts_the_purposes_issuer() {
    let err = signer()
        .encode(&PartnerAccess { partner_id: 1 })
        .unwrap_err();
    assert_eq!(
        err,
        Error::Configuration(jwt_claims::ConfigError::IssuerConflict {
            signer: "https://auth.example.com".into(),
            purpose: "https://partner.example.com".into()
        })
    );
    // Without an issuer of its own, the signer writes the purpose's.
    let anonymous = Signer::builder()
        .clock(clock())
        .shared_key(key())
        .build()
        .unwrap();
    let token = anonymous.encode(&PartnerAccess { partner_id: 1 }).unwrap();
    assert!(
        parts(token.as_str())
            .1
            .starts_with(r#"{"iss":"https://partner.example.com","aud":"partner""#)
    );
}

#[test]
fn refuses_a_key_outside_the_purposes_allow_list() {
    assert_eq!(
        signer()
            .encode(&PaymentsAccess {
                account: "a".into()
            })
            .unwrap_err(),
        Error::AlgorithmNotAllowed {
            allowed: vec![Algorithm::ES256],
            found: Algorithm::HS256
        }
    );
    let p384 = Signer::builder()
        .clock(clock())
        .shared_key(private(Algorithm::ES384, pem::P384))
        .build()
        .unwrap();
    assert_eq!(
        p384.encode(&PaymentsAccess {
            account: "a".into()
        })
        .unwrap_err(),
        Error::AlgorithmNotAllowed {
            allowed: vec![Algorithm::ES256],
            found: Algorithm::ES384
        }
    );
}

#[test]
fn refuses_a_purpose_without_a_key() {
    let signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .key::<Refresh>(key())
        .build()
        .unwrap();
    assert_eq!(
        signer.issue(&billing()).subject("u").encode().unwrap_err(),
        Error::NoKeyForPurpose {
            purpose: BillingAccess::policy().name().into()
        }
    );
}

#[test]
fn refuses_claims_that_would_write_a_registered_claim() {
    for name in ["exp", "aud", "iss", "sub", "nbf", "iat", "jti"] {
        let claims = FlexibleAccess {
            org_id: 1,
            extra: HashMap::from([(name.to_owned(), json!(1))]),
        };
        assert_eq!(
            signer().encode(&claims).unwrap_err(),
            Error::InvalidClaimsShape {
                reason: format!(
                    r#"the claims type serializes "{name}", a registered claim the signer writes"#
                )
            },
            "{name}"
        );
    }
    // Other names pass through the flattened map.
    let claims = FlexibleAccess {
        org_id: 1,
        extra: HashMap::from([("EXP".to_owned(), json!(1))]),
    };
    let token = signer().encode(&claims).unwrap();
    assert!(parts(token.as_str()).1.ends_with(r#""org_id":1,"EXP":1}"#));
    assert_eq!(
        verifier()
            .decode::<FlexibleAccess>(token.as_str())
            .unwrap()
            .claims(),
        &claims
    );
}

#[test]
fn token_debug_shows_the_purpose_and_length_but_not_the_token() {
    let token = signer()
        .issue(&billing())
        .subject("user-1")
        .encode()
        .unwrap();
    let debug = format!("{token:?}");
    assert_eq!(
        debug,
        format!(
            "Token<integration::support::BillingAccess>({} bytes, redacted)",
            token.as_str().len()
        )
    );
    for segment in segments(token.as_str()) {
        assert!(!debug.contains(segment));
    }
    // It serializes as the plain compact string.
    assert_eq!(serde_json::to_value(&token).unwrap(), json!(token.as_str()));
}

#[test]
fn tokens_are_signed_at_the_signers_clock() {
    let later = Signer::builder()
        .issuer(ISSUER)
        .clock(FixedClock::at_timestamp(NOW + 3600))
        .shared_key(key())
        .build()
        .unwrap();
    let token = later.issue(&billing()).subject("u").encode().unwrap();
    assert_eq!(
        verifier()
            .decode::<BillingAccess>(token.as_str())
            .unwrap_err(),
        Error::IssuedInFuture {
            issued_at: NOW + 3600,
            now: NOW
        }
    );
}

#[test]
fn refuses_to_build_a_signer_or_verifier_without_keys_or_with_an_empty_issuer() {
    let no_key = Error::Configuration(jwt_claims::ConfigError::NoSigningKey);
    assert_eq!(
        Signer::builder().issuer(ISSUER).build().map(drop),
        Err(no_key)
    );
    let empty = Error::Configuration(jwt_claims::ConfigError::EmptyIssuer);
    assert_eq!(
        Signer::builder()
            .issuer("")
            .shared_key(key())
            .build()
            .map(drop),
        Err(empty.clone())
    );
    let no_key = Error::Configuration(jwt_claims::ConfigError::NoVerifyingKey);
    assert_eq!(
        Verifier::builder().issuer(ISSUER).build().map(drop),
        Err(no_key)
    );
    assert_eq!(
        Verifier::builder()
            .issuer("")
            .shared_key(key())
            .build()
            .map(drop),
        Err(empty)
    );
}

#[test]
fn refuses_to_encode_a_not_before_its_own_verifier_would_refuse() {
    for secs in [-5, 253_402_300_800] {
        let at = chrono::DateTime::from_timestamp(secs, 0).unwrap();
        assert_eq!(
            signer()
                .issue(&billing())
                .subject("u")
                .not_before(at)
                .encode()
                .unwrap_err(),
            Error::InvalidClaim {
                claim: RegisteredClaim::NotBefore,
                reason: "out of range"
            },
            "{secs}"
        );
    }
}

// ----- found by attacking the signer -----

/// A field and a flattened map: the map may hold the field's name.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, Claims)]
#[jwt(typ = "access", aud = "flex", ttl = "15m")]
struct RoleAndExtra {
    role: String,
    #[serde(flatten)]
    extra: std::collections::BTreeMap<String, serde_json::Value>,
}

/// Two flattened maps: they may share a key.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, Claims)]
#[jwt(typ = "access", aud = "flex", ttl = "15m")]
struct TwoMaps {
    #[serde(flatten)]
    first: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(flatten)]
    second: HashMap<String, serde_json::Value>,
}

#[test]
fn refuses_to_write_a_field_name_a_flattened_map_repeats() {
    // Last-wins readers (PyJWT, jose, serde_json::Value) would read
    // role = "admin" from {"role":"user","role":"admin"}.
    let claims = RoleAndExtra {
        role: "user".into(),
        extra: [("role".to_owned(), json!("admin"))].into(),
    };
    assert_eq!(
        signer().encode(&claims).unwrap_err(),
        Error::DuplicateClaim {
            name: "role".into()
        }
    );
}

#[test]
fn refuses_to_write_a_key_two_flattened_maps_share() {
    let claims = TwoMaps {
        first: [("scope".to_owned(), json!("read"))].into(),
        second: [("scope".to_owned(), json!("admin"))].into(),
    };
    assert_eq!(
        signer().encode(&claims).unwrap_err(),
        Error::DuplicateClaim {
            name: "scope".into()
        }
    );
    // An integer key and a string key that serialize to the same name.
    #[derive(serde::Serialize, serde::Deserialize, Claims)]
    #[jwt(typ = "access", aud = "flex", ttl = "15m")]
    struct NumberedMaps {
        #[serde(flatten)]
        numbered: std::collections::BTreeMap<u32, u8>,
        #[serde(flatten)]
        named: std::collections::BTreeMap<String, serde_json::Value>,
    }
    let claims = NumberedMaps {
        numbered: [(1, 1)].into(),
        named: [("1".to_owned(), json!(2))].into(),
    };
    assert_eq!(
        signer().encode(&claims).unwrap_err(),
        Error::DuplicateClaim { name: "1".into() }
    );
}

#[test]
fn refuses_to_sign_an_iat_its_verifier_would_refuse() {
    let before_1970 = Signer::builder()
        .issuer(ISSUER)
        .clock(FixedClock::at_timestamp(-10))
        .shared_key(key())
        .build()
        .unwrap();
    assert_eq!(
        before_1970
            .issue(&billing())
            .subject("u")
            .expires_at(chrono::DateTime::from_timestamp(NOW, 0).unwrap())
            .encode()
            .unwrap_err(),
        Error::InvalidClaim {
            claim: RegisteredClaim::IssuedAt,
            reason: "out of range"
        }
    );
}

#[test]
fn refuses_a_second_signing_key_for_one_purpose() {
    let err = Signer::builder()
        .key::<BillingAccess>(key())
        .key::<BillingAccess>(other_key())
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        Error::Configuration(jwt_claims::ConfigError::SecondSigningKey {
            purpose: BillingAccess::policy().name().into()
        })
    );
    // The shared key too: the second would silently replace the first.
    assert_eq!(
        Signer::builder()
            .shared_key(key())
            .shared_key(other_key())
            .build()
            .unwrap_err(),
        Error::Configuration(jwt_claims::ConfigError::SecondSigningKey {
            purpose: "shared".into()
        })
    );
}
