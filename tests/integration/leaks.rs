//! No error message, and no `Debug` of a library type, carries key
//! material, a whole token, or a signature.

use jwt_claims::{Algorithm, Error, HmacKey, Nested, PrivateKey, PublicKey, Signer};
use serde_json::json;

use crate::support::*;

/// What must never appear in an error about `token`.
fn forbidden(token: &str) -> Vec<String> {
    let mut forbidden = vec![
        String::from_utf8(SECRET.to_vec()).unwrap(),
        String::from_utf8(OTHER_SECRET.to_vec()).unwrap(),
        b64(SECRET),
        b64(OTHER_SECRET),
        SECRET.iter().map(|b| format!("{b:02x}")).collect(),
        format!("{:?}", SECRET),
    ];
    if token.len() > 16 {
        forbidden.push(token.to_owned());
    }
    if let Some(signature) = token.rsplit('.').next().filter(|s| s.len() >= 16) {
        forbidden.push(signature.to_owned());
    }
    forbidden
}

fn assert_no_leak(what: &str, token: &str, err: &Error) {
    for shown in [format!("{err}"), format!("{err:?}"), format!("{err:#?}")] {
        for secret in forbidden(token) {
            assert!(
                !shown.contains(&secret),
                "{what}: {shown:?} contains {secret:?}"
            );
        }
    }
}

/// Tokens refused for every kind of reason, each with the error it gets.
fn rejected_tokens() -> Vec<(&'static str, String, Error)> {
    let good = billing_token();
    let [header, payload, signature] = segments(&good).map(str::to_owned);
    let verifier = verifier();
    let stale = Signer::builder()
        .issuer(ISSUER)
        .clock(jwt_claims::FixedClock::at_timestamp(NOW - 10_000))
        .shared_key(key())
        .build()
        .unwrap();
    let expired_scope = stale.encode(&ScopeGrant { scope: "s".into() }).unwrap();
    let grant = signer()
        .encode(&DelegationGrant {
            on_behalf_of: "u".into(),
            inner: Some(Nested::new(expired_scope)),
        })
        .unwrap();
    let forged_grant = replace_segment(
        signer()
            .encode(&DelegationGrant {
                on_behalf_of: "u".into(),
                inner: None,
            })
            .unwrap()
            .as_str(),
        2,
        &b64(&[9; 32]),
    );
    let nested = |grant: Nested<DelegationGrant>| {
        signer()
            .encode(&DelegatedAccess {
                org_id: 1,
                grant,
                grants: vec![],
            })
            .unwrap()
            .into_string()
    };
    let tokens = vec![
        ("signature", replace_segment(&good, 2, &b64(&[0xab; 32]))),
        (
            "other key",
            craft_with(
                OTHER_SECRET,
                hs256_header("access"),
                billing_claims().to_string(),
            ),
        ),
        (
            "wrong type",
            signer()
                .issue(&Refresh {
                    session: "s".into(),
                })
                .subject("u")
                .encode()
                .unwrap()
                .into_string(),
        ),
        (
            "wrong audience",
            signer()
                .issue(&ReportsAccess { org_id: 1 })
                .subject("u")
                .encode()
                .unwrap()
                .into_string(),
        ),
        (
            "expired",
            stale
                .issue(&billing())
                .subject("u")
                .encode()
                .unwrap()
                .into_string(),
        ),
        (
            "wrong issuer",
            craft_json(
                &hs256_header("access"),
                &with(billing_claims(), "iss", json!("x")),
            ),
        ),
        ("empty signature", format!("{header}.{payload}.")),
        (
            "alg none signed",
            craft(
                r#"{"alg":"none","typ":"access"}"#,
                billing_claims().to_string(),
            ),
        ),
        (
            "unknown kid",
            craft(
                r#"{"alg":"HS256","typ":"access","kid":"k"}"#,
                billing_claims().to_string(),
            ),
        ),
        (
            "too large",
            format!("{header}.{}.{signature}", "A".repeat(70_000)),
        ),
        ("base64", format!("{header}.{payload}.{signature}=")),
        ("segments", format!("{good}.{signature}")),
        (
            "duplicate",
            craft(
                hs256_header("access"),
                billing_claims().to_string().replace('}', r#","exp":1}"#),
            ),
        ),
        (
            "json",
            craft(
                hs256_header("access"),
                billing_claims().to_string().replace('}', ",}"),
            ),
        ),
        (
            "claims type",
            craft_json(
                &hs256_header("access"),
                &with(billing_claims(), "org_id", json!("seven")),
            ),
        ),
        // A whole token where a number belongs: serde's message quotes it.
        (
            "token as claim",
            craft_json(
                &hs256_header("access"),
                &with(billing_claims(), "org_id", json!(good.clone())),
            ),
        ),
        (
            "crit",
            craft(
                r#"{"alg":"HS256","typ":"access","crit":["exp"]}"#,
                billing_claims().to_string(),
            ),
        ),
        (
            "jwk",
            craft_with(
                OTHER_SECRET,
                format!(
                    r#"{{"alg":"HS256","typ":"access","jwk":{{"kty":"oct","k":"{}"}}}}"#,
                    b64(OTHER_SECRET)
                ),
                billing_claims().to_string(),
            ),
        ),
        (
            "nested signature",
            nested(serde_json::from_value(json!(forged_grant)).unwrap()),
        ),
        ("nested expired", nested(Nested::new(grant))),
    ];
    tokens
        .into_iter()
        .map(|(name, token)| {
            let err = verifier
                .decode::<BillingAccess>(&token)
                .map(drop)
                .or_else(|err| match err {
                    // The nested cases are for the delegated purpose.
                    Error::WrongType { found, .. } if found == "delegated-access" => {
                        verifier.decode::<DelegatedAccess>(&token).map(drop)
                    }
                    err => Err(err),
                });
            (name, token, err.expect_err(name))
        })
        .collect()
}

#[test]
fn no_rejection_shows_the_key_the_token_or_its_signature() {
    let rejected = rejected_tokens();
    assert!(rejected.len() >= 15);
    for (name, token, err) in &rejected {
        assert_no_leak(name, token, err);
        if let Error::Nested { source, .. } = err {
            assert_no_leak(name, token, source);
        }
    }
    // The list covers the kinds of rejection, not one kind many times.
    let kinds: std::collections::HashSet<_> = rejected
        .iter()
        .map(|(_, _, err)| std::mem::discriminant(err))
        .collect();
    assert!(kinds.len() >= 15, "{}", kinds.len());
}

#[test]
fn a_token_quoted_in_a_claims_error_is_cut_before_its_signature() {
    let good = billing_token();
    let token = craft_json(
        &hs256_header("access"),
        &with(billing_claims(), "org_id", json!(good.clone())),
    );
    let Error::InvalidClaims { reason } = verifier().decode::<BillingAccess>(&token).unwrap_err()
    else {
        panic!("expected InvalidClaims");
    };
    // serde's message, with the quoted token cut like any token-supplied
    // string: 64 characters, never reaching its signature.
    let quoted = reason.split('"').nth(1).expect("a quoted value");
    assert_eq!(quoted, format!("{}…", &good[..Error::MAX_ECHO]), "{reason}");
    assert!(reason.starts_with("invalid type: string \"eyJ"), "{reason}");
    assert!(reason.contains("\", expected u64"), "{reason}");
}

/// Runs of base64url characters and dots in `text` with three or more
/// segments, one of them as long as a JOSE header (20+ characters): what
/// a token looks like.
fn token_like_runs(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .filter(|run| run.split('.').count() >= 3 && run.split('.').any(|s| s.len() >= 20))
        .collect()
}

#[test]
fn no_error_holds_three_segments_of_a_token_wherever_the_token_put_one() {
    let smuggled = billing_token();
    let cases: Vec<(&str, String)> = vec![
        (
            "typ",
            craft(
                json!({"alg":"HS256","typ":smuggled}).to_string(),
                billing_claims().to_string(),
            ),
        ),
        (
            "kid",
            craft(
                json!({"alg":"HS256","typ":"access","kid":smuggled}).to_string(),
                billing_claims().to_string(),
            ),
        ),
        (
            "alg",
            craft(
                json!({"alg":smuggled,"typ":"access"}).to_string(),
                billing_claims().to_string(),
            ),
        ),
        (
            "cty",
            craft(
                json!({"alg":"HS256","typ":"access","cty":smuggled}).to_string(),
                billing_claims().to_string(),
            ),
        ),
        (
            "iss",
            craft_json(
                &hs256_header("access"),
                &with(billing_claims(), "iss", json!(smuggled)),
            ),
        ),
        (
            "aud",
            craft_json(
                &hs256_header("access"),
                &with(billing_claims(), "aud", json!([smuggled, smuggled])),
            ),
        ),
        (
            "claim",
            craft_json(
                &hs256_header("access"),
                &with(billing_claims(), "org_id", json!(smuggled)),
            ),
        ),
        (
            "member name",
            craft(
                hs256_header("access"),
                format!(r#"{{"{smuggled}":1,"{smuggled}":2}}"#),
            ),
        ),
        (
            "header member name",
            craft(
                format!(r#"{{"alg":"HS256","{smuggled}":1,"{smuggled}":2}}"#),
                billing_claims().to_string(),
            ),
        ),
    ];
    for (what, token) in cases {
        let err = verifier().decode::<BillingAccess>(&token).unwrap_err();
        for shown in [format!("{err}"), format!("{err:?}")] {
            assert_eq!(
                token_like_runs(&shown),
                Vec::<&str>::new(),
                "{what}: {shown}"
            );
        }
    }
}

#[test]
fn token_supplied_control_characters_cannot_forge_a_log_line() {
    let forged = "access\r\n2026-12-01T00:00:00Z INFO admin logged in\u{1b}[0m";
    let token = craft(
        json!({"alg":"HS256","typ":forged}).to_string(),
        billing_claims().to_string(),
    );
    let err = verifier().decode::<BillingAccess>(&token).unwrap_err();
    assert_eq!(
        err,
        Error::WrongType {
            expected: "access".into(),
            found: "access\\u{d}\\u{a}2026-12-01T00:00:00Z INFO admin logged in\\u{1b}[0m".into()
        }
    );
    let shown = err.to_string();
    assert!(!shown.contains(['\r', '\n', '\u{1b}']), "{shown:?}");
}

#[test]
fn key_errors_never_show_the_key() {
    let secret = "hunter2-hunter2-hunter2";
    let errors = [
        HmacKey::new(Algorithm::HS256, secret.as_bytes()).unwrap_err(),
        HmacKey::from_base64url(Algorithm::HS256, &b64(secret.as_bytes())).unwrap_err(),
        HmacKey::from_base64url(Algorithm::HS256, &format!("{secret}!")).unwrap_err(),
        HmacKey::from_jwk(
            Algorithm::HS256,
            &format!(r#"{{"kty":"oct","k":"{secret}","use":5}}"#),
        )
        .unwrap_err(),
        HmacKey::from_jwk(
            Algorithm::HS256,
            &format!(r#"{{"kty":"oct","k":"{secret}",}}"#),
        )
        .unwrap_err(),
        HmacKey::from_jwk(
            Algorithm::HS384,
            &format!(r#"{{"kty":"RSA","k":"{}"}}"#, b64(&[1; 48])),
        )
        .unwrap_err(),
        PrivateKey::from_jwk(
            Algorithm::EdDSA,
            &format!(r#"{{"kty":"OKP","crv":"Ed25519","d":"{secret}","x":"{secret}"}}"#),
        )
        .unwrap_err(),
        PrivateKey::from_pem(
            Algorithm::ES256,
            format!(
                "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
                b64(secret.as_bytes())
            )
            .as_bytes(),
        )
        .unwrap_err(),
        PublicKey::from_pem(Algorithm::ES256, pem::P256).unwrap_err(),
        PrivateKey::from_pem(Algorithm::ES384, pem::P256).unwrap_err(),
    ];
    let p256_body: String = std::str::from_utf8(pem::P256)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    for err in errors {
        for shown in [format!("{err}"), format!("{err:?}")] {
            for forbidden in [
                secret,
                &b64(secret.as_bytes()),
                &b64(&[1; 48]),
                &p256_body[..20],
            ] {
                assert!(
                    !shown.contains(forbidden),
                    "{shown:?} contains {forbidden:?}"
                );
            }
        }
    }
}

#[test]
fn debug_of_verifier_signer_token_and_nested_shows_no_secret_or_token() {
    let token = signer().encode(&ScopeGrant { scope: "s".into() }).unwrap();
    let nested = Nested::new(token.clone());
    let verified = verifier()
        .decode::<DelegationGrant>(
            signer()
                .encode(&DelegationGrant {
                    on_behalf_of: "u".into(),
                    inner: Some(nested.clone()),
                })
                .unwrap()
                .as_str(),
        )
        .unwrap();
    let shown = [
        format!("{:?}", verifier()),
        format!("{:?}", signer()),
        format!("{token:?}"),
        format!("{nested:?}"),
        format!("{verified:?}"),
        format!("{verified:#?}"),
    ];
    for debug in shown {
        for secret in forbidden(token.as_str()) {
            assert!(!debug.contains(&secret), "{debug:?} contains {secret:?}");
        }
    }
    assert_eq!(format!("{nested:?}"), "Nested { verified: None, .. }");
}
