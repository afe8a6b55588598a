//! Tokens inside tokens (`#[jwt(nested)]`): each verified with its own
//! purpose's policy and keys, against the same clock, within one depth cap
//! and one size budget, and every failure named by its path.

use jwt_claims::{DEFAULT_MAX_NESTING_DEPTH, Error, FixedClock, Nested, Signer, Token, Verifier};
use serde_json::json;

use crate::support::*;

/// A `Nested<T>` holding any string, as a verifier would read it.
fn nested<T>(token: &str) -> Nested<T> {
    serde_json::from_value(json!(token)).expect("a string")
}

fn scope(scope: &str) -> Token<ScopeGrant> {
    signer()
        .encode(&ScopeGrant {
            scope: scope.into(),
        })
        .unwrap()
}

fn delegation(inner: Option<Nested<ScopeGrant>>) -> Token<DelegationGrant> {
    signer()
        .encode(&DelegationGrant {
            on_behalf_of: "user-2".into(),
            inner,
        })
        .unwrap()
}

fn delegated(grant: Nested<DelegationGrant>, grants: Vec<Nested<DelegationGrant>>) -> String {
    signer()
        .encode(&DelegatedAccess {
            org_id: 7,
            grant,
            grants,
        })
        .unwrap()
        .into_string()
}

fn decode(token: &str) -> Result<jwt_claims::Decoded<DelegatedAccess>, Error> {
    verifier().decode::<DelegatedAccess>(token)
}

fn nested_error(path: &str, source: Error) -> Error {
    Error::Nested {
        path: path.into(),
        source: Box::new(source),
    }
}

#[test]
fn verifies_nested_tokens_at_depth_two_and_three() {
    let token = delegated(
        Nested::new(delegation(Some(Nested::new(scope("invoices:read"))))),
        vec![
            Nested::new(delegation(None)),
            Nested::new(delegation(Some(Nested::new(scope("refunds"))))),
        ],
    );
    let decoded = decode(&token).unwrap();
    // Depth 2.
    let grant = decoded.claims().grant.verified().expect("verified");
    assert_eq!(grant.claims().on_behalf_of, "user-2");
    assert_eq!(
        grant.registered().audience(),
        &jwt_claims::Audience::One("billing".into())
    );
    assert_eq!(grant.registered().expires_at().timestamp(), NOW + 300);
    // Depth 3.
    let inner = decoded
        .claims()
        .grant
        .claims()
        .unwrap()
        .inner
        .as_ref()
        .unwrap();
    assert_eq!(
        inner.claims().map(|scope| scope.scope.as_str()),
        Some("invoices:read")
    );
    assert_eq!(
        inner.verified().unwrap().registered().issuer(),
        Some(ISSUER)
    );
    // Every element of a list, at both depths.
    assert_eq!(decoded.claims().grants.len(), 2);
    assert!(decoded.claims().grants[0].claims().unwrap().inner.is_none());
    let refunds = decoded.claims().grants[1]
        .claims()
        .unwrap()
        .inner
        .as_ref()
        .unwrap()
        .claims()
        .unwrap();
    assert_eq!(refunds.scope, "refunds");
}

#[test]
fn nested_tokens_built_for_encoding_or_read_by_serde_are_unverified() {
    let built = Nested::new(scope("s"));
    assert!(built.verified().is_none() && built.claims().is_none());
    let read: Nested<ScopeGrant> = nested(built.token());
    assert!(read.verified().is_none());
    assert_eq!(read.token(), built.token());
}

#[test]
fn rejects_a_nested_token_with_a_bad_signature() {
    let good = delegation(None).into_string();
    let forged = replace_segment(&good, 2, &b64(&[0; 32]));
    let token = delegated(nested(&forged), vec![]);
    assert_eq!(
        decode(&token).unwrap_err(),
        nested_error("grant", Error::InvalidSignature)
    );
}

#[test]
fn rejects_a_nested_token_of_another_purpose() {
    let scope_token = scope("s").into_string();
    let token = delegated(nested(&scope_token), vec![]);
    assert_eq!(
        decode(&token).unwrap_err(),
        nested_error(
            "grant",
            Error::WrongType {
                expected: "delegation".into(),
                found: "scope".into()
            }
        )
    );
    // The outer purpose's own token, nested in itself.
    let access = billing_token();
    let token = delegated(nested(&access), vec![]);
    assert_eq!(
        decode(&token).unwrap_err(),
        nested_error(
            "grant",
            Error::WrongType {
                expected: "delegation".into(),
                found: "access".into()
            }
        )
    );
}

#[test]
fn rejects_an_expired_nested_token_against_the_outer_tokens_clock() {
    let earlier = Signer::builder()
        .issuer(ISSUER)
        .clock(FixedClock::at_timestamp(NOW - 1000))
        .shared_key(key())
        .build()
        .unwrap();
    let stale = earlier
        .encode(&DelegationGrant {
            on_behalf_of: "u".into(),
            inner: None,
        })
        .unwrap();
    let token = delegated(Nested::new(stale), vec![]);
    assert_eq!(
        decode(&token).unwrap_err(),
        nested_error(
            "grant",
            Error::Expired {
                expired_at: NOW - 700,
                now: NOW
            }
        )
    );
}

#[test]
fn rejects_an_unsecured_nested_token() {
    let payload = json!({"iss": ISSUER, "aud": "billing", "exp": NOW + 60, "on_behalf_of": "root"});
    for alg in ["none", "NONE"] {
        let header = format!(r#"{{"alg":"{alg}","typ":"delegation"}}"#);
        let unsecured = format!(
            "{}.{}.",
            b64(header.as_bytes()),
            b64(payload.to_string().as_bytes())
        );
        let token = delegated(nested(&unsecured), vec![]);
        assert_eq!(
            decode(&token).unwrap_err(),
            nested_error("grant", Error::UnsecuredToken)
        );
    }
}

#[test]
fn rejects_a_nested_token_signed_with_the_outer_purposes_key() {
    // Each purpose has its own key; whoever holds the access key must not
    // be able to mint the grants it carries.
    let verifier = verifier_builder()
        .key::<DelegatedAccess>(key())
        .key::<DelegationGrant>(other_key())
        .build()
        .unwrap();
    let grant_signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .key::<DelegationGrant>(other_key())
        .build()
        .unwrap();
    let genuine = grant_signer
        .encode(&DelegationGrant {
            on_behalf_of: "u".into(),
            inner: None,
        })
        .unwrap();
    let token = delegated(Nested::new(genuine), vec![]);
    assert_eq!(
        verifier
            .decode::<DelegatedAccess>(&token)
            .unwrap()
            .claims()
            .grant
            .claims()
            .unwrap()
            .on_behalf_of,
        "u"
    );

    let forged = delegation(None); // signed with the shared (outer) key
    let token = delegated(Nested::new(forged), vec![]);
    assert_eq!(
        verifier.decode::<DelegatedAccess>(&token).unwrap_err(),
        nested_error("grant", Error::InvalidSignature)
    );
}

#[test]
fn rejects_a_nested_purpose_without_a_key_of_its_own_or_a_shared_one() {
    let verifier = verifier_builder()
        .key::<DelegatedAccess>(key())
        .build()
        .unwrap();
    let token = delegated(Nested::new(delegation(None)), vec![]);
    assert_eq!(
        verifier.decode::<DelegatedAccess>(&token).unwrap_err(),
        nested_error(
            "grant",
            Error::NoKeyForPurpose {
                purpose: "integration::support::DelegationGrant".into()
            }
        )
    );
}

#[test]
fn rejects_a_nested_token_given_as_a_json_object() {
    let payload = json!({
        "iss": ISSUER, "aud": "billing", "exp": NOW + 60, "org_id": 7, "grants": [],
        "grant": {"on_behalf_of": "root", "aud": "billing", "exp": NOW + 60},
    });
    let token = craft_json(&hs256_header("delegated-access"), &payload);
    assert_eq!(
        decode(&token).unwrap_err(),
        Error::InvalidClaims {
            reason: "invalid type: map, expected a nested token as a compact JWS string at line 1 column 42".into()
        }
    );
}

#[test]
fn names_the_failing_element_of_a_list() {
    let good = Nested::new(delegation(None));
    let bad = nested(&scope("s").into_string());
    let token = delegated(good.clone(), vec![good.clone(), bad, good]);
    assert_eq!(
        decode(&token).unwrap_err(),
        nested_error(
            "grants[1]",
            Error::WrongType {
                expected: "delegation".into(),
                found: "scope".into()
            }
        )
    );
}

#[test]
fn names_the_full_path_of_a_failure_at_depth_three() {
    let earlier = Signer::builder()
        .issuer(ISSUER)
        .clock(FixedClock::at_timestamp(NOW - 400))
        .shared_key(key())
        .build()
        .unwrap();
    let stale_scope = earlier
        .encode(&ScopeGrant {
            scope: "old".into(),
        })
        .unwrap();
    let expired = Error::Expired {
        expired_at: NOW - 100,
        now: NOW,
    };

    let token = delegated(
        Nested::new(delegation(Some(Nested::new(stale_scope.clone())))),
        vec![],
    );
    let err = decode(&token).unwrap_err();
    assert_eq!(err, nested_error("grant.inner", expired.clone()));
    assert_eq!(err.root_cause(), &expired);
    assert_eq!(
        err.to_string(),
        "nested token \"grant.inner\": token expired at 2023-11-14T22:11:40Z (now 2023-11-14T22:13:20Z)"
    );
    assert_eq!(
        std::error::Error::source(&err).map(ToString::to_string),
        Some(expired.to_string())
    );

    let good = Nested::new(delegation(None));
    let bad = Nested::new(delegation(Some(Nested::new(stale_scope))));
    let token = delegated(good.clone(), vec![good, bad]);
    let err = decode(&token).unwrap_err();
    assert_eq!(err, nested_error("grants[1].inner", expired.clone()));
    assert_eq!(err.root_cause(), &expired);
}

/// A chain of `links` tokens, outermost first.
fn chain(links: u32) -> String {
    let mut next = None;
    for link in (0..links).rev() {
        let token = signer().encode(&Chain { link, next }).unwrap();
        next = Some(Nested::new(token));
    }
    next.expect("at least one link").token().to_owned()
}

#[test]
fn verifies_nesting_up_to_the_default_depth_cap() {
    assert_eq!(DEFAULT_MAX_NESTING_DEPTH, 4);
    // The outer token and four nested ones.
    let decoded = verifier().decode::<Chain>(&chain(5)).unwrap();
    let mut links = vec![decoded.claims().link];
    let mut next = decoded.claims().next.as_ref();
    while let Some(token) = next {
        let claims = token.claims().expect("verified");
        links.push(claims.link);
        next = claims.next.as_ref();
    }
    assert_eq!(links, [0, 1, 2, 3, 4]);
}

#[test]
fn rejects_nesting_past_the_depth_cap_with_the_full_path() {
    assert_eq!(
        verifier().decode::<Chain>(&chain(6)).unwrap_err(),
        nested_error(
            "next.next.next.next.next",
            Error::NestingTooDeep { limit: 4 }
        )
    );
    let shallow = verifier_builder()
        .shared_key(key())
        .max_nesting_depth(1)
        .build()
        .unwrap();
    let token = delegated(
        Nested::new(delegation(Some(Nested::new(scope("s"))))),
        vec![],
    );
    assert_eq!(
        shallow.decode::<DelegatedAccess>(&token).unwrap_err(),
        nested_error("grant.inner", Error::NestingTooDeep { limit: 1 })
    );
    let flat = verifier_builder()
        .shared_key(key())
        .max_nesting_depth(0)
        .build()
        .unwrap();
    assert_eq!(
        flat.decode::<DelegatedAccess>(&token).unwrap_err(),
        nested_error("grant", Error::NestingTooDeep { limit: 0 })
    );
    // A chain within a raised cap passes.
    let deep = verifier_builder()
        .shared_key(key())
        .max_nesting_depth(5)
        .build()
        .unwrap();
    assert_eq!(deep.decode::<Chain>(&chain(6)).unwrap().claims().link, 0);
}

#[test]
fn shares_one_size_budget_between_the_outer_token_and_its_nested_ones() {
    let inner = delegation(None).into_string();
    let outer = delegated(nested(&inner), vec![]);
    let budget = outer.len() + inner.len();
    let roomy: Verifier = verifier_builder()
        .shared_key(key())
        .max_token_size(budget)
        .build()
        .unwrap();
    assert_eq!(
        roomy
            .decode::<DelegatedAccess>(&outer)
            .unwrap()
            .claims()
            .org_id,
        7
    );
    // The outer token alone fits; with its nested token it does not.
    let tight = verifier_builder()
        .shared_key(key())
        .max_token_size(budget - 1)
        .build()
        .unwrap();
    assert_eq!(
        tight.decode::<DelegatedAccess>(&outer).unwrap_err(),
        nested_error(
            "grant",
            Error::TokenTooLarge {
                limit: inner.len() - 1,
                found: inner.len()
            }
        )
    );
}

#[test]
fn charges_every_element_of_a_list_to_the_shared_budget() {
    let inner = delegation(None).into_string();
    let outer = delegated(nested(&inner), vec![nested(&inner), nested(&inner)]);
    let budget = outer.len() + 3 * inner.len();
    let roomy = verifier_builder()
        .shared_key(key())
        .max_token_size(budget)
        .build()
        .unwrap();
    assert_eq!(
        roomy
            .decode::<DelegatedAccess>(&outer)
            .unwrap()
            .claims()
            .grants
            .len(),
        2
    );
    let tight = verifier_builder()
        .shared_key(key())
        .max_token_size(budget - 1)
        .build()
        .unwrap();
    assert_eq!(
        tight.decode::<DelegatedAccess>(&outer).unwrap_err(),
        nested_error(
            "grants[1]",
            Error::TokenTooLarge {
                limit: inner.len() - 1,
                found: inner.len()
            }
        )
    );
}
