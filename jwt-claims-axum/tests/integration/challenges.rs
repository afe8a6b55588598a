//! RFC 6750 answers, pinned byte for byte: one golden test per row of the
//! table in `jwt_claims_axum::challenge`, over a real socket.

use std::time::Duration;

use jwt_claims::{Signer, Verifier};
use jwt_claims_axum::{BearerAuth, ConfigError, Fault, Guard, RejectionBody, RequireBearer};

use crate::support::*;

const MISSING: &str = r#"www-authenticate: Bearer realm="billing""#;
const MALFORMED: &str = r#"www-authenticate: Bearer realm="billing", error="invalid_request", error_description="the bearer credentials are malformed""#;
const EXPIRED: &str = r#"www-authenticate: Bearer realm="billing", error="invalid_token", error_description="the token expired""#;
const INVALID: &str = r#"www-authenticate: Bearer realm="billing", error="invalid_token", error_description="the token is invalid""#;
const INSUFFICIENT: &str = r#"www-authenticate: Bearer realm="billing", error="insufficient_scope", error_description="the token does not grant this request", scope="billing:write""#;

/// The status line and the `www-authenticate` lines of a request to
/// `/invoices` with these extra header lines.
async fn golden(auth: BearerAuth, extra: &str) -> (String, Vec<String>, Vec<String>) {
    golden_at(app(auth), "/invoices", extra).await
}

/// The status line, the `www-authenticate` and the `retry-after` lines of
/// a request to `path` of `app`, over a socket, with these extra header
/// lines.
pub async fn golden_at(
    app: axum::Router,
    path: &str,
    extra: &str,
) -> (String, Vec<String>, Vec<String>) {
    let address = serve(app).await;
    let head = if extra.is_empty() {
        format!("GET {path} HTTP/1.1")
    } else {
        format!("GET {path} HTTP/1.1\r\n{extra}")
    };
    let raw = raw_http(address, &head).await;
    let lines = header_lines(&raw);
    let challenges = lines
        .iter()
        .filter(|line| line.starts_with("www-authenticate:"))
        .cloned()
        .collect();
    let retry = lines
        .iter()
        .filter(|line| line.starts_with("retry-after:"))
        .cloned()
        .collect();
    (status_line(&raw), challenges, retry)
}

#[tokio::test]
async fn no_credentials_is_401_with_a_challenge_without_error() {
    let (status, challenges, _) = golden(auth(), "").await;
    assert_eq!(status, "HTTP/1.1 401 Unauthorized");
    assert_eq!(challenges, [MISSING]);
}

#[tokio::test]
async fn malformed_credentials_are_400_invalid_request() {
    let (status, challenges, _) = golden(auth(), "Authorization: Bearer a b").await;
    assert_eq!(status, "HTTP/1.1 400 Bad Request");
    assert_eq!(challenges, [MALFORMED]);
}

#[tokio::test]
async fn two_authorization_headers_are_400_invalid_request() {
    let token = bearer(&access(1));
    let extra = format!("Authorization: Bearer {token}\r\nAuthorization: Bearer {token}");
    let (status, challenges, _) = golden(auth(), &extra).await;
    assert_eq!(status, "HTTP/1.1 400 Bad Request");
    assert_eq!(challenges, [MALFORMED]);
}

#[tokio::test]
async fn an_expired_token_is_401_invalid_token_saying_expired() {
    let expired = signer_at(NOW - 3600).encode(&access(1)).unwrap();
    let extra = format!("Authorization: Bearer {}", expired.as_str());
    let (status, challenges, _) = golden(auth(), &extra).await;
    assert_eq!(status, "HTTP/1.1 401 Unauthorized");
    assert_eq!(challenges, [EXPIRED]);
}

#[tokio::test]
async fn every_other_token_fault_is_401_invalid_token_with_one_description() {
    let other = Signer::builder()
        .issuer(ISSUER)
        .shared_key(other_key())
        .clock(clock())
        .build()
        .unwrap();
    let not_yet = signer_at(NOW + 3600);
    let cases = [
        ("garbage", "not-a-token".to_owned()),
        (
            "a bad signature",
            other.encode(&access(1)).unwrap().into_string(),
        ),
        ("a refresh token", bearer(&BillingRefresh { org_id: 1 })),
        (
            "another audience's token",
            bearer(&ReportsAccess { org_id: 1 }),
        ),
        (
            "a token not valid yet",
            not_yet.encode(&access(1)).unwrap().into_string(),
        ),
    ];
    for (what, token) in cases {
        let (status, challenges, _) =
            golden(auth(), &format!("Authorization: Bearer {token}")).await;
        assert_eq!(status, "HTTP/1.1 401 Unauthorized", "{what}");
        assert_eq!(challenges, [INVALID], "{what}");
    }
}

#[tokio::test]
async fn a_guard_refusing_a_valid_token_is_403_insufficient_scope_naming_the_scope() {
    let auth = auth();
    let guarded = app(auth.clone()).layer(
        RequireBearer::<BillingAccess>::new(auth)
            .guard(Guard::scope("billing:write", |claims: &BillingAccess| &claims.scope).unwrap()),
    );
    let address = serve(guarded).await;
    let token = bearer(&access(1));
    let raw = raw_http(
        address,
        &format!("GET /invoices HTTP/1.1\r\nAuthorization: Bearer {token}"),
    )
    .await;
    assert_eq!(status_line(&raw), "HTTP/1.1 403 Forbidden");
    let challenges: Vec<_> = header_lines(&raw)
        .into_iter()
        .filter(|line| line.starts_with("www-authenticate:"))
        .collect();
    assert_eq!(challenges, [INSUFFICIENT]);
}

#[tokio::test]
async fn a_guard_without_a_scope_is_403_without_a_scope_parameter() {
    let auth = auth();
    let guarded = app(auth.clone()).layer(
        RequireBearer::<BillingAccess>::new(auth)
            .guard(Guard::role("admin", |claims: &BillingAccess| &claims.roles)),
    );
    let answer = call(
        &guarded,
        request(
            "/invoices",
            &[("authorization", &format!("Bearer {}", bearer(&access(1))))],
        ),
    )
    .await;
    assert_eq!(answer.status, 403);
    assert_eq!(
        answer.one("www-authenticate"),
        r#"Bearer realm="billing", error="insufficient_scope", error_description="the token does not grant this request""#
    );
}

#[tokio::test]
async fn a_purpose_without_keys_is_500_and_never_401() {
    let verifier = Verifier::builder()
        .issuer(ISSUER)
        .key::<ReportsAccess>(key())
        .clock(clock())
        .build()
        .unwrap();
    let auth = BearerAuth::builder(verifier)
        .realm("billing")
        .build()
        .unwrap();
    let extra = format!("Authorization: Bearer {}", bearer(&access(1)));
    let (status, challenges, _) = golden(auth, &extra).await;
    assert_eq!(status, "HTTP/1.1 500 Internal Server Error");
    assert_eq!(challenges, Vec::<String>::new());
}

#[tokio::test]
async fn a_body_hook_restyles_the_body_but_not_the_status_or_the_challenge() {
    let auth = auth_builder()
        .body(|challenge| {
            RejectionBody::new(
                "application/problem+json",
                format!(
                    r#"{{"status":{},"error":"{}"}}"#,
                    challenge.status().as_u16(),
                    challenge.error_code().unwrap_or("none")
                ),
            )
        })
        .build()
        .unwrap();
    let answer = call(
        &app(auth),
        request("/invoices", &[("authorization", "Bearer x.y.z")]),
    )
    .await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.one("www-authenticate"),
        INVALID.trim_start_matches("www-authenticate: ")
    );
    assert_eq!(answer.one("content-type"), "application/problem+json");
    assert_eq!(answer.text(), r#"{"status":401,"error":"invalid_token"}"#);
}

#[tokio::test]
async fn the_default_body_is_the_fixed_description_as_plain_text() {
    let answer = call(
        &app(auth()),
        request("/invoices", &[("authorization", "Bearer x.y.z")]),
    )
    .await;
    assert_eq!(answer.one("content-type"), "text/plain; charset=utf-8");
    assert_eq!(answer.text(), "the token is invalid");
}

#[test]
fn realm_and_descriptions_are_checked_against_rfc_6750_when_built() {
    assert_eq!(
        auth_builder().realm("bill\"ing").build().unwrap_err(),
        ConfigError::InvalidParameter {
            parameter: "realm",
            value: "bill\"ing".into()
        }
    );
    assert_eq!(
        auth_builder().realm("").build().unwrap_err(),
        ConfigError::InvalidParameter {
            parameter: "realm",
            value: String::new()
        }
    );
    assert_eq!(
        auth_builder()
            .expired_description("expired\r\nSet-Cookie: x=y")
            .build()
            .unwrap_err(),
        ConfigError::InvalidParameter {
            parameter: "error_description",
            value: "expired\r\nSet-Cookie: x=y".into()
        }
    );
    assert_eq!(
        auth_builder()
            .invalid_description("naïve")
            .build()
            .unwrap_err(),
        ConfigError::InvalidParameter {
            parameter: "error_description",
            value: "naïve".into()
        }
    );
    assert_eq!(
        auth_builder()
            .retry_after(Duration::ZERO)
            .build()
            .unwrap_err(),
        ConfigError::ZeroDuration {
            setting: "Retry-After"
        }
    );
    assert_eq!(
        Guard::<BillingAccess>::scope("billing write\\", |claims| &claims.scope).unwrap_err(),
        ConfigError::InvalidScope {
            value: "billing write\\".into()
        }
    );
}

#[tokio::test]
async fn configured_descriptions_reach_the_challenge() {
    let auth = auth_builder()
        .realm("payments")
        .expired_description("token expired, refresh it")
        .build()
        .unwrap();
    let expired = signer_at(NOW - 3600).encode(&access(1)).unwrap();
    let rejection = auth
        .verify::<BillingAccess>(
            request(
                "/",
                &[("authorization", &format!("Bearer {}", expired.as_str()))],
            )
            .headers(),
        )
        .await
        .unwrap_err();
    assert_eq!(rejection.fault(), Fault::Expired);
    assert_eq!(
        rejection.challenge().unwrap(),
        r#"Bearer realm="payments", error="invalid_token", error_description="token expired, refresh it""#
    );
}
