//! The registered claims (`exp`, `nbf`, `iat`, `aud`, `iss`, required
//! ones) checked in the documented order (`validation::check`), and the
//! claims type's own members.

use std::time::Duration;

use jwt_claims::{Audience, Claims, Decoded, Error, Policy, RegisteredClaim, Verifier};
use serde_json::{Value, json};

use crate::support::*;

/// Decodes a correctly signed HS256 `access` token carrying `payload`.
fn decode(payload: &Value) -> Result<Decoded<BillingAccess>, Error> {
    decode_with(&verifier(), payload)
}

fn decode_with(verifier: &Verifier, payload: &Value) -> Result<Decoded<BillingAccess>, Error> {
    verifier.decode::<BillingAccess>(&craft_json(&hs256_header("access"), payload))
}

fn decode_as<T: Claims>(payload: &Value) -> Result<Decoded<T>, Error> {
    verifier().decode::<T>(&craft_json(&hs256_header("access"), payload))
}

fn invalid(claim: RegisteredClaim, reason: &'static str) -> Error {
    Error::InvalidClaim { claim, reason }
}

const EXP: RegisteredClaim = RegisteredClaim::ExpirationTime;

#[test]
fn accepts_a_valid_token_and_reports_its_registered_claims() {
    let payload = with(
        with(billing_claims(), "jti", json!("id-1")),
        "nbf",
        json!(NOW - 5),
    );
    let decoded = decode(&payload).unwrap();
    assert_eq!(decoded.claims(), &billing());
    let registered = decoded.registered();
    assert_eq!(registered.issuer(), Some(ISSUER));
    assert_eq!(registered.subject(), Some("user-1"));
    assert_eq!(registered.audience(), &Audience::One("billing".into()));
    assert_eq!(registered.expires_at().timestamp(), NOW + 900);
    assert_eq!(
        registered.not_before().map(|t| t.timestamp()),
        Some(NOW - 5)
    );
    assert_eq!(registered.issued_at().map(|t| t.timestamp()), Some(NOW));
    assert_eq!(registered.jwt_id(), Some("id-1"));
}

// ----- exp -----

#[test]
fn rejects_a_token_without_exp() {
    assert_eq!(
        decode(&without(billing_claims(), "exp")).unwrap_err(),
        Error::MissingClaim { claim: EXP }
    );
}

#[test]
fn rejects_exp_of_the_wrong_json_type() {
    for exp in [
        json!("1700000900"),
        json!(true),
        json!([NOW + 900]),
        json!({"at": NOW + 900}),
    ] {
        assert_eq!(
            decode(&with(billing_claims(), "exp", exp.clone())).unwrap_err(),
            invalid(EXP, "expected a NumericDate (a JSON number)"),
            "{exp}"
        );
    }
    // null is refused as null, not as absent.
    assert_eq!(
        decode(&with(billing_claims(), "exp", Value::Null)).unwrap_err(),
        invalid(EXP, "null")
    );
}

#[test]
fn accepts_a_fractional_exp_truncated_to_whole_seconds() {
    let decoded = decode(&with(billing_claims(), "exp", json!(1_700_000_900.75))).unwrap();
    assert_eq!(decoded.registered().expires_at().timestamp(), 1_700_000_900);
    // Truncation can expire a token: NOW + 0.5 is NOW.
    assert_eq!(
        decode(&with(billing_claims(), "exp", json!(NOW as f64 + 0.5))).unwrap_err(),
        Error::Expired {
            expired_at: NOW,
            now: NOW
        }
    );
}

#[test]
fn rejects_a_negative_exp() {
    for exp in [json!(-1), json!(-0.5), json!(i64::MIN)] {
        assert_eq!(
            decode(&with(billing_claims(), "exp", exp.clone())).unwrap_err(),
            invalid(EXP, "negative"),
            "{exp}"
        );
    }
}

#[test]
fn rejects_an_exp_past_year_9999() {
    let cases = [
        json!(253_402_300_800_i64),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(1e300),
        json!(2.6e11),
    ];
    for exp in cases {
        assert_eq!(
            decode(&with(billing_claims(), "exp", exp.clone())).unwrap_err(),
            invalid(EXP, "out of range"),
            "{exp}"
        );
    }
    // The last second of 9999 is fine.
    let decoded = decode(&with(billing_claims(), "exp", json!(253_402_300_799_i64))).unwrap();
    assert_eq!(
        decoded.registered().expires_at().to_rfc3339(),
        "9999-12-31T23:59:59+00:00"
    );
}

#[test]
fn rejects_a_token_at_the_second_it_expires() {
    assert_eq!(
        decode(&with(billing_claims(), "exp", json!(NOW))).unwrap_err(),
        Error::Expired {
            expired_at: NOW,
            now: NOW
        }
    );
    assert_eq!(
        decode(&with(billing_claims(), "exp", json!(0))).unwrap_err(),
        Error::Expired {
            expired_at: 0,
            now: NOW
        }
    );
    assert_eq!(
        decode(&with(billing_claims(), "exp", json!(NOW + 1)))
            .unwrap()
            .claims(),
        &billing()
    );
}

// ----- nbf and iat -----

#[test]
fn rejects_a_token_not_valid_yet() {
    // Past the default clock skew of 60 s.
    assert_eq!(
        decode(&with(billing_claims(), "nbf", json!(NOW + 61))).unwrap_err(),
        Error::NotYetValid {
            not_before: NOW + 61,
            now: NOW
        }
    );
    assert_eq!(
        decode(&with(billing_claims(), "nbf", json!(NOW)))
            .unwrap()
            .claims(),
        &billing()
    );
    assert_eq!(
        decode(&with(billing_claims(), "nbf", json!("soon"))).unwrap_err(),
        invalid(
            RegisteredClaim::NotBefore,
            "expected a NumericDate (a JSON number)"
        )
    );
}

#[test]
fn rejects_a_token_issued_in_the_future() {
    // Past the default clock skew of 60 s.
    assert_eq!(
        decode(&with(billing_claims(), "iat", json!(NOW + 61))).unwrap_err(),
        Error::IssuedInFuture {
            issued_at: NOW + 61,
            now: NOW
        }
    );
    assert_eq!(
        decode(&with(billing_claims(), "iat", json!(NOW)))
            .unwrap()
            .claims(),
        &billing()
    );
    assert_eq!(
        decode(&with(billing_claims(), "iat", json!(-5))).unwrap_err(),
        invalid(RegisteredClaim::IssuedAt, "negative")
    );
}

fn fresh(iat: Option<i64>) -> Value {
    let payload = json!({"iss": ISSUER, "aud": "fresh", "exp": NOW + 60, "org_id": 1});
    match iat {
        Some(iat) => with(payload, "iat", json!(iat)),
        None => payload,
    }
}

#[test]
fn rejects_a_token_older_than_max_age() {
    assert_eq!(
        decode_as::<FreshAccess>(&fresh(Some(NOW - 301))).unwrap_err(),
        Error::TooOld {
            issued_at: NOW - 301,
            max_age: 300,
            now: NOW
        }
    );
    assert_eq!(
        decode_as::<FreshAccess>(&fresh(Some(NOW - 300)))
            .unwrap()
            .claims()
            .org_id,
        1
    );
}

#[test]
fn max_age_requires_iat() {
    assert_eq!(
        decode_as::<FreshAccess>(&fresh(None)).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::IssuedAt
        }
    );
}

// ----- clock skew and leeway -----

/// A verifier without the default clock skew on `nbf` and `iat`.
fn without_skew() -> Verifier {
    verifier_builder()
        .shared_key(key())
        .clock_skew(Duration::ZERO)
        .build()
        .unwrap()
}

#[test]
fn accepts_a_fresh_token_from_an_issuer_whose_clock_runs_up_to_60_seconds_ahead() {
    // The auth host's clock is 60 s ahead: iat and nbf are in our future.
    let ahead = with(
        with(billing_claims(), "iat", json!(NOW + 60)),
        "nbf",
        json!(NOW + 60),
    );
    assert_eq!(decode(&ahead).unwrap().claims(), &billing());
    assert_eq!(jwt_claims::DEFAULT_CLOCK_SKEW, Duration::from_secs(60));
    // Without the skew, the same token is refused.
    assert_eq!(
        decode_with(&without_skew(), &ahead).unwrap_err(),
        Error::NotYetValid {
            not_before: NOW + 60,
            now: NOW
        }
    );
}

#[test]
fn gives_exp_no_clock_skew_by_default() {
    assert_eq!(
        decode(&with(billing_claims(), "exp", json!(NOW))).unwrap_err(),
        Error::Expired {
            expired_at: NOW,
            now: NOW
        }
    );
}

#[test]
fn refuses_a_leeway_or_skew_over_five_minutes_unless_dangerously_asked() {
    let six_minutes = Duration::from_secs(360);
    assert_eq!(
        verifier_builder()
            .shared_key(key())
            .leeway(six_minutes)
            .build()
            .unwrap_err(),
        Error::Configuration(jwt_claims::ConfigError::LeewayTooLong)
    );
    // Duration::MAX used to disable exp without a word.
    assert_eq!(
        verifier_builder()
            .shared_key(key())
            .leeway(Duration::MAX)
            .build()
            .unwrap_err(),
        Error::Configuration(jwt_claims::ConfigError::LeewayTooLong)
    );
    assert_eq!(
        verifier_builder()
            .shared_key(key())
            .clock_skew(six_minutes)
            .build()
            .unwrap_err(),
        Error::Configuration(jwt_claims::ConfigError::ClockSkewTooLong)
    );
    let lenient =
        jwt_claims::dangerous::long_leeway(verifier_builder().shared_key(key()), six_minutes)
            .build()
            .unwrap();
    assert_eq!(
        decode_with(&lenient, &with(billing_claims(), "exp", json!(NOW - 359)))
            .unwrap()
            .claims(),
        &billing()
    );
}

fn lenient(member: &str, at: i64) -> Value {
    with(
        json!({"iss": ISSUER, "aud": "lenient", "exp": NOW + 60, "org_id": 1}),
        member,
        json!(at),
    )
}

#[test]
fn purpose_leeway_tolerates_skew_up_to_its_length_on_exp_nbf_and_iat() {
    // On nbf and iat, measured without the verifier's default clock skew
    // (which is longer than this purpose's 30 s).
    fn strict_as<T: Claims>(payload: &Value) -> Result<Decoded<T>, Error> {
        without_skew().decode::<T>(&craft_json(&hs256_header("access"), payload))
    }
    assert_eq!(
        decode_as::<LenientAccess>(&lenient("exp", NOW - 29))
            .unwrap()
            .claims()
            .org_id,
        1
    );
    assert_eq!(
        decode_as::<LenientAccess>(&lenient("exp", NOW - 30)).unwrap_err(),
        Error::Expired {
            expired_at: NOW - 30,
            now: NOW
        }
    );
    assert_eq!(
        strict_as::<LenientAccess>(&lenient("nbf", NOW + 30))
            .unwrap()
            .claims()
            .org_id,
        1
    );
    assert_eq!(
        strict_as::<LenientAccess>(&lenient("nbf", NOW + 31)).unwrap_err(),
        Error::NotYetValid {
            not_before: NOW + 31,
            now: NOW
        }
    );
    assert_eq!(
        strict_as::<LenientAccess>(&lenient("iat", NOW + 30))
            .unwrap()
            .claims()
            .org_id,
        1
    );
    assert_eq!(
        strict_as::<LenientAccess>(&lenient("iat", NOW + 31)).unwrap_err(),
        Error::IssuedInFuture {
            issued_at: NOW + 31,
            now: NOW
        }
    );
}

#[test]
fn verifier_leeway_applies_to_every_purpose_and_the_larger_leeway_wins() {
    let tolerant = verifier_builder()
        .shared_key(key())
        .leeway(Duration::from_secs(10))
        .build()
        .unwrap();
    assert_eq!(
        decode_with(&tolerant, &with(billing_claims(), "exp", json!(NOW - 9)))
            .unwrap()
            .claims(),
        &billing()
    );
    assert_eq!(
        decode_with(&tolerant, &with(billing_claims(), "exp", json!(NOW - 10))).unwrap_err(),
        Error::Expired {
            expired_at: NOW - 10,
            now: NOW
        }
    );
    // 60 s at the verifier beats LenientAccess's 30 s.
    let very = verifier_builder()
        .shared_key(key())
        .leeway(Duration::from_secs(60))
        .build()
        .unwrap();
    let token = craft_json(&hs256_header("access"), &lenient("exp", NOW - 59));
    assert_eq!(
        very.decode::<LenientAccess>(&token)
            .unwrap()
            .claims()
            .org_id,
        1
    );
    // And LenientAccess's 30 s beat the verifier's 10 s.
    let token = craft_json(&hs256_header("access"), &lenient("exp", NOW - 29));
    assert_eq!(
        tolerant
            .decode::<LenientAccess>(&token)
            .unwrap()
            .claims()
            .org_id,
        1
    );
}

// ----- aud -----

#[test]
fn rejects_a_token_without_aud() {
    assert_eq!(
        decode(&without(billing_claims(), "aud")).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::Audience
        }
    );
}

#[test]
fn rejects_a_token_for_another_audience_compared_exactly() {
    for aud in [
        "reports", "Billing", "BILLING", "billing ", " billing", "billing/", "bill", "",
    ] {
        assert_eq!(
            decode(&with(billing_claims(), "aud", json!(aud))).unwrap_err(),
            Error::WrongAudience {
                expected: vec!["billing".into()],
                found: vec![aud.into()]
            },
            "{aud:?}"
        );
    }
}

#[test]
fn accepts_an_audience_array_containing_the_purposes_audience() {
    let decoded = decode(&with(
        billing_claims(),
        "aud",
        json!(["reports", "billing"]),
    ))
    .unwrap();
    assert_eq!(
        decoded.registered().audience(),
        &Audience::Many(vec!["reports".into(), "billing".into()])
    );
    assert_eq!(
        decode(&with(
            billing_claims(),
            "aud",
            json!(["reports", "Billing"])
        ))
        .unwrap_err(),
        Error::WrongAudience {
            expected: vec!["billing".into()],
            found: vec!["reports".into(), "Billing".into()]
        }
    );
}

#[test]
fn lists_at_most_eight_audiences_each_cut_short_in_the_error() {
    let many: Vec<String> = (0..20)
        .map(|i| format!("aud-{i}-{}", "x".repeat(100)))
        .collect();
    let err = decode(&with(billing_claims(), "aud", json!(many))).unwrap_err();
    let expected: Vec<String> = many[..8]
        .iter()
        .map(|aud| format!("{}…", &aud[..64]))
        .collect();
    assert_eq!(
        err,
        Error::WrongAudience {
            expected: vec!["billing".into()],
            found: expected
        }
    );
}

#[test]
fn rejects_aud_of_the_wrong_json_type() {
    let aud = RegisteredClaim::Audience;
    let cases = [
        (json!(1), "expected a string or an array of strings"),
        (
            json!({"billing": true}),
            "expected a string or an array of strings",
        ),
        (
            json!(["billing", 1]),
            "expected a string or an array of strings",
        ),
        (
            json!([["billing"]]),
            "expected a string or an array of strings",
        ),
        (json!([]), "empty array"),
        (Value::Null, "null"),
    ];
    for (value, reason) in cases {
        assert_eq!(
            decode(&with(billing_claims(), "aud", value.clone())).unwrap_err(),
            invalid(aud, reason),
            "{value}"
        );
    }
}

// ----- iss -----

#[test]
fn rejects_a_token_without_iss_when_an_issuer_is_configured() {
    assert_eq!(
        decode(&without(billing_claims(), "iss")).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::Issuer
        }
    );
}

#[test]
fn rejects_a_token_from_another_issuer_compared_exactly() {
    for iss in [
        "https://evil.example.com",
        "https://AUTH.example.com",
        "https://auth.example.com/",
        "http://auth.example.com",
        "",
    ] {
        assert_eq!(
            decode(&with(billing_claims(), "iss", json!(iss))).unwrap_err(),
            Error::WrongIssuer {
                expected: ISSUER.into(),
                found: iss.into()
            },
            "{iss:?}"
        );
    }
    assert_eq!(
        decode(&with(billing_claims(), "iss", json!([ISSUER]))).unwrap_err(),
        invalid(RegisteredClaim::Issuer, "expected a string")
    );
}

#[test]
fn without_a_configured_issuer_any_or_no_iss_is_accepted() {
    let open = Verifier::builder()
        .clock(clock())
        .shared_key(key())
        .build()
        .unwrap();
    for payload in [
        billing_claims(),
        with(billing_claims(), "iss", json!("anyone")),
        without(billing_claims(), "iss"),
    ] {
        assert_eq!(decode_with(&open, &payload).unwrap().claims(), &billing());
    }
}

// ----- required claims -----

#[test]
fn rejects_a_token_missing_a_required_sub() {
    assert_eq!(
        decode(&without(billing_claims(), "sub")).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::Subject
        }
    );
}

#[test]
fn rejects_a_token_missing_a_required_jti() {
    let payload =
        json!({"iss": ISSUER, "sub": "u", "aud": "billing", "exp": NOW + 60, "session": "s"});
    let token = craft_json(&hs256_header("refresh"), &payload);
    assert_eq!(
        verifier().decode::<Refresh>(&token).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::JwtId
        }
    );
    let token = craft_json(
        &hs256_header("refresh"),
        &with(payload, "jti", json!("j-1")),
    );
    assert_eq!(
        verifier()
            .decode::<Refresh>(&token)
            .unwrap()
            .registered()
            .jwt_id(),
        Some("j-1")
    );
}

#[test]
fn pins_null_required_claims_as_invalid_not_missing() {
    // Pinned (see the report): `Error::MissingClaim`'s doc says "absent (or
    // null)", but a null registered claim is refused as `InvalidClaim`.
    assert_eq!(
        decode(&with(billing_claims(), "sub", Value::Null)).unwrap_err(),
        invalid(RegisteredClaim::Subject, "null")
    );
    assert_eq!(
        decode(&with(billing_claims(), "sub", json!(42))).unwrap_err(),
        invalid(RegisteredClaim::Subject, "expected a string")
    );
}

#[test]
fn case_variants_of_registered_claims_are_ordinary_claims() {
    // `EXP` is not `exp`, `Aud` is not `aud`: they count for nothing.
    let payload = with(without(billing_claims(), "exp"), "EXP", json!(NOW + 900));
    assert_eq!(
        decode(&payload).unwrap_err(),
        Error::MissingClaim { claim: EXP }
    );
    let payload = with(without(billing_claims(), "aud"), "Aud", json!("billing"));
    assert_eq!(
        decode(&payload).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::Audience
        }
    );
    // Next to the real ones they are the claims type's business.
    let payload = with(
        with(billing_claims(), "EXP", json!("whenever")),
        "Aud",
        json!(1),
    );
    assert_eq!(decode(&payload).unwrap().claims(), &billing());
    let policy = Policy::new("claims.case", "access", ["billing"]);
    let token = craft_json(&hs256_header("access"), &payload);
    let value = verifier()
        .decode_runtime::<Value>(&token, &runtime(&policy))
        .unwrap()
        .into_claims();
    assert_eq!(
        value,
        json!({"EXP": "whenever", "Aud": 1, "org_id": 7, "role": "admin"})
    );
}

// ----- the claims type -----

#[test]
fn rejects_claims_of_the_wrong_shape_for_the_purpose() {
    let cases = [
        (
            with(billing_claims(), "org_id", json!("seven")),
            "invalid type: string \"seven\", expected u64 at line 1 column 100",
        ),
        (
            with(billing_claims(), "org_id", json!(-1)),
            "invalid value: integer `-1`, expected u64 at line 1 column 95",
        ),
        (
            without(billing_claims(), "role"),
            "missing field `role` at line 1 column 110",
        ),
        (
            with(billing_claims(), "role", json!(["admin"])),
            "invalid type: sequence, expected a string at line 1 column 102",
        ),
    ];
    for (payload, reason) in cases {
        assert_eq!(
            decode(&payload).unwrap_err(),
            Error::InvalidClaims {
                reason: reason.into()
            },
            "{payload}"
        );
    }
}

#[test]
fn registered_claims_never_reach_the_claims_type() {
    let payload = json!({
        "iss": ISSUER, "sub": "u", "aud": "flex", "exp": NOW + 60, "nbf": NOW, "iat": NOW, "jti": "j",
        "org_id": 1, "plan": "pro"
    });
    let decoded = decode_as::<FlexibleAccess>(&payload).unwrap();
    assert_eq!(
        decoded.claims().extra,
        [("plan".to_owned(), json!("pro"))].into_iter().collect()
    );
}

#[test]
fn checks_claims_in_the_documented_order() {
    // exp, nbf, iat, max_age, aud, iss, required: each payload breaks
    // every later rule too.
    let all_wrong = json!({"iss": "evil", "aud": "reports", "exp": NOW, "nbf": NOW + 70, "iat": NOW + 70, "org_id": 1, "role": "r"});
    assert_eq!(
        decode(&all_wrong).unwrap_err(),
        Error::Expired {
            expired_at: NOW,
            now: NOW
        }
    );
    let payload = with(all_wrong, "exp", json!(NOW + 60));
    assert_eq!(
        decode(&payload).unwrap_err(),
        Error::NotYetValid {
            not_before: NOW + 70,
            now: NOW
        }
    );
    let payload = without(payload, "nbf");
    assert_eq!(
        decode(&payload).unwrap_err(),
        Error::IssuedInFuture {
            issued_at: NOW + 70,
            now: NOW
        }
    );
    let payload = without(payload, "iat");
    assert_eq!(
        decode(&payload).unwrap_err(),
        Error::WrongAudience {
            expected: vec!["billing".into()],
            found: vec!["reports".into()]
        }
    );
    let payload = with(payload, "aud", json!("billing"));
    assert_eq!(
        decode(&payload).unwrap_err(),
        Error::WrongIssuer {
            expected: ISSUER.into(),
            found: "evil".into()
        }
    );
    let payload = with(payload, "iss", json!(ISSUER));
    assert_eq!(
        decode(&payload).unwrap_err(),
        Error::MissingClaim {
            claim: RegisteredClaim::Subject
        }
    );
    assert_eq!(
        decode(&with(payload, "sub", json!("u")))
            .unwrap()
            .claims()
            .org_id,
        1
    );
}

#[test]
fn purpose_errors_outrank_the_claims_type_rejecting_the_shape() {
    // An expired token of an older schema reports the expiry.
    let payload = with(without(billing_claims(), "role"), "exp", json!(NOW - 1));
    assert_eq!(
        decode(&payload).unwrap_err(),
        Error::Expired {
            expired_at: NOW - 1,
            now: NOW
        }
    );
}

#[test]
fn recognises_registered_claims_written_with_escapes() {
    let payload = billing_claims()
        .to_string()
        .replace(r#""exp":1700000900"#, &format!(r#""\u0065xp":{}"#, NOW - 1));
    assert_eq!(
        decode_raw(&payload).unwrap_err(),
        Error::Expired {
            expired_at: NOW - 1,
            now: NOW
        }
    );
    let payload = billing_claims()
        .to_string()
        .replace(r#""aud":"billing""#, r#""\u0061ud":"r\u0065ports""#);
    assert_eq!(
        decode_raw(&payload).unwrap_err(),
        Error::WrongAudience {
            expected: vec!["billing".into()],
            found: vec!["reports".into()]
        }
    );
}

fn decode_raw(payload: &str) -> Result<Decoded<BillingAccess>, Error> {
    verifier().decode::<BillingAccess>(&craft(hs256_header("access"), payload))
}

#[test]
fn rejects_numbers_json_cannot_hold_and_dates_past_the_range() {
    let payload = billing_claims().to_string().replace("1700000900", "1e400");
    assert_eq!(
        decode_raw(&payload).unwrap_err(),
        Error::InvalidJson {
            part: jwt_claims::Part::Payload,
            reason: "number out of range at line 1 column 28".into()
        }
    );
    let payload = billing_claims()
        .to_string()
        .replace("1700000900", "123456789012345678901234567890");
    assert_eq!(
        decode_raw(&payload).unwrap_err(),
        invalid(EXP, "out of range")
    );
    // Exponent notation is a number like any other.
    let payload = billing_claims()
        .to_string()
        .replace("1700000900", "1.7000009e9");
    assert_eq!(
        decode_raw(&payload)
            .unwrap()
            .registered()
            .expires_at()
            .timestamp(),
        NOW + 900
    );
}

#[test]
fn rejects_a_duplicate_among_many_payload_members() {
    let mut payload = billing_claims();
    for i in 0..40 {
        payload = with(payload, &format!("c{i:02}"), json!(i));
    }
    assert_eq!(decode(&payload).unwrap().claims(), &billing());
    let text = payload.to_string().replace('}', r#","c07":7}"#);
    assert_eq!(
        decode_raw(&text).unwrap_err(),
        Error::DuplicateMember {
            part: jwt_claims::Part::Payload,
            name: "c07".into()
        }
    );
}

/// A claims type whose hand-written `Deserialize` swallows every error the
/// map reports and keeps what it read so far.
#[derive(Debug, PartialEq, serde::Serialize, Claims)]
#[jwt(aud = "billing", typ = "access", ttl = "15m")]
struct Lenient {
    org_id: u64,
}

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Swallow;
        impl<'de> serde::de::Visitor<'de> for Swallow {
            type Value = Lenient;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Lenient, A::Error> {
                let mut org_id = 0;
                while let Ok(Some(key)) = map.next_key::<String>() {
                    match map.next_value::<Value>() {
                        Ok(value) if key == "org_id" => org_id = value.as_u64().unwrap_or(0),
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
                Ok(Lenient { org_id })
            }
        }
        deserializer.deserialize_map(Swallow)
    }
}

#[test]
fn rejects_a_mistyped_registered_claim_a_lenient_claims_type_swallowed() {
    let payload = json!({"iss":ISSUER,"aud":"billing","exp":NOW + 60,"org_id":7,"nbf":"2099-01-01T00:00:00Z"});
    let token = craft_json(&hs256_header("access"), &payload);
    assert_eq!(
        verifier().decode::<Lenient>(&token).unwrap_err(),
        Error::InvalidClaim {
            claim: RegisteredClaim::NotBefore,
            reason: "expected a NumericDate (a JSON number)"
        }
    );
}

#[test]
fn rejects_a_duplicate_member_a_lenient_claims_type_swallowed() {
    let token = craft(
        hs256_header("access"),
        format!(
            r#"{{"iss":"{ISSUER}","aud":"billing","exp":{},"org_id":7,"org_id":8}}"#,
            NOW + 60
        ),
    );
    assert_eq!(
        verifier().decode::<Lenient>(&token).unwrap_err(),
        Error::DuplicateMember {
            part: jwt_claims::Part::Payload,
            name: "org_id".into()
        }
    );
}

/// A hand-written `Claims` impl whose policy names no type: the derive
/// would refuse it at compile time, the verifier refuses it at run time.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Untyped {}

impl Claims for Untyped {
    fn policy() -> &'static Policy {
        static POLICY: std::sync::LazyLock<Policy> =
            std::sync::LazyLock::new(|| Policy::new("claims.untyped", "", ["billing"]));
        &POLICY
    }
}

#[test]
fn refuses_a_hand_written_policy_with_an_empty_typ_when_the_verifier_learns_of_it() {
    let refused = Error::Configuration(jwt_claims::ConfigError::InvalidPolicy {
        policy: "claims.untyped".into(),
        problem: jwt_claims::PolicyProblem::EmptyType,
    });
    // Registered for keys: refused when the verifier is built.
    assert_eq!(
        verifier_builder()
            .key::<Untyped>(key())
            .build()
            .unwrap_err(),
        refused
    );
    // Met first at decode (shared keys): refused before the token is read;
    // `application/` would otherwise match the empty type.
    let token = craft_json(
        r#"{"alg":"HS256","typ":"application/"}"#,
        &json!({"iss":ISSUER,"aud":"billing","exp":NOW + 60}),
    );
    assert_eq!(verifier().decode::<Untyped>(&token).unwrap_err(), refused);
}
