//! The layer: a whole router protected for one purpose, the verified
//! token handed to handlers (verified once), guards answering 403.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::get;
use jwt_claims::Verifier;
use jwt_claims_axum::{Bearer, BearerAuth, Guard, RequireBearer};

use crate::support::*;

/// A verifier whose billing keys count their uses, and the counter.
fn counting_auth() -> (BearerAuth, Arc<Counting>) {
    let counting = Counting::new(key());
    let verifier = Verifier::builder()
        .issuer(ISSUER)
        .clock(clock())
        .key_provider::<BillingAccess>(counting.clone())
        .key::<ReportsAccess>(key())
        .build()
        .unwrap();
    (
        BearerAuth::builder(verifier)
            .realm("billing")
            .build()
            .unwrap(),
        counting,
    )
}

fn authorization<T: jwt_claims::Claims>(claims: &T) -> (&'static str, String) {
    ("authorization", format!("Bearer {}", bearer(claims)))
}

#[tokio::test]
async fn behind_the_layer_the_extractor_does_not_verify_again() {
    let (auth, counting) = counting_auth();
    let protected = app(auth.clone()).layer(RequireBearer::<BillingAccess>::new(auth));
    let (name, value) = authorization(&access(9));
    let answer = call(&protected, request("/invoices", &[(name, &value)])).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), "org 9");
    assert_eq!(counting.calls(), 1);
}

#[tokio::test]
async fn without_the_layer_the_extractor_verifies_once() {
    let (auth, counting) = counting_auth();
    let (name, value) = authorization(&access(9));
    assert_eq!(
        call(&app(auth), request("/invoices", &[(name, &value)]))
            .await
            .status,
        200
    );
    assert_eq!(counting.calls(), 1);
}

#[tokio::test]
async fn the_layer_refuses_before_any_handler_runs() {
    let (auth, _) = counting_auth();
    let ran = Arc::new(AtomicUsize::new(0));
    let handler_ran = ran.clone();
    let protected: Router = Router::new()
        .route(
            "/anything",
            get(move || {
                handler_ran.fetch_add(1, Ordering::SeqCst);
                async { "ran" }
            }),
        )
        .layer(RequireBearer::<BillingAccess>::new(auth));
    let (name, value) = authorization(&ReportsAccess { org_id: 1 });
    for headers in [
        vec![],
        vec![(name, value.as_str())],
        vec![("authorization", "Bearer a b")],
    ] {
        let answer = call(&protected, request("/anything", &headers)).await;
        assert_ne!(answer.status, 200);
    }
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    let (name, value) = authorization(&access(1));
    assert_eq!(
        call(&protected, request("/anything", &[(name, &value)]))
            .await
            .text(),
        "ran"
    );
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_handler_asking_for_another_purpose_verifies_that_one_itself() {
    let (auth, counting) = counting_auth();
    let routes =
        Router::new()
            .route(
                "/reports",
                get(|token: Bearer<ReportsAccess>| async move {
                    format!("org {}", token.claims().org_id)
                }),
            )
            .with_state(AppState { auth: auth.clone() })
            .layer(RequireBearer::<BillingAccess>::new(auth));
    // The layer admits a billing token; the handler wants a reports one.
    let (name, value) = authorization(&access(1));
    assert_eq!(
        call(&routes, request("/reports", &[(name, &value)]))
            .await
            .status,
        401
    );
    assert_eq!(counting.calls(), 1);
}

#[tokio::test]
async fn guards_compose_and_the_first_refusal_names_its_scope() {
    let auth = auth();
    let guarded = app(auth.clone()).layer(
        RequireBearer::<BillingAccess>::new(auth)
            .guard(Guard::role("member", |claims: &BillingAccess| {
                &claims.roles
            }))
            .guard(Guard::scope("billing:read", |claims: &BillingAccess| &claims.scope).unwrap())
            .guard(Guard::<BillingAccess>::new(|token| {
                token.claims().org_id != 13
            })),
    );
    let send = |claims: BillingAccess| {
        let guarded = guarded.clone();
        async move {
            let (name, value) = authorization(&claims);
            call(&guarded, request("/invoices", &[(name, &value)])).await
        }
    };
    assert_eq!(send(access(1)).await.status, 200);

    let mut no_role = access(1);
    no_role.roles.clear();
    let answer = send(no_role).await;
    assert_eq!(answer.status, 403);
    assert_eq!(
        answer.one("www-authenticate"),
        r#"Bearer realm="billing", error="insufficient_scope", error_description="the token does not grant this request""#
    );

    let mut no_scope = access(1);
    no_scope.scope = "billing:write".into();
    assert_eq!(
        send(no_scope).await.one("www-authenticate"),
        r#"Bearer realm="billing", error="insufficient_scope", error_description="the token does not grant this request", scope="billing:read""#
    );

    assert_eq!(send(access(13)).await.status, 403);
}

#[tokio::test]
async fn a_handler_can_run_a_guard_itself() {
    let auth = auth();
    let admin = Guard::<BillingAccess>::role("admin", |claims| &claims.roles);
    let token = bearer(&access(1));
    let decoded = auth
        .verify::<BillingAccess>(
            request("/", &[("authorization", &format!("Bearer {token}"))]).headers(),
        )
        .await
        .unwrap();
    let refusal = auth.authorize(&admin, &decoded).unwrap_err();
    assert_eq!(refusal.status(), 403);
}
