//! Token sources: the `Authorization` header parsed strictly, a cookie,
//! both in either order; the first place with credentials decides, and a
//! query parameter is never read.

use jwt_claims_axum::{BearerAuth, TokenSource};

use crate::support::*;

fn with_source(source: TokenSource) -> BearerAuth {
    auth_builder().source(source).build().unwrap()
}

async fn status(auth: &BearerAuth, headers: &[(&str, &str)]) -> u16 {
    call(&app(auth.clone()), request("/invoices", headers))
        .await
        .status
}

#[tokio::test]
async fn reads_the_bearer_scheme_in_any_case() {
    let auth = auth();
    let token = bearer(&access(1));
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        assert_eq!(
            status(&auth, &[("authorization", &format!("{scheme} {token}"))]).await,
            200,
            "{scheme}"
        );
    }
}

#[tokio::test]
async fn basic_credentials_are_no_bearer_credentials() {
    let answer = call(
        &app(auth()),
        request("/invoices", &[("authorization", "Basic dXNlcjpwYXNz")]),
    )
    .await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.one("www-authenticate"), r#"Bearer realm="billing""#);
}

#[tokio::test]
async fn an_oversize_authorization_header_is_400() {
    let auth = auth();
    let huge = format!(
        "Bearer {}",
        "a".repeat(auth.verifier().max_token_size() + 1)
    );
    assert_eq!(status(&auth, &[("authorization", &huge)]).await, 400);
}

#[tokio::test]
async fn never_reads_a_query_parameter() {
    let token = bearer(&access(1));
    for query in ["access_token", "token", "jwt"] {
        let answer = call(
            &app(auth()),
            request(&format!("/invoices?{query}={token}"), &[]),
        )
        .await;
        assert_eq!(answer.status, 401, "{query}");
        assert_eq!(answer.one("www-authenticate"), r#"Bearer realm="billing""#);
    }
}

#[tokio::test]
async fn reads_a_named_cookie() {
    let auth = with_source(TokenSource::cookie("__Host-access").unwrap());
    let token = bearer(&access(1));
    assert_eq!(
        status(
            &auth,
            &[("cookie", &format!("theme=dark; __Host-access={token}"))]
        )
        .await,
        200
    );
    // The header is not a place of this source.
    assert_eq!(
        status(&auth, &[("authorization", &format!("Bearer {token}"))]).await,
        401
    );
    assert_eq!(
        status(
            &auth,
            &[(
                "cookie",
                &format!("__Host-access={token}; __Host-access={token}")
            )]
        )
        .await,
        400
    );
}

#[tokio::test]
async fn header_first_a_present_header_decides_even_when_bad() {
    let auth = with_source(TokenSource::header_then_cookie("at").unwrap());
    let good = bearer(&access(1));
    let cookie = format!("at={good}");
    assert_eq!(status(&auth, &[("cookie", &cookie)]).await, 200);
    assert_eq!(
        status(
            &auth,
            &[
                ("authorization", &format!("Bearer {good}")),
                ("cookie", "at=x.y.z")
            ]
        )
        .await,
        200
    );
    // A bad header never falls back to the good cookie.
    assert_eq!(
        status(
            &auth,
            &[("authorization", "Bearer x.y.z"), ("cookie", &cookie)]
        )
        .await,
        401
    );
    assert_eq!(
        status(
            &auth,
            &[("authorization", "Bearer a b"), ("cookie", &cookie)]
        )
        .await,
        400
    );
    // Basic is no bearer credential: the cookie decides.
    assert_eq!(
        status(
            &auth,
            &[("authorization", "Basic dXNlcjpwYXNz"), ("cookie", &cookie)]
        )
        .await,
        200
    );
}

#[tokio::test]
async fn cookie_first_a_present_cookie_decides_even_when_bad() {
    let auth = with_source(TokenSource::cookie_then_header("at").unwrap());
    let good = bearer(&access(1));
    let header = format!("Bearer {good}");
    assert_eq!(status(&auth, &[("authorization", &header)]).await, 200);
    assert_eq!(
        status(
            &auth,
            &[
                ("cookie", &format!("at={good}")),
                ("authorization", "Bearer x.y.z")
            ]
        )
        .await,
        200
    );
    assert_eq!(
        status(&auth, &[("cookie", "at=x.y.z"), ("authorization", &header)]).await,
        401
    );
    assert_eq!(
        status(&auth, &[("cookie", "at=%%"), ("authorization", &header)]).await,
        400
    );
    assert_eq!(
        status(&auth, &[("cookie", "other=1"), ("authorization", &header)]).await,
        200
    );
}
