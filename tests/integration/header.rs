//! The JOSE header: `alg` (never `none`, in the purpose's allow-list, bound
//! to a configured key), `crit`, `b64`, `kid`, `typ`, `cty`, and the key
//! carrying members (`jwk`, `jku`, `x5u`, `x5c`) that are never used.

use jwt_claims::{Algorithm, Error, HmacKey, Signer, dangerous, jws};

use crate::support::*;

fn decode(token: &str) -> Result<BillingAccess, Error> {
    verifier()
        .decode::<BillingAccess>(token)
        .map(|decoded| decoded.into_claims())
}

/// A billing token with `header`, correctly signed with [`SECRET`].
fn with_header(header: &str) -> String {
    craft(header, billing_claims().to_string())
}

/// A billing token with `header` and a signature nobody made.
fn with_header_unsigned(header: &str) -> String {
    format!(
        "{}.{}.{}",
        b64(header.as_bytes()),
        b64(billing_claims().to_string().as_bytes()),
        b64(&[0; 32])
    )
}

/// Asserts the header is refused with `expected`, signed or not: the rule
/// fires before the signature is looked at.
fn assert_header_refused(header: &str, expected: &Error) {
    assert_eq!(
        &decode(&with_header(header)).unwrap_err(),
        expected,
        "signed: {header}"
    );
    assert_eq!(
        &decode(&with_header_unsigned(header)).unwrap_err(),
        expected,
        "unsigned: {header}"
    );
}

#[test]
fn accepts_the_header_the_library_writes() {
    assert_eq!(
        decode(&with_header(&hs256_header("access"))).unwrap(),
        billing()
    );
}

// ----- alg -----

#[test]
fn rejects_alg_none_in_every_spelling() {
    for alg in ["none", "None", "NONE", "nOnE", "NoNe"] {
        let header = format!(r#"{{"alg":"{alg}","typ":"access"}}"#);
        assert_header_refused(&header, &Error::UnsecuredToken);
        // The classic unsecured JWT: an empty signature.
        let unsecured = format!(
            "{}.{}.",
            b64(header.as_bytes()),
            b64(billing_claims().to_string().as_bytes())
        );
        assert_eq!(
            decode(&unsecured).unwrap_err(),
            Error::UnsecuredToken,
            "{alg}"
        );
    }
}

#[test]
fn rejects_missing_empty_null_or_non_string_alg() {
    for alg in [
        None,
        Some(r#""""#),
        Some("null"),
        Some("256"),
        Some("true"),
        Some(r#"["HS256"]"#),
        Some(r#"{"name":"HS256"}"#),
    ] {
        let header = match alg {
            Some(alg) => format!(r#"{{"alg":{alg},"typ":"access"}}"#),
            None => r#"{"typ":"access"}"#.to_owned(),
        };
        assert_header_refused(&header, &Error::MissingAlgorithm);
    }
}

#[test]
fn rejects_unknown_and_miscased_algorithms_by_name() {
    for alg in [
        "hs256", "Hs256", "HS257", "ES512", "RS1", "HS256 ", " HS256", "none ", "dir", "A128KW",
    ] {
        let header = format!(r#"{{"alg":"{alg}","typ":"access"}}"#);
        assert_header_refused(&header, &Error::UnsupportedAlgorithm { found: alg.into() });
    }
    // A long name is cut in the error.
    let long = "X".repeat(500);
    let header = format!(r#"{{"alg":"{long}","typ":"access"}}"#);
    assert_header_refused(
        &header,
        &Error::UnsupportedAlgorithm {
            found: format!("{}…", "X".repeat(64)),
        },
    );
}

#[test]
fn rejects_an_algorithm_outside_the_purposes_allow_list() {
    // PaymentsAccess allows ES256 only; an HS256 token is refused before
    // any key is looked for.
    let payload =
        serde_json::json!({"iss": ISSUER, "aud": "payments", "exp": NOW + 60, "account": "a"});
    let token = craft_json(&hs256_header("access"), &payload);
    assert_eq!(
        verifier().decode::<PaymentsAccess>(&token).unwrap_err(),
        Error::AlgorithmNotAllowed {
            allowed: vec![Algorithm::ES256],
            found: Algorithm::HS256
        }
    );
    // SignedReport allows RS256 and PS256; RS512 with the right key is refused.
    let rs512 = private(Algorithm::RS512, pem::RSA2048);
    let payload =
        serde_json::json!({"iss": ISSUER, "aud": "reports", "exp": NOW + 60, "report_id": 1});
    let token = jws::sign(
        &rs512.clone().into(),
        Some("report"),
        payload.to_string().as_bytes(),
    )
    .unwrap();
    let verifier = verifier_builder()
        .shared_key(rs512.public_key())
        .build()
        .unwrap();
    assert_eq!(
        verifier.decode::<SignedReport>(&token).unwrap_err(),
        Error::AlgorithmNotAllowed {
            allowed: vec![Algorithm::RS256, Algorithm::PS256],
            found: Algorithm::RS512
        }
    );
    // Both allowed algorithms pass with their keys.
    for alg in [Algorithm::RS256, Algorithm::PS256] {
        let key = private(alg, pem::RSA2048);
        let signer = Signer::builder()
            .issuer(ISSUER)
            .clock(clock())
            .shared_key(key.clone())
            .build()
            .unwrap();
        let verifier = verifier_builder()
            .shared_key(key.public_key())
            .build()
            .unwrap();
        let token = signer.encode(&SignedReport { report_id: 9 }).unwrap();
        let decoded = verifier.decode::<SignedReport>(token.as_str()).unwrap();
        assert_eq!((decoded.claims().report_id, decoded.algorithm()), (9, alg));
    }
}

fn rsa_verifier() -> jwt_claims::Verifier {
    verifier_builder()
        .shared_key(public(Algorithm::RS256, pem::RSA2048_PUB))
        .build()
        .unwrap()
}

#[test]
fn rejects_an_hmac_token_when_only_an_rsa_or_ec_public_key_is_configured() {
    assert_eq!(
        rsa_verifier()
            .decode::<BillingAccess>(&billing_token())
            .unwrap_err(),
        Error::AlgorithmMismatch {
            expected: vec![Algorithm::RS256],
            found: Algorithm::HS256
        }
    );
    let ec_verifier = verifier_builder()
        .shared_key(public(Algorithm::ES256, pem::P256_PUB))
        .shared_key(public(Algorithm::EdDSA, pem::ED25519_PUB))
        .build()
        .unwrap();
    assert_eq!(
        ec_verifier
            .decode::<BillingAccess>(&billing_token())
            .unwrap_err(),
        Error::AlgorithmMismatch {
            expected: vec![Algorithm::ES256, Algorithm::EdDSA],
            found: Algorithm::HS256
        }
    );
}

#[test]
fn rejects_the_key_confusion_attack_hmac_signed_with_the_rsa_public_key() {
    // RFC 8725 §2.1: the attacker knows the public key and uses its bytes
    // as an HMAC secret, hoping the verifier does the same.
    let secrets: [&[u8]; 3] = [
        pem::RSA2048_PUB,
        pem::RSA2048_PKCS1_PUB,
        &unb64(pem_body(pem::RSA2048_PUB)),
    ];
    for secret in secrets {
        let forged_keys = [
            HmacKey::new(Algorithm::HS256, secret).unwrap(),
            dangerous::hmac_key_with_short_secret(Algorithm::HS256, secret).unwrap(),
        ];
        for forged_key in forged_keys {
            let forger = Signer::builder()
                .issuer(ISSUER)
                .clock(clock())
                .shared_key(forged_key)
                .build()
                .unwrap();
            let forged = forger.issue(&billing()).subject("user-1").encode().unwrap();
            assert_eq!(
                rsa_verifier()
                    .decode::<BillingAccess>(forged.as_str())
                    .unwrap_err(),
                Error::AlgorithmMismatch {
                    expected: vec![Algorithm::RS256],
                    found: Algorithm::HS256
                }
            );
            // A purpose pinned to RSA algorithms refuses it even earlier.
            let payload = serde_json::json!({"iss": ISSUER, "aud": "reports", "exp": NOW + 60, "report_id": 1});
            let forged = craft_with(secret, hs256_header("report"), payload.to_string());
            assert_eq!(
                rsa_verifier().decode::<SignedReport>(&forged).unwrap_err(),
                Error::AlgorithmNotAllowed {
                    allowed: vec![Algorithm::RS256, Algorithm::PS256],
                    found: Algorithm::HS256
                }
            );
        }
    }
}

#[test]
fn rejects_a_token_for_an_algorithm_of_the_same_family_but_another_hash() {
    let hs512 = HmacKey::new(Algorithm::HS512, &[SECRET, SECRET].concat()).unwrap();
    let token = jws::sign(
        &hs512.into(),
        Some("access"),
        billing_claims().to_string().as_bytes(),
    )
    .unwrap();
    assert_eq!(
        decode(&token).unwrap_err(),
        Error::AlgorithmMismatch {
            expected: vec![Algorithm::HS256],
            found: Algorithm::HS512
        }
    );
}

// ----- crit and b64 -----

#[test]
fn rejects_crit_in_every_shape() {
    for crit in [
        r#"[]"#,
        r#"["exp"]"#,
        r#"["b64"]"#,
        r#"["alg"]"#,
        r#""b64""#,
        "null",
        "{}",
        "1",
        "false",
    ] {
        let header = format!(r#"{{"alg":"HS256","typ":"access","crit":{crit}}}"#);
        assert_header_refused(&header, &Error::UnsupportedCritical);
    }
    // Refused together with the extension it names, too.
    assert_header_refused(
        r#"{"alg":"HS256","typ":"access","b64":false,"crit":["b64"]}"#,
        &Error::UnsupportedCritical,
    );
}

#[test]
fn rejects_b64_whatever_its_value() {
    let refused = Error::UnsupportedHeader {
        name: "b64",
        reason: "unencoded payloads (RFC 7797) are not supported",
    };
    for b64 in ["false", "true", r#""false""#, "null", "0"] {
        let header = format!(r#"{{"alg":"HS256","typ":"access","b64":{b64}}}"#);
        assert_header_refused(&header, &refused);
    }
}

// ----- keys come from configuration only -----

#[test]
fn ignores_jwk_jku_x5u_x5c_and_x5t_and_verifies_with_the_configured_key() {
    let attacker_jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64(OTHER_SECRET));
    for member in [
        format!(r#""jwk":{attacker_jwk}"#),
        r#""jku":"https://attacker.example/jwks.json""#.to_owned(),
        r#""x5u":"https://attacker.example/cert.pem""#.to_owned(),
        r#""x5c":["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]"#.to_owned(),
        r#""x5t":"dGhpcyBpcyBub3QgYSB0aHVtYnByaW50""#.to_owned(),
        r#""x5t#S256":"x""#.to_owned(),
    ] {
        let header = format!(r#"{{"alg":"HS256","typ":"access",{member}}}"#);
        assert_eq!(
            decode(&with_header(&header)).unwrap(),
            billing(),
            "{member}"
        );
        // Signed with the key the header offers: worthless.
        let forged = craft_with(OTHER_SECRET, &header, billing_claims().to_string());
        assert_eq!(
            decode(&forged).unwrap_err(),
            Error::InvalidSignature,
            "{member}"
        );
    }
}

#[test]
fn rejects_an_rsa_token_signed_with_an_attackers_key() {
    let attacker = private(Algorithm::RS256, pem::RSA2048_B);
    let token = jws::sign(
        &attacker.into(),
        Some("access"),
        billing_claims().to_string().as_bytes(),
    )
    .unwrap();
    assert_eq!(
        rsa_verifier().decode::<BillingAccess>(&token).unwrap_err(),
        Error::InvalidSignature
    );
}

// ----- kid -----

fn two_key_verifier() -> jwt_claims::Verifier {
    verifier_builder()
        .shared_key(key().with_kid("2026-01"))
        .shared_key(other_key().with_kid("2026-02"))
        .build()
        .unwrap()
}

#[test]
fn kid_selects_among_the_configured_keys() {
    for (signing_key, kid) in [(key(), "2026-01"), (other_key(), "2026-02")] {
        let signer = Signer::builder()
            .issuer(ISSUER)
            .clock(clock())
            .shared_key(signing_key.with_kid(kid))
            .build()
            .unwrap();
        let token = signer.issue(&billing()).subject("user-1").encode().unwrap();
        let decoded = two_key_verifier()
            .decode::<BillingAccess>(token.as_str())
            .unwrap();
        assert_eq!(decoded.kid(), Some(kid));
    }
}

#[test]
fn rejects_an_unknown_kid_without_trying_other_keys() {
    let header = r#"{"alg":"HS256","typ":"access","kid":"2025-12"}"#;
    assert_eq!(
        two_key_verifier()
            .decode::<BillingAccess>(&with_header(header))
            .unwrap_err(),
        Error::UnknownKey {
            kid: "2025-12".into()
        }
    );
    // Keys without ids are not matched by a token's kid either.
    assert_header_refused(
        header,
        &Error::UnknownKey {
            kid: "2025-12".into(),
        },
    );
    let long = "k".repeat(300);
    let header = format!(r#"{{"alg":"HS256","typ":"access","kid":"{long}"}}"#);
    assert_header_refused(
        &header,
        &Error::UnknownKey {
            kid: format!("{}…", "k".repeat(64)),
        },
    );
}

#[test]
fn token_without_kid_is_checked_with_the_first_key_of_its_algorithm_only() {
    // Signed with the second key but naming none: no key hunting.
    let signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(other_key())
        .build()
        .unwrap();
    let token = signer.issue(&billing()).subject("user-1").encode().unwrap();
    assert_eq!(
        two_key_verifier()
            .decode::<BillingAccess>(token.as_str())
            .unwrap_err(),
        Error::InvalidSignature
    );
    let decoded = two_key_verifier()
        .decode::<BillingAccess>(&billing_token())
        .unwrap();
    assert_eq!(decoded.kid(), None);
}

#[test]
fn rejects_a_kid_that_is_not_a_string() {
    for kid in ["1", "null", "[]", r#"["2026-01"]"#, "{}", "true"] {
        let header = format!(r#"{{"alg":"HS256","typ":"access","kid":{kid}}}"#);
        assert_header_refused(
            &header,
            &Error::UnsupportedHeader {
                name: "kid",
                reason: "not a string",
            },
        );
    }
}

// ----- typ and cty -----

#[test]
fn rejects_a_header_without_typ() {
    assert_header_refused(r#"{"alg":"HS256"}"#, &Error::MissingType);
    let token = jws::sign(&key().into(), None, billing_claims().to_string().as_bytes()).unwrap();
    assert_eq!(decode(&token).unwrap_err(), Error::MissingType);
}

#[test]
fn rejects_typ_given_only_in_the_payload() {
    let payload = with(billing_claims(), "typ", serde_json::json!("access"));
    assert_eq!(
        decode(&craft_json(r#"{"alg":"HS256"}"#, &payload)).unwrap_err(),
        Error::MissingType
    );
}

#[test]
fn rejects_a_typ_that_is_not_a_string() {
    for typ in ["null", "1", r#"["access"]"#, r#"{"access":true}"#] {
        let header = format!(r#"{{"alg":"HS256","typ":{typ}}}"#);
        assert_header_refused(
            &header,
            &Error::UnsupportedHeader {
                name: "typ",
                reason: "not a string",
            },
        );
    }
}

#[test]
fn rejects_a_content_type_the_purpose_did_not_declare() {
    for cty in ["JWT", "jwt", "application/jwt", "json"] {
        let header = format!(r#"{{"alg":"HS256","typ":"access","cty":"{cty}"}}"#);
        assert_header_refused(&header, &Error::UnexpectedContentType { found: cty.into() });
    }
    assert_header_refused(
        r#"{"alg":"HS256","typ":"access","cty":null}"#,
        &Error::UnsupportedHeader {
            name: "cty",
            reason: "not a string",
        },
    );
}

#[test]
fn checks_header_rules_in_the_documented_order() {
    // alg, then crit, then b64, then kid's type, then typ, then cty, and
    // only then the keys: each header breaks every later rule too, and no
    // key source is asked about a token whose header is refused.
    let cases = [
        (
            r#"{"alg":"none","crit":[],"b64":false,"kid":1,"cty":"JWT"}"#,
            Error::UnsecuredToken,
        ),
        (
            r#"{"alg":"HS256","crit":[],"b64":false,"kid":1,"cty":"JWT"}"#,
            Error::UnsupportedCritical,
        ),
        (
            r#"{"alg":"HS256","b64":false,"kid":1,"cty":"JWT"}"#,
            Error::UnsupportedHeader {
                name: "b64",
                reason: "unencoded payloads (RFC 7797) are not supported",
            },
        ),
        (
            r#"{"alg":"HS256","kid":1,"cty":"JWT"}"#,
            Error::UnsupportedHeader {
                name: "kid",
                reason: "not a string",
            },
        ),
        (
            r#"{"alg":"HS256","kid":"nope","typ":"refresh","cty":"JWT"}"#,
            Error::WrongType {
                expected: "access".into(),
                found: "refresh".into(),
            },
        ),
        (
            r#"{"alg":"HS256","kid":"nope","cty":"JWT"}"#,
            Error::MissingType,
        ),
        (
            r#"{"alg":"HS256","kid":"nope","typ":"access","cty":"JWT"}"#,
            Error::UnexpectedContentType {
                found: "JWT".into(),
            },
        ),
        (
            r#"{"alg":"HS256","kid":"nope","typ":"access"}"#,
            Error::UnknownKey { kid: "nope".into() },
        ),
    ];
    for (header, expected) in cases {
        assert_header_refused(header, &expected);
    }
}

#[test]
fn recognises_header_members_written_with_escapes() {
    // JSON escapes name the same member: `\u0063rit` is `crit`.
    let cases = [
        (
            r#"{"alg":"HS256","typ":"access","\u0063rit":[]}"#,
            Error::UnsupportedCritical,
        ),
        (
            r#"{"alg":"HS256","typ":"access","\u0062\u0036\u0034":false}"#,
            Error::UnsupportedHeader {
                name: "b64",
                reason: "unencoded payloads (RFC 7797) are not supported",
            },
        ),
        (
            r#"{"alg":"HS256","typ":"access","\u006bid":1}"#,
            Error::UnsupportedHeader {
                name: "kid",
                reason: "not a string",
            },
        ),
        (
            r#"{"\u0061lg":"none","typ":"access"}"#,
            Error::UnsecuredToken,
        ),
        (
            r#"{"alg":"\u006eone","typ":"access"}"#,
            Error::UnsecuredToken,
        ),
        (
            r#"{"alg":"HS256","\u0074yp":"refresh"}"#,
            Error::WrongType {
                expected: "access".into(),
                found: "refresh".into(),
            },
        ),
    ];
    for (header, expected) in cases {
        assert_header_refused(header, &expected);
    }
    let escaped = r#"{"\u0061lg":"HS\u0032\u00356","typ":"\u0061ccess"}"#;
    assert_eq!(decode(&with_header(escaped)).unwrap(), billing());
}

#[test]
fn rejects_a_duplicate_among_many_header_members() {
    let members: String = (0..40).map(|i| format!(r#","x{i}":{i}"#)).collect();
    let header = format!(r#"{{"alg":"HS256","typ":"access"{members}}}"#);
    assert_eq!(decode(&with_header(&header)).unwrap(), billing());
    let header = format!(r#"{{"alg":"HS256","typ":"access"{members},"x3":0}}"#);
    assert_header_refused(
        &header,
        &Error::DuplicateMember {
            part: jwt_claims::Part::Header,
            name: "x3".into(),
        },
    );
}

#[test]
fn cuts_a_long_type_in_the_error() {
    let long = "t".repeat(1000);
    let header = format!(r#"{{"alg":"HS256","typ":"{long}"}}"#);
    assert_header_refused(
        &header,
        &Error::WrongType {
            expected: "access".into(),
            found: format!("{}…", "t".repeat(64)),
        },
    );
}
