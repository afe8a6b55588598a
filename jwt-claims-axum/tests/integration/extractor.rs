//! The extractor: `Bearer<T>`, `Option<Bearer<T>>` and
//! `Result<Bearer<T>, Rejection>`, the purpose taken from the type.

use axum::Router;
use axum::routing::get;
use jwt_claims_axum::{Bearer, Cause, Fault, Rejection};

use crate::support::*;

fn option_app() -> Router {
    Router::new()
        .route(
            "/",
            get(|token: Option<Bearer<BillingAccess>>| async move {
                match token {
                    Some(token) => format!("org {}", token.claims().org_id),
                    None => "anonymous".to_owned(),
                }
            }),
        )
        .with_state(AppState { auth: auth() })
}

fn result_app() -> Router {
    Router::new()
        .route(
            "/",
            get(
                |token: Result<Bearer<BillingAccess>, Rejection>| async move {
                    match token {
                        Ok(token) => format!("org {}", token.claims().org_id),
                        Err(rejection) => format!("{:?} {}", rejection.fault(), rejection.status()),
                    }
                },
            ),
        )
        .with_state(AppState { auth: auth() })
}

fn authorization(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test]
async fn a_handler_gets_the_claims_of_its_purpose() {
    let token = bearer(&access(42));
    let answer = call(
        &app(auth()),
        request("/invoices", &[("authorization", &authorization(&token))]),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), "org 42");
}

#[tokio::test]
async fn the_purpose_comes_from_the_type_parameter() {
    let reports = bearer(&ReportsAccess { org_id: 42 });
    let auth = auth();
    let rejection = auth
        .verify::<BillingAccess>(
            request("/", &[("authorization", &authorization(&reports))]).headers(),
        )
        .await
        .unwrap_err();
    assert_eq!(rejection.fault(), Fault::Invalid);
    assert_eq!(
        rejection.cause(),
        &Cause::Token(jwt_claims::Error::WrongAudience {
            expected: vec!["billing".into()],
            found: vec!["reports".into()],
        })
    );
    let decoded = auth
        .verify::<ReportsAccess>(
            request("/", &[("authorization", &authorization(&reports))]).headers(),
        )
        .await
        .unwrap();
    assert_eq!(decoded.claims().org_id, 42);
}

#[tokio::test]
async fn option_is_none_only_without_credentials() {
    let app = option_app();
    assert_eq!(call(&app, request("/", &[])).await.text(), "anonymous");
    // Another scheme is no bearer credential either.
    assert_eq!(
        call(
            &app,
            request("/", &[("authorization", "Basic dXNlcjpwYXNz")])
        )
        .await
        .text(),
        "anonymous"
    );
    let token = bearer(&access(7));
    assert_eq!(
        call(
            &app,
            request("/", &[("authorization", &authorization(&token))])
        )
        .await
        .text(),
        "org 7"
    );
}

#[tokio::test]
async fn option_still_refuses_present_but_bad_credentials() {
    let app = option_app();
    let malformed = call(&app, request("/", &[("authorization", "Bearer a b")])).await;
    assert_eq!(malformed.status, 400);
    let invalid = call(&app, request("/", &[("authorization", "Bearer x.y.z")])).await;
    assert_eq!(invalid.status, 401);
    assert_eq!(
        invalid.one("www-authenticate"),
        r#"Bearer realm="billing", error="invalid_token", error_description="the token is invalid""#
    );
    let expired = signer_at(NOW - 3600).encode(&access(1)).unwrap();
    let expired = call(
        &app,
        request("/", &[("authorization", &authorization(expired.as_str()))]),
    )
    .await;
    assert_eq!(expired.status, 401);
    let refresh = bearer(&BillingRefresh { org_id: 1 });
    assert_eq!(
        call(
            &app,
            request("/", &[("authorization", &authorization(&refresh))])
        )
        .await
        .status,
        401
    );
}

#[tokio::test]
async fn result_hands_the_rejection_to_the_handler() {
    let app = result_app();
    assert_eq!(
        call(&app, request("/", &[])).await.text(),
        "Missing 401 Unauthorized"
    );
    assert_eq!(
        call(&app, request("/", &[("authorization", "Bearer a b")]))
            .await
            .text(),
        "Malformed 400 Bad Request"
    );
    assert_eq!(
        call(&app, request("/", &[("authorization", "Bearer x.y.z")]))
            .await
            .text(),
        "Invalid 401 Unauthorized"
    );
    let token = bearer(&access(3));
    assert_eq!(
        call(
            &app,
            request("/", &[("authorization", &authorization(&token))])
        )
        .await
        .text(),
        "org 3"
    );
}

#[tokio::test]
async fn works_on_a_current_thread_runtime_over_a_socket() {
    // #[tokio::test] is a current-thread runtime: the server, the
    // extractor and the client share one thread.
    let address = serve(app(auth())).await;
    let token = bearer(&access(5));
    let raw = raw_http(
        address,
        &format!("GET /invoices HTTP/1.1\r\nAuthorization: Bearer {token}"),
    )
    .await;
    assert_eq!(status_line(&raw), "HTTP/1.1 200 OK");
    assert!(String::from_utf8_lossy(&raw).ends_with("\r\n\r\norg 5"));
}
