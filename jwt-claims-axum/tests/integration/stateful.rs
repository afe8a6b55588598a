//! `StatefulBearer<T>` on a real jwt-claims-state store: revoked and
//! replayed tokens answer as a bad signature, a full store is 503, and the
//! one-time mark comes after the layer's guards.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use jwt_claims::Claims;
use jwt_claims_axum::{BearerAuth, RequireBearer, StatefulAuth, StatefulBearer};
use jwt_claims_state::{FamilyId, MemoryStore, Revocable, StatefulVerifier};
use serde::{Deserialize, Serialize};

use crate::challenges::golden_at;
use crate::support::*;

/// A one-time link to a report.
#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "download", ttl = "10m", one_time)]
struct Download {
    invoice: u64,
    #[serde(default)]
    roles: Vec<String>,
}

impl Revocable for Download {
    fn family(&self) -> Option<&FamilyId> {
        None
    }
}

impl Revocable for BillingAccess {
    fn family(&self) -> Option<&FamilyId> {
        None
    }
}

#[derive(Clone, FromRef)]
struct State {
    auth: BearerAuth,
    stateful: StatefulAuth,
}

fn stateful_auth(store: MemoryStore) -> StatefulAuth {
    let stateful = StatefulVerifier::new(verifier(), Arc::new(store));
    StatefulAuth::new(
        auth_builder()
            .retry_after(Duration::from_secs(2))
            .build()
            .unwrap(),
        stateful,
    )
}

/// `/invoices` (a `StatefulBearer<BillingAccess>`) and `/download` (a
/// `StatefulBearer<Download>`, one-time).
fn app(auth: StatefulAuth) -> Router {
    Router::new()
        .route(
            "/invoices",
            get(|token: StatefulBearer<BillingAccess>| async move {
                format!("org {}", token.claims().org_id)
            }),
        )
        .route(
            "/download",
            get(|link: StatefulBearer<Download>| async move {
                format!("invoice {}", link.claims().invoice)
            }),
        )
        .route(
            "/maybe",
            get(|token: Option<StatefulBearer<BillingAccess>>| async move {
                format!("{:?}", token.map(|token| token.claims().org_id))
            }),
        )
        .with_state(State {
            auth: auth.auth().clone(),
            stateful: auth,
        })
}

fn with_token(path: &str, token: &str) -> http::Request<axum::body::Body> {
    request(path, &[("authorization", &format!("Bearer {token}"))])
}

/// `token` with its signature's first character changed.
fn bad_signature(token: &str) -> String {
    let (rest, signature) = token.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    format!("{rest}.{flipped}{}", &signature[1..])
}

fn link(invoice: u64) -> String {
    bearer(&Download {
        invoice,
        roles: vec!["member".into()],
    })
}

#[tokio::test]
async fn a_revoked_token_answers_byte_identically_to_a_bad_signature() {
    let auth = stateful_auth(MemoryStore::new());
    let app = app(auth.clone());
    let token = signer().issue(&access(1)).jwt_id("t-1").encode().unwrap();
    let ok = call(&app, with_token("/invoices", token.as_str())).await;
    assert_eq!((ok.status, ok.text()), (200, "org 1".to_owned()));

    auth.stateful().revoke(token.registered()).await.unwrap();
    let revoked = call(&app, with_token("/invoices", token.as_str())).await;
    let bad = call(
        &app,
        with_token("/invoices", &bad_signature(token.as_str())),
    )
    .await;
    assert_eq!(bad.status, 401);
    assert_eq!(revoked, bad);
}

#[tokio::test]
async fn a_subject_logged_out_everywhere_is_refused_as_a_bad_signature() {
    let auth = stateful_auth(MemoryStore::new());
    let app = app(auth.clone());
    let token = signer()
        .issue(&access(1))
        .subject("alice")
        .encode()
        .unwrap();
    assert_eq!(
        call(&app, with_token("/invoices", token.as_str()))
            .await
            .status,
        200
    );

    auth.stateful()
        .log_out_everywhere(Some(ISSUER), "alice")
        .await
        .unwrap();
    let refused = call(&app, with_token("/invoices", token.as_str())).await;
    let bad = call(
        &app,
        with_token("/invoices", &bad_signature(token.as_str())),
    )
    .await;
    assert_eq!(refused, bad);
}

#[tokio::test]
async fn a_replayed_one_time_token_answers_byte_identically_to_a_bad_signature() {
    let app = app(stateful_auth(MemoryStore::new()));
    let link = link(7);
    let first = call(&app, with_token("/download", &link)).await;
    assert_eq!((first.status, first.text()), (200, "invoice 7".to_owned()));

    let replayed = call(&app, with_token("/download", &link)).await;
    let bad = call(&app, with_token("/download", &bad_signature(&link))).await;
    assert_eq!(bad.status, 401);
    assert_eq!(replayed, bad);
}

#[tokio::test]
async fn a_forged_token_with_a_real_jti_does_not_use_it_up() {
    let app = app(stateful_auth(MemoryStore::new()));
    let link = link(7);
    let forged = bad_signature(&link);
    assert_eq!(
        call(&app, with_token("/download", &forged)).await.status,
        401
    );
    assert_eq!(call(&app, with_token("/download", &link)).await.status, 200);
}

#[tokio::test]
async fn a_full_store_is_503_with_retry_after_and_no_challenge() {
    // No room for the one-time mark: the store refuses, and the answer is
    // "try again", never 401.
    let app = app(stateful_auth(MemoryStore::with_capacity(0)));
    let extra = format!("Authorization: Bearer {}", link(7));
    let (status, challenges, retry) = golden_at(app, "/download", &extra).await;
    assert_eq!(status, "HTTP/1.1 503 Service Unavailable");
    assert_eq!(challenges, Vec::<String>::new());
    assert_eq!(retry, ["retry-after: 2"]);
}

#[tokio::test]
async fn optional_stateful_bearer_is_none_only_without_credentials() {
    let auth = stateful_auth(MemoryStore::new());
    let app = app(auth.clone());
    let none = call(&app, request("/maybe", &[])).await;
    assert_eq!((none.status, none.text()), (200, "None".to_owned()));

    let token = signer().issue(&access(3)).jwt_id("t-3").encode().unwrap();
    let some = call(&app, with_token("/maybe", token.as_str())).await;
    assert_eq!((some.status, some.text()), (200, "Some(3)".to_owned()));

    auth.stateful().revoke(token.registered()).await.unwrap();
    assert_eq!(
        call(&app, with_token("/maybe", token.as_str()))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn a_one_time_token_a_guard_refuses_behind_the_layer_is_not_used_up() {
    let auth = stateful_auth(MemoryStore::new());
    let protected = |role: &str| {
        let layer = RequireBearer::<Download>::new(auth.auth().clone())
            .require_role(role, |link: &Download| &link.roles);
        app(auth.clone()).layer(layer)
    };
    let link = link(9);
    // The admin-only router refuses the member's link with 403...
    let refused = call(&protected("admin"), with_token("/download", &link)).await;
    assert_eq!(refused.status, 403);
    // ...and the link still works once, where its role suffices.
    let members = protected("member");
    assert_eq!(
        call(&members, with_token("/download", &link)).await.status,
        200
    );
    assert_eq!(
        call(&members, with_token("/download", &link)).await.status,
        401
    );
}
