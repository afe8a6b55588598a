//! A token minted for one purpose is never accepted for another: by `typ`,
//! by `aud`, by issuer, and by the keys each purpose is given.

use jwt_claims::{Claims, Error, Signer, Verifier, jws};

use crate::support::*;

type Decode = fn(&Verifier, &str) -> Result<(), Error>;

fn decode_as<T: Claims>(verifier: &Verifier, token: &str) -> Result<(), Error> {
    verifier.decode::<T>(token).map(drop)
}

/// One purpose of the matrix: its `typ`, its audience, a token minted for
/// it, and how to decode a token as it.
struct Purpose {
    name: &'static str,
    typ: &'static str,
    aud: &'static str,
    token: String,
    decode: Decode,
}

fn purposes() -> Vec<Purpose> {
    let signer = signer();
    vec![
        Purpose {
            name: "BillingAccess",
            typ: "access",
            aud: "billing",
            token: billing_token(),
            decode: decode_as::<BillingAccess>,
        },
        Purpose {
            name: "Refresh",
            typ: "refresh",
            aud: "billing",
            token: signer
                .issue(&Refresh {
                    session: "s-1".into(),
                })
                .subject("user-1")
                .encode()
                .unwrap()
                .into_string(),
            decode: decode_as::<Refresh>,
        },
        Purpose {
            name: "ReportsAccess",
            typ: "access",
            aud: "reports",
            token: signer
                .encode(&ReportsAccess { org_id: 7 })
                .unwrap()
                .into_string(),
            decode: decode_as::<ReportsAccess>,
        },
        Purpose {
            name: "DelegationGrant",
            typ: "delegation",
            aud: "billing",
            token: signer
                .encode(&DelegationGrant {
                    on_behalf_of: "user-2".into(),
                    inner: None,
                })
                .unwrap()
                .into_string(),
            decode: decode_as::<DelegationGrant>,
        },
    ]
}

#[test]
fn every_purpose_accepts_its_own_tokens_and_rejects_every_other_purposes_with_a_shared_key() {
    let verifier = verifier();
    let purposes = purposes();
    let mut rejected = 0;
    for minted in &purposes {
        for endpoint in &purposes {
            let result = (endpoint.decode)(&verifier, &minted.token);
            let expected = if minted.name == endpoint.name {
                Ok(())
            } else if minted.typ != endpoint.typ {
                Err(Error::WrongType {
                    expected: endpoint.typ.into(),
                    found: minted.typ.into(),
                })
            } else {
                Err(Error::WrongAudience {
                    expected: vec![endpoint.aud.into()],
                    found: vec![minted.aud.into()],
                })
            };
            rejected += usize::from(expected.is_err());
            assert_eq!(
                result, expected,
                "{} token at the {} endpoint",
                minted.name, endpoint.name
            );
        }
    }
    assert_eq!(rejected, purposes.len() * (purposes.len() - 1));
}

#[test]
fn rejects_refresh_token_at_access_endpoint() {
    let refresh = signer()
        .issue(&Refresh {
            session: "s-1".into(),
        })
        .subject("user-1")
        .encode()
        .unwrap();
    let err = verifier()
        .decode::<BillingAccess>(refresh.as_str())
        .unwrap_err();
    assert_eq!(
        err,
        Error::WrongType {
            expected: "access".into(),
            found: "refresh".into()
        }
    );
}

#[test]
fn rejects_access_token_at_refresh_endpoint() {
    let err = verifier().decode::<Refresh>(&billing_token()).unwrap_err();
    assert_eq!(
        err,
        Error::WrongType {
            expected: "refresh".into(),
            found: "access".into()
        }
    );
}

#[test]
fn rejects_reports_token_at_billing_although_both_are_access_tokens_of_different_shapes() {
    // ReportsAccess has no `role`: the purpose error is reported, not the
    // shape mismatch it causes.
    let reports = signer()
        .issue(&ReportsAccess { org_id: 7 })
        .subject("user-1")
        .encode()
        .unwrap();
    let err = verifier()
        .decode::<BillingAccess>(reports.as_str())
        .unwrap_err();
    assert_eq!(
        err,
        Error::WrongAudience {
            expected: vec!["billing".into()],
            found: vec!["reports".into()]
        }
    );
}

#[test]
fn rejects_billing_token_at_reports_endpoint() {
    let err = verifier()
        .decode::<ReportsAccess>(&billing_token())
        .unwrap_err();
    assert_eq!(
        err,
        Error::WrongAudience {
            expected: vec!["reports".into()],
            found: vec!["billing".into()]
        }
    );
}

#[test]
fn accepts_type_header_in_any_case_and_with_the_application_prefix() {
    let payload = billing_claims().to_string();
    for typ in [
        "access",
        "ACCESS",
        "Access",
        "application/access",
        "APPLICATION/ACCESS",
        "Application/access",
    ] {
        let token = jws::sign(&key().into(), Some(typ), payload.as_bytes()).unwrap();
        let decoded = verifier()
            .decode::<BillingAccess>(&token)
            .unwrap_or_else(|e| panic!("{typ}: {e}"));
        assert_eq!(decoded.claims(), &billing(), "{typ}");
    }
}

#[test]
fn rejects_type_header_naming_another_media_type() {
    let payload = billing_claims().to_string();
    for typ in [
        "text/access",
        "application/access/x",
        "accesss",
        "access+jwt",
        "application/",
        "",
        "JWT",
        "at+jwt",
    ] {
        let token = jws::sign(&key().into(), Some(typ), payload.as_bytes()).unwrap();
        let err = verifier().decode::<BillingAccess>(&token).unwrap_err();
        assert_eq!(
            err,
            Error::WrongType {
                expected: "access".into(),
                found: typ.into()
            },
            "{typ:?}"
        );
    }
}

#[test]
fn type_bound_issuer_wins_over_the_verifiers_issuer() {
    let partner = Signer::builder()
        .issuer("https://partner.example.com")
        .clock(clock())
        .shared_key(key())
        .build()
        .unwrap();
    let token = partner.encode(&PartnerAccess { partner_id: 3 }).unwrap();
    let decoded = verifier().decode::<PartnerAccess>(token.as_str()).unwrap();
    assert_eq!(
        decoded.registered().issuer(),
        Some("https://partner.example.com")
    );
    assert_eq!(decoded.claims().partner_id, 3);
}

#[test]
fn rejects_token_from_the_verifiers_issuer_for_a_purpose_bound_to_another_issuer() {
    let payload = json_partner("https://auth.example.com");
    let err = verifier()
        .decode::<PartnerAccess>(&craft_json(&hs256_header("access"), &payload))
        .unwrap_err();
    assert_eq!(
        err,
        Error::WrongIssuer {
            expected: "https://partner.example.com".into(),
            found: "https://auth.example.com".into()
        }
    );
}

fn json_partner(iss: &str) -> serde_json::Value {
    serde_json::json!({"iss": iss, "aud": "partner", "exp": NOW + 60, "partner_id": 3})
}

/// A verifier and signer with one key per purpose.
fn per_purpose() -> (Signer, Verifier) {
    let signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .key::<BillingAccess>(key())
        .key::<Refresh>(other_key())
        .build()
        .unwrap();
    let verifier = verifier_builder()
        .key::<BillingAccess>(key())
        .key::<Refresh>(other_key())
        .build()
        .unwrap();
    (signer, verifier)
}

#[test]
fn per_purpose_keys_verify_their_own_purposes() {
    let (signer, verifier) = per_purpose();
    let access = signer.issue(&billing()).subject("u").encode().unwrap();
    let refresh = signer
        .issue(&Refresh {
            session: "s".into(),
        })
        .subject("u")
        .encode()
        .unwrap();
    assert_eq!(
        verifier
            .decode::<BillingAccess>(access.as_str())
            .unwrap()
            .claims(),
        &billing()
    );
    assert_eq!(
        verifier
            .decode::<Refresh>(refresh.as_str())
            .unwrap()
            .claims()
            .session,
        "s"
    );
}

#[test]
fn rejects_token_for_one_purpose_signed_with_another_purposes_key() {
    let (_, verifier) = per_purpose();
    // Whoever holds the refresh key mints an access token with it.
    let forger = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(other_key())
        .build()
        .unwrap();
    let forged = forger.issue(&billing()).subject("user-1").encode().unwrap();
    let err = verifier
        .decode::<BillingAccess>(forged.as_str())
        .unwrap_err();
    assert_eq!(err, Error::InvalidSignature);
}

#[test]
fn rejects_token_whose_kid_names_another_purposes_key() {
    let verifier = verifier_builder()
        .key::<BillingAccess>(key().with_kid("billing-1"))
        .key::<Refresh>(other_key().with_kid("refresh-1"))
        .build()
        .unwrap();
    let signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(other_key().with_kid("refresh-1"))
        .build()
        .unwrap();
    let forged = signer.issue(&billing()).subject("user-1").encode().unwrap();
    let err = verifier
        .decode::<BillingAccess>(forged.as_str())
        .unwrap_err();
    assert_eq!(
        err,
        Error::UnknownKey {
            kid: "refresh-1".into()
        }
    );

    // A genuine refresh token at the access endpoint is refused for its
    // type, which is checked before any key is chosen (jws::verify's
    // order: the header's rules, then the keys).
    let refresh = signer
        .issue(&Refresh {
            session: "s".into(),
        })
        .subject("user-1")
        .encode()
        .unwrap();
    let err = verifier
        .decode::<BillingAccess>(refresh.as_str())
        .unwrap_err();
    assert_eq!(
        err,
        Error::WrongType {
            expected: "access".into(),
            found: "refresh".into()
        }
    );
}

#[test]
fn rejects_refresh_token_at_access_endpoint_by_type_before_its_foreign_signature() {
    let (signer, verifier) = per_purpose();
    let refresh = signer
        .issue(&Refresh {
            session: "s".into(),
        })
        .subject("u")
        .encode()
        .unwrap();
    let err = verifier
        .decode::<BillingAccess>(refresh.as_str())
        .unwrap_err();
    assert_eq!(
        err,
        Error::WrongType {
            expected: "access".into(),
            found: "refresh".into()
        }
    );
}

#[test]
fn rejects_purpose_without_a_key_even_when_other_purposes_have_keys() {
    let verifier = verifier_builder().key::<Refresh>(key()).build().unwrap();
    let err = verifier
        .decode::<BillingAccess>(&billing_token())
        .unwrap_err();
    assert_eq!(
        err,
        Error::NoKeyForPurpose {
            purpose: BillingAccess::policy().name().into()
        }
    );
    assert_eq!(
        BillingAccess::policy().name(),
        "integration::support::BillingAccess"
    );
}

#[test]
fn shared_key_does_not_serve_purposes_with_keys_of_their_own() {
    let verifier = verifier_builder()
        .key::<BillingAccess>(other_key())
        .shared_key(key())
        .build()
        .unwrap();
    let err = verifier
        .decode::<BillingAccess>(&billing_token())
        .unwrap_err();
    assert_eq!(err, Error::InvalidSignature);
    // Purposes without keys of their own still use the shared key.
    let reports = signer().encode(&ReportsAccess { org_id: 1 }).unwrap();
    assert_eq!(
        verifier
            .decode::<ReportsAccess>(reports.as_str())
            .unwrap()
            .claims()
            .org_id,
        1
    );
}

#[test]
fn rejects_token_for_a_multi_audience_purpose_addressed_elsewhere() {
    let payload = serde_json::json!({
        "iss": ISSUER, "aud": ["admin", "audit"], "exp": NOW + 60, "jti": "j", "widgets": []
    });
    let err = verifier()
        .decode::<Dashboard>(&craft_json(&hs256_header("dashboard"), &payload))
        .unwrap_err();
    assert_eq!(
        err,
        Error::WrongAudience {
            expected: vec!["billing".into(), "reports".into()],
            found: vec!["admin".into(), "audit".into()]
        }
    );
}

#[test]
fn multi_audience_purpose_accepts_any_of_its_audiences() {
    let token = signer()
        .encode(&Dashboard {
            widgets: vec!["mrr".into()],
        })
        .unwrap();
    let decoded = verifier().decode::<Dashboard>(token.as_str()).unwrap();
    assert_eq!(
        decoded.registered().audience(),
        &jwt_claims::Audience::Many(vec!["billing".into(), "reports".into()])
    );
    for aud in ["billing", "reports"] {
        let payload = serde_json::json!({
            "iss": ISSUER, "aud": aud, "exp": NOW + 60, "jti": "j", "widgets": []
        });
        let decoded =
            verifier().decode::<Dashboard>(&craft_json(&hs256_header("dashboard"), &payload));
        assert_eq!(
            decoded.unwrap().claims().widgets,
            Vec::<String>::new(),
            "{aud}"
        );
    }
}

// ----- a purpose's identity and its keys -----

type Register = fn(jwt_claims::VerifierBuilder) -> jwt_claims::VerifierBuilder;
type Sign = fn(&Signer) -> String;

/// What a test can do with a purpose it cannot name: the type is declared
/// inside a block.
struct Hidden {
    name: &'static str,
    register: Register,
    sign: Sign,
    decode: Decode,
}

#[test]
fn two_types_of_one_name_in_one_module_are_two_purposes_with_their_own_keys() {
    let user = {
        #[derive(serde::Serialize, serde::Deserialize, Claims)]
        #[jwt(typ = "user", aud = "billing", ttl = "15m")]
        struct Access {
            org_id: u64,
        }
        Hidden {
            name: Access::policy().name(),
            register: |builder| builder.key::<Access>(key()),
            sign: |signer| signer.encode(&Access { org_id: 1 }).unwrap().into_string(),
            decode: decode_as::<Access>,
        }
    };
    let admin = {
        #[derive(serde::Serialize, serde::Deserialize, Claims)]
        #[jwt(typ = "admin", aud = "billing", ttl = "15m")]
        struct Access {
            org_id: u64,
        }
        Hidden {
            name: Access::policy().name(),
            register: |builder| builder.key::<Access>(other_key()),
            sign: |signer| signer.encode(&Access { org_id: 1 }).unwrap().into_string(),
            decode: decode_as::<Access>,
        }
    };
    // The same module path and type name: what the identity used to be.
    assert_eq!(user.name, admin.name);

    let verifier = (admin.register)((user.register)(verifier_builder()))
        .build()
        .unwrap();
    let with = |secret_key| {
        Signer::builder()
            .issuer(ISSUER)
            .clock(clock())
            .shared_key(secret_key)
            .build()
            .unwrap()
    };
    // An admin token signed with the user purpose's key is a forgery.
    let forged = (admin.sign)(&with(key()));
    assert_eq!(
        (admin.decode)(&verifier, &forged),
        Err(Error::InvalidSignature)
    );
    assert_eq!(
        (admin.decode)(&verifier, &(admin.sign)(&with(other_key()))),
        Ok(())
    );
    assert_eq!((user.decode)(&verifier, &(user.sign)(&with(key()))), Ok(()));
}

#[test]
fn a_signer_keeps_one_key_per_purpose_for_types_of_one_name() {
    fn signers() -> (Signer, Sign, Decode, Sign, Decode) {
        #[derive(serde::Serialize, serde::Deserialize, Claims)]
        #[jwt(typ = "user", aud = "billing", ttl = "15m")]
        struct Access {}
        mod admin {
            #[derive(serde::Serialize, serde::Deserialize, jwt_claims::Claims)]
            #[jwt(typ = "admin", aud = "billing", ttl = "15m")]
            pub(super) struct Access {}
        }
        let signer = Signer::builder()
            .issuer(ISSUER)
            .clock(clock())
            .key::<Access>(key())
            .key::<admin::Access>(other_key())
            .build()
            .unwrap();
        (
            signer,
            |s| s.encode(&Access {}).unwrap().into_string(),
            decode_as::<Access>,
            |s| s.encode(&admin::Access {}).unwrap().into_string(),
            decode_as::<admin::Access>,
        )
    }
    let (signer, sign_user, decode_user, sign_admin, decode_admin) = signers();
    // The second key did not overwrite the first.
    let only_user_key = verifier_builder().shared_key(key()).build().unwrap();
    assert_eq!(decode_user(&only_user_key, &sign_user(&signer)), Ok(()));
    assert_eq!(
        decode_admin(&only_user_key, &sign_admin(&signer)),
        Err(Error::InvalidSignature)
    );
}

#[test]
fn refuses_an_empty_key_set_for_a_purpose_instead_of_using_the_shared_keys() {
    let empty = verifier_builder()
        .shared_key(key())
        .key_set::<PartnerAccess>(Vec::new())
        .build()
        .unwrap_err();
    let refused = Error::Configuration(jwt_claims::ConfigError::EmptyKeySet {
        purpose: PartnerAccess::policy().name().into(),
    });
    assert_eq!(empty, refused);
    // A published set whose only keys this build cannot use (ES512, an
    // encryption key) imports as an empty set: the same refusal.
    let published = jwt_claims::JwkSet::from_json(
        r#"{"keys":[{"kty":"EC","crv":"P-521","alg":"ES512","x":"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt","y":"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1"},{"kty":"oct","use":"enc","k":"GawgguFyGrWKav7AX4VKUg"}]}"#,
    )
    .unwrap();
    assert_eq!(published.keys().len(), 0);
    assert_eq!(
        verifier_builder()
            .shared_key(key())
            .key_set::<PartnerAccess>(published)
            .build()
            .unwrap_err(),
        refused
    );
}
