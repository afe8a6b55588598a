//! `decode_runtime`: a purpose built at run time, decoded into any
//! deserializable value, with exactly the typed path's checks.

use std::time::Duration;

use jwt_claims::{
    Algorithm, Claims, Error, Policy, PolicyProblem, RegisteredClaim, Signer, Verifier,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::support::*;

/// The runtime twin of [`BillingAccess`]'s derived policy.
fn billing_policy() -> Policy {
    Policy::new("gateway.billing-access", "access", ["billing"])
        .with_required([RegisteredClaim::Subject])
}

fn decode(token: &str, policy: &Policy) -> Result<Value, Error> {
    verifier()
        .decode_runtime::<Value>(token, &runtime(policy))
        .map(|decoded| decoded.into_claims())
}

fn craft_access(payload: &Value) -> String {
    craft_json(&hs256_header("access"), payload)
}

#[test]
fn decodes_into_a_value_that_never_holds_the_registered_claims() {
    let decoded = verifier()
        .decode_runtime::<Value>(&billing_token(), &runtime(&billing_policy()))
        .unwrap();
    assert_eq!(decoded.claims(), &json!({"org_id": 7, "role": "admin"}));
    assert_eq!(decoded.registered().subject(), Some("user-1"));
    assert_eq!(decoded.registered().issuer(), Some(ISSUER));
    assert_eq!(decoded.algorithm(), Algorithm::HS256);
}

#[test]
fn decodes_into_a_plain_struct_without_the_derive() {
    #[derive(Debug, Deserialize, PartialEq)]
    struct Plain {
        org_id: u64,
    }
    let decoded = verifier()
        .decode_runtime::<Plain>(&billing_token(), &runtime(&billing_policy()))
        .unwrap();
    assert_eq!(decoded.into_claims(), Plain { org_id: 7 });
}

#[test]
fn runs_the_same_checks_as_the_typed_path() {
    let signer = signer();
    let expired_signer = Signer::builder()
        .issuer(ISSUER)
        .clock(jwt_claims::FixedClock::at_timestamp(NOW - 901))
        .shared_key(key())
        .build()
        .unwrap();
    let cases: Vec<(&str, String)> = vec![
        (
            "refresh",
            signer
                .issue(&Refresh {
                    session: "s".into(),
                })
                .subject("u")
                .encode()
                .unwrap()
                .into_string(),
        ),
        (
            "reports",
            signer
                .issue(&ReportsAccess { org_id: 1 })
                .subject("u")
                .encode()
                .unwrap()
                .into_string(),
        ),
        (
            "expired",
            expired_signer
                .issue(&billing())
                .subject("u")
                .encode()
                .unwrap()
                .into_string(),
        ),
        (
            "issuer",
            craft_access(&with(
                billing_claims(),
                "iss",
                json!("https://evil.example.com"),
            )),
        ),
        ("no sub", craft_access(&without(billing_claims(), "sub"))),
        ("no exp", craft_access(&without(billing_claims(), "exp"))),
        (
            "exp type",
            craft_access(&with(billing_claims(), "exp", json!("soon"))),
        ),
        (
            "future",
            craft_access(&with(billing_claims(), "nbf", json!(NOW + 65))),
        ),
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(br#"{"alg":"none","typ":"access"}"#),
                b64(billing_claims().to_string().as_bytes())
            ),
        ),
        (
            "signature",
            replace_segment(&billing_token(), 2, &b64(&[1; 32])),
        ),
        (
            "duplicate",
            craft(
                hs256_header("access"),
                billing_claims().to_string().replace('}', r#","exp":1}"#),
            ),
        ),
        (
            "no typ",
            craft(r#"{"alg":"HS256"}"#, billing_claims().to_string()),
        ),
        (
            "cty",
            craft(
                r#"{"alg":"HS256","typ":"access","cty":"JWT"}"#,
                billing_claims().to_string(),
            ),
        ),
        ("segments", format!("{}.x", billing_token())),
    ];
    let verifier = verifier();
    for (name, token) in cases {
        let typed = verifier.decode::<BillingAccess>(&token).unwrap_err();
        let derived = verifier
            .decode_runtime::<Value>(&token, &runtime(BillingAccess::policy()))
            .unwrap_err();
        let runtime = verifier
            .decode_runtime::<Value>(&token, &runtime(&billing_policy()))
            .unwrap_err();
        assert_eq!(typed, derived, "{name}");
        assert_eq!(typed, runtime, "{name}");
    }
}

#[test]
fn pins_a_few_of_those_identical_errors() {
    let refresh = signer()
        .issue(&Refresh {
            session: "s".into(),
        })
        .subject("u")
        .encode()
        .unwrap();
    assert_eq!(
        decode(refresh.as_str(), &billing_policy()).unwrap_err(),
        Error::WrongType {
            expected: "access".into(),
            found: "refresh".into()
        }
    );
    let reports = signer().encode(&ReportsAccess { org_id: 1 }).unwrap();
    assert_eq!(
        decode(reports.as_str(), &billing_policy()).unwrap_err(),
        Error::WrongAudience {
            expected: vec!["billing".into()],
            found: vec!["reports".into()]
        }
    );
    assert_eq!(
        decode(
            &craft_access(&without(billing_claims(), "sub")),
            &billing_policy()
        )
        .unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::Subject
        }
    );
}

#[test]
fn typ_rule_compares_media_types_both_ways() {
    for (policy_typ, token_typ) in [
        ("access", "ACCESS"),
        ("access", "application/access"),
        ("application/access", "access"),
        ("at+jwt", "application/AT+JWT"),
    ] {
        let policy = Policy::new("p", policy_typ, ["billing"]);
        let token = jwt_claims::jws::sign(
            &key().into(),
            Some(token_typ),
            billing_claims().to_string().as_bytes(),
        )
        .unwrap();
        assert_eq!(
            decode(&token, &policy).unwrap()["org_id"],
            json!(7),
            "{policy_typ} vs {token_typ}"
        );
    }
    let policy = Policy::new("p", "at+jwt", ["billing"]);
    assert_eq!(
        decode(&billing_token(), &policy).unwrap_err(),
        Error::WrongType {
            expected: "at+jwt".into(),
            found: "access".into()
        }
    );
}

#[test]
fn audience_rule_accepts_any_of_several_audiences() {
    let policy = Policy::new("p", "access", ["reports", "billing"]);
    assert_eq!(
        decode(&billing_token(), &policy).unwrap()["role"],
        json!("admin")
    );
    let policy = Policy::new("p", "access", ["reports", "audit"]);
    assert_eq!(
        decode(&billing_token(), &policy).unwrap_err(),
        Error::WrongAudience {
            expected: vec!["reports".into(), "audit".into()],
            found: vec!["billing".into()]
        }
    );
}

#[test]
fn issuer_rule_overrides_the_verifiers_issuer() {
    let policy = billing_policy().with_issuer("https://other.example.com");
    assert_eq!(
        decode(&billing_token(), &policy).unwrap_err(),
        Error::WrongIssuer {
            expected: "https://other.example.com".into(),
            found: ISSUER.into()
        }
    );
    let token = craft_access(&with(
        billing_claims(),
        "iss",
        json!("https://other.example.com"),
    ));
    assert_eq!(decode(&token, &policy).unwrap()["org_id"], json!(7));
}

#[test]
fn algorithm_rule_restricts_alg() {
    let policy = billing_policy().with_algorithms([Algorithm::ES256, Algorithm::EdDSA]);
    assert_eq!(
        decode(&billing_token(), &policy).unwrap_err(),
        Error::AlgorithmNotAllowed {
            allowed: vec![Algorithm::ES256, Algorithm::EdDSA],
            found: Algorithm::HS256
        }
    );
    let pinned = billing_policy().with_algorithms([Algorithm::HS256]);
    assert_eq!(
        decode(&billing_token(), &pinned).unwrap()["org_id"],
        json!(7)
    );
}

#[test]
fn leeway_rule_tolerates_skew() {
    let token = craft_access(&with(billing_claims(), "exp", json!(NOW - 10)));
    assert_eq!(
        decode(&token, &billing_policy()).unwrap_err(),
        Error::Expired {
            expired_at: NOW - 10,
            now: NOW
        }
    );
    assert_eq!(
        decode(
            &token,
            &billing_policy().with_leeway(Duration::from_secs(11))
        )
        .unwrap()["org_id"],
        json!(7)
    );
    assert_eq!(
        decode(
            &token,
            &billing_policy().with_leeway(Duration::from_secs(10))
        )
        .unwrap_err(),
        Error::Expired {
            expired_at: NOW - 10,
            now: NOW
        }
    );
}

#[test]
fn max_age_rule_bounds_the_age_and_requires_iat() {
    let policy = billing_policy().with_max_age(Duration::from_secs(60));
    let old = craft_access(&with(billing_claims(), "iat", json!(NOW - 61)));
    assert_eq!(
        decode(&old, &policy).unwrap_err(),
        Error::TooOld {
            issued_at: NOW - 61,
            max_age: 60,
            now: NOW
        }
    );
    let undated = craft_access(&without(billing_claims(), "iat"));
    assert_eq!(
        decode(&undated, &policy).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::IssuedAt
        }
    );
    assert_eq!(
        decode(&billing_token(), &policy).unwrap()["role"],
        json!("admin")
    );
}

#[test]
fn required_rule_names_each_missing_claim() {
    for claim in [
        RegisteredClaim::Issuer,
        RegisteredClaim::Subject,
        RegisteredClaim::NotBefore,
        RegisteredClaim::IssuedAt,
        RegisteredClaim::JwtId,
    ] {
        let policy = Policy::new("p", "access", ["billing"]).with_required([claim]);
        let open = Verifier::builder()
            .clock(clock())
            .shared_key(key())
            .build()
            .unwrap();
        let token = craft_access(&without(billing_claims(), claim.name()));
        assert_eq!(
            open.decode_runtime::<Value>(&token, &runtime(&policy))
                .unwrap_err(),
            Error::MissingClaim { claim },
            "{}",
            claim.name()
        );
    }
}

#[test]
fn keys_belong_to_the_runtime_purpose_they_were_registered_for() {
    let purpose = runtime(&billing_policy());
    let own_key = verifier_builder()
        .purpose_key(&purpose, other_key())
        .shared_key(key())
        .build()
        .unwrap();
    assert_eq!(
        own_key
            .decode_runtime::<Value>(&billing_token(), &purpose)
            .unwrap_err(),
        Error::InvalidSignature
    );
    let token = craft_with(
        OTHER_SECRET,
        hs256_header("access"),
        billing_claims().to_string(),
    );
    assert_eq!(
        own_key
            .decode_runtime::<Value>(&token, &purpose)
            .unwrap()
            .claims()["org_id"],
        json!(7)
    );
    // Another runtime purpose with the very same policy and name is
    // another purpose: it never sees `purpose`'s key, only the shared one.
    let twin = runtime(&billing_policy());
    assert_eq!(
        own_key.decode_runtime::<Value>(&token, &twin).unwrap_err(),
        Error::InvalidSignature
    );
    assert_eq!(
        own_key
            .decode_runtime::<Value>(&billing_token(), &twin)
            .unwrap()
            .claims()["org_id"],
        json!(7)
    );
    // A purpose with no key of its own and no shared key has none.
    let keyless = verifier_builder()
        .key::<BillingAccess>(key())
        .build()
        .unwrap();
    assert_eq!(
        keyless
            .decode_runtime::<Value>(&billing_token(), &purpose)
            .unwrap_err(),
        Error::NoKeyForPurpose {
            purpose: "gateway.billing-access".into()
        }
    );
    // A runtime purpose built from a derived type's policy is not that
    // type: the keys registered for `BillingAccess` are not its keys.
    assert_eq!(
        keyless
            .decode_runtime::<Value>(&billing_token(), &runtime(BillingAccess::policy()))
            .unwrap_err(),
        Error::NoKeyForPurpose {
            purpose: BillingAccess::policy().name().into()
        }
    );
}

#[test]
fn refuses_a_runtime_policy_that_describes_no_purpose_before_any_token() {
    for (policy, problem) in [
        (Policy::new("p", "", ["billing"]), PolicyProblem::EmptyType),
        (
            Policy::new("p", "application/", ["billing"]),
            PolicyProblem::EmptyType,
        ),
        (
            Policy::new("p", "access", Vec::<String>::new()),
            PolicyProblem::NoAudience,
        ),
    ] {
        assert_eq!(
            jwt_claims::RuntimePurpose::new(policy).unwrap_err(),
            Error::Configuration(jwt_claims::ConfigError::InvalidPolicy {
                policy: "p".into(),
                problem
            })
        );
    }
}

#[test]
fn pins_nested_tokens_as_unverified_strings_on_the_runtime_path() {
    // decode_with_policy verifies no nested token: a Nested field read this
    // way reports itself unverified rather than pretending otherwise.
    let grant = signer()
        .encode(&DelegationGrant {
            on_behalf_of: "u".into(),
            inner: None,
        })
        .unwrap();
    let token = signer()
        .encode(&DelegatedAccess {
            org_id: 7,
            grant: jwt_claims::Nested::new(grant.clone()),
            grants: vec![],
        })
        .unwrap();
    let decoded = verifier()
        .decode_runtime::<DelegatedAccess>(token.as_str(), &runtime(DelegatedAccess::policy()))
        .unwrap();
    assert!(decoded.claims().grant.verified().is_none());
    assert_eq!(decoded.claims().grant.token(), grant.as_str());
    let value = decode(token.as_str(), DelegatedAccess::policy()).unwrap();
    assert_eq!(value["grant"], json!(grant.as_str()));
}

/// The runtime twin of [`DelegatedAccess`]: `grant` and `grants` hold
/// delegation grants, verified as their own purpose.
fn delegated_purpose() -> jwt_claims::RuntimePurpose {
    let grant = runtime(DelegationGrant::policy());
    runtime(DelegatedAccess::policy())
        .with_nested("grant", &grant)
        .unwrap()
        .with_nested("grants", &grant)
        .unwrap()
}

fn delegated(
    grant: jwt_claims::Token<DelegationGrant>,
    grants: Vec<jwt_claims::Token<DelegationGrant>>,
) -> String {
    signer()
        .encode(&DelegatedAccess {
            org_id: 7,
            grant: jwt_claims::Nested::new(grant),
            grants: grants.into_iter().map(jwt_claims::Nested::new).collect(),
        })
        .unwrap()
        .into_string()
}

fn grant(signer: &Signer) -> jwt_claims::Token<DelegationGrant> {
    signer
        .encode(&DelegationGrant {
            on_behalf_of: "u".into(),
            inner: None,
        })
        .unwrap()
}

#[test]
fn a_runtime_purpose_verifies_its_nested_members_all_the_way_down() {
    let purpose = delegated_purpose();
    let token = delegated(grant(&signer()), vec![grant(&signer()), grant(&signer())]);
    let decoded = verifier()
        .decode_runtime::<Value>(&token, &purpose)
        .unwrap();
    assert_eq!(decoded.claims()["org_id"], json!(7));

    // A grant signed with another key, in the list: refused, with its path.
    let forger = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(other_key())
        .build()
        .unwrap();
    let token = delegated(grant(&signer()), vec![grant(&signer()), grant(&forger)]);
    assert_eq!(
        verifier()
            .decode_runtime::<Value>(&token, &purpose)
            .unwrap_err(),
        Error::Nested {
            path: "grants[1]".into(),
            source: Box::new(Error::InvalidSignature)
        }
    );
    // The typed path says the same.
    assert_eq!(
        verifier().decode::<DelegatedAccess>(&token).unwrap_err(),
        verifier()
            .decode_runtime::<Value>(&token, &purpose)
            .unwrap_err()
    );
}

#[test]
fn a_runtime_nested_member_must_hold_token_strings() {
    let purpose = delegated_purpose();
    let payload = with(billing_claims(), "aud", json!("billing"));
    let token = craft_json(
        &hs256_header("delegated-access"),
        &with(payload, "grant", json!(7)),
    );
    assert_eq!(
        verifier()
            .decode_runtime::<Value>(&token, &purpose)
            .unwrap_err(),
        Error::InvalidClaims {
            reason: "member \"grant\" must hold a nested token (a string, or an array of strings)"
                .into()
        }
    );
    assert_eq!(
        runtime(DelegatedAccess::policy())
            .with_nested("sub", &purpose)
            .unwrap_err(),
        Error::Configuration(jwt_claims::ConfigError::InvalidPolicy {
            policy: DelegatedAccess::policy().name().into(),
            problem: PolicyProblem::NestedMemberName
        })
    );
}

#[test]
fn a_runtime_purpose_requires_a_private_claim_value_when_asked() {
    let policy = billing_policy().with_claim("role", "admin");
    assert_eq!(
        decode(&billing_token(), &policy).unwrap()["role"],
        json!("admin")
    );
    let user = craft_access(&with(billing_claims(), "role", json!("user")));
    assert_eq!(
        decode(&user, &policy).unwrap_err(),
        Error::ClaimMismatch {
            name: "role".into(),
            expected: "admin".into(),
            found: Some("user".into())
        }
    );
    let missing = craft_access(&without(billing_claims(), "role"));
    assert_eq!(
        decode(&missing, &policy).unwrap_err(),
        Error::ClaimMismatch {
            name: "role".into(),
            expected: "admin".into(),
            found: None
        }
    );
    let number = craft_access(&with(billing_claims(), "role", json!(1)));
    assert_eq!(
        decode(&number, &policy).unwrap_err(),
        Error::ClaimMismatch {
            name: "role".into(),
            expected: "admin".into(),
            found: Some("1".into())
        }
    );
}

#[test]
fn an_untyped_third_party_purpose_is_bound_to_its_issuer_and_audience() {
    // Google, Keycloak and Cognito write `typ: JWT`, or none.
    let issuer = "https://accounts.example.com";
    let idp = jwt_claims::dangerous::untyped_policy("idp.id-token", issuer, ["my-client"])
        .with_claim("token_use", "id");
    let payload =
        json!({"iss": issuer, "aud": "my-client", "exp": NOW + 60, "sub": "u", "token_use": "id"});
    for header in [
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"alg":"HS256","typ":"jwt"}"#,
        r#"{"alg":"HS256"}"#,
    ] {
        let token = craft_json(header, &payload);
        assert_eq!(
            decode(&token, &idp).unwrap()["token_use"],
            json!("id"),
            "{header}"
        );
    }
    // Typed tokens of our own purposes are not third-party tokens.
    let token = craft_json(&hs256_header("access"), &payload);
    assert_eq!(
        decode(&token, &idp).unwrap_err(),
        Error::WrongType {
            expected: "JWT".into(),
            found: "access".into()
        }
    );
    // Another issuer, or another token_use, is refused.
    let token = craft_json(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &with(payload.clone(), "iss", json!(ISSUER)),
    );
    assert_eq!(
        decode(&token, &idp).unwrap_err(),
        Error::WrongIssuer {
            expected: issuer.into(),
            found: ISSUER.into()
        }
    );
    let token = craft_json(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &with(payload, "token_use", json!("access")),
    );
    assert_eq!(
        decode(&token, &idp).unwrap_err(),
        Error::ClaimMismatch {
            name: "token_use".into(),
            expected: "id".into(),
            found: Some("access".into())
        }
    );
}

#[test]
fn a_runtime_policy_naming_the_generic_jwt_type_is_refused() {
    assert_eq!(
        jwt_claims::RuntimePurpose::new(Policy::new("p", "JWT", ["billing"])).unwrap_err(),
        Error::Configuration(jwt_claims::ConfigError::InvalidPolicy {
            policy: "p".into(),
            problem: PolicyProblem::GenericType
        })
    );
}

#[test]
fn a_one_time_purpose_requires_a_jti() {
    let once = billing_policy().with_one_time();
    assert!(once.is_one_time());
    assert_eq!(
        decode(&billing_token(), &once).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::JwtId
        }
    );
    let with_jti = craft_access(&with(billing_claims(), "jti", json!("j-1")));
    assert_eq!(decode(&with_jti, &once).unwrap()["org_id"], json!(7));
}
