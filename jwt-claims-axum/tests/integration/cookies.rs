//! Cookies: the attributes a login sets, and CSRF protection for unsafe
//! methods with tower-http's `CsrfLayer` in front of a cookie source.

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::header::SET_COOKIE;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use jwt_claims::Signer;
use jwt_claims_axum::{Bearer, BearerAuth, SessionCookie};
use tower_http::csrf::CsrfLayer;

use crate::support::*;

#[derive(Clone, FromRef)]
struct CookieState {
    auth: BearerAuth,
    signer: Signer,
    cookie: SessionCookie,
}

async fn login(State(state): State<CookieState>) -> impl IntoResponse {
    let token = state.signer.encode(&access(8)).unwrap();
    [(SET_COOKIE, state.cookie.set(&token))]
}

async fn logout(State(state): State<CookieState>) -> impl IntoResponse {
    [(SET_COOKIE, state.cookie.clear())]
}

fn cookie_app() -> Router {
    let cookie = SessionCookie::new("__Host-session").unwrap();
    let auth = auth_builder().source(cookie.source()).build().unwrap();
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/pay", post(|token: Bearer<BillingAccess>| async move { format!("paid {}", token.claims().org_id) }))
        .route("/balance", get(|token: Bearer<BillingAccess>| async move { format!("org {}", token.claims().org_id) }))
        .layer(CsrfLayer::new().add_trusted_origin("https://app.example.com").unwrap())
        .with_state(CookieState { auth, signer: signer(), cookie })
}

fn post_request(path: &str, headers: &[(&str, &str)]) -> http::Request<axum::body::Body> {
    let mut builder = http::Request::post(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(axum::body::Body::empty()).unwrap()
}

#[tokio::test]
async fn login_sets_httponly_secure_samesite_strict_host_prefixed_cookie() {
    let app = cookie_app();
    let answer = call(
        &app,
        post_request("/login", &[("sec-fetch-site", "same-origin")]),
    )
    .await;
    assert_eq!(answer.status, 200);
    let set_cookie = answer.one("set-cookie");
    let token = bearer(&access(8));
    assert_eq!(
        set_cookie,
        format!("__Host-session={token}; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Strict")
    );
    let logout = call(
        &app,
        post_request("/logout", &[("sec-fetch-site", "same-origin")]),
    )
    .await;
    assert_eq!(
        logout.one("set-cookie"),
        "__Host-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
    );
}

#[tokio::test]
async fn a_cross_site_post_carrying_the_cookie_is_refused_before_the_extractor() {
    let app = cookie_app();
    let cookie = format!("__Host-session={}", bearer(&access(8)));
    let forged = post_request(
        "/pay",
        &[
            ("cookie", &cookie),
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
            ("host", "app.example.com"),
        ],
    );
    assert_eq!(call(&app, forged).await.status, 403);
    let forged_old_browser = post_request(
        "/pay",
        &[
            ("cookie", &cookie),
            ("origin", "https://evil.example"),
            ("host", "app.example.com"),
        ],
    );
    assert_eq!(call(&app, forged_old_browser).await.status, 403);
}

#[tokio::test]
async fn same_origin_posts_and_cross_site_gets_pass_to_the_extractor() {
    let app = cookie_app();
    let cookie = format!("__Host-session={}", bearer(&access(8)));
    let same_origin = post_request(
        "/pay",
        &[("cookie", &cookie), ("sec-fetch-site", "same-origin")],
    );
    assert_eq!(call(&app, same_origin).await.text(), "paid 8");
    let trusted = post_request(
        "/pay",
        &[
            ("cookie", &cookie),
            ("origin", "https://app.example.com"),
            ("host", "internal:8080"),
        ],
    );
    assert_eq!(call(&app, trusted).await.text(), "paid 8");
    let cross_site_get = request(
        "/balance",
        &[("cookie", &cookie), ("sec-fetch-site", "cross-site")],
    );
    assert_eq!(call(&app, cross_site_get).await.text(), "org 8");
}
