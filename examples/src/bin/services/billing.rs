//! The billing service: reads its access token from the `jwt` cookie, then
//! from the `Authorization` header; verifies it with the auth service's
//! published keys; checks the session it came from is not logged out.
//!
//! - `GET /invoices`: any billing access token.
//! - `POST /invoices/{id}/pay`: admins only (a guard: 403 for others);
//!   behind tower-http's CSRF layer, as every cookie-authenticated unsafe
//!   method must be.
//! - `GET /payment-details`: the user's payment details, from the
//!   `Authorization` header, in a token encrypted to billing's key.

use axum::extract::{FromRef, Path};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_claims::Verifier;
use jwt_claims_axum::{
    Bearer, BearerAuth, RequireBearer, StatefulAuth, StatefulBearer, TokenSource,
};
use jwt_claims_state::StatefulVerifier;
use serde_json::{Value, json};
use shared_claims::{BillingAccess, BillingContact, Role};
use tower_http::csrf::CsrfLayer;

use crate::Services;
use crate::auth::COOKIE;
use crate::keys::{Keys, auth_key_set};

#[derive(Clone, FromRef)]
struct BillingState {
    /// Access tokens: the cookie, then the header; checked against the
    /// token state.
    auth: StatefulAuth,
    /// Payment details: the header only.
    contact: BearerAuth,
}

/// The billing service's router, trusting the keys published at
/// `jwks_url` and the token state of `services`.
pub(crate) async fn router(
    jwks_url: &str,
    keys: &Keys,
    services: &Services,
) -> Result<Router, Box<dyn std::error::Error>> {
    let remote = auth_key_set(jwks_url)?;
    if remote.ready().await.is_err() {
        eprintln!(
            "billing: the key set at {jwks_url} is unreachable; answering 503 until it is back"
        );
    }
    // Access tokens and payment details are signed with auth's published
    // keys; payment details are also encrypted to billing's own key.
    let verifier = Verifier::builder()
        .key_provider::<BillingAccess>(remote.provider())
        .key_provider::<BillingContact>(remote.provider())
        .decryption_key::<BillingContact>(keys.billing_decryption.clone())
        .build()?;
    let contact = BearerAuth::builder(verifier.clone())
        .realm("billing")
        .key_set(remote.clone())
        .build()?;
    let auth = BearerAuth::builder(verifier.clone())
        .source(TokenSource::cookie_then_header(COOKIE)?)
        .realm("billing")
        .key_set(remote)
        .build()?;
    let stateful = StatefulVerifier::new(verifier, services.store.clone());
    let auth = StatefulAuth::new(auth, stateful);
    let admins = RequireBearer::<BillingAccess>::new(auth.auth().clone())
        .require(|token| token.claims().role == Role::Admin);
    Ok(Router::new()
        .route("/invoices", get(invoices))
        .route("/invoices/{id}/pay", post(pay).route_layer(admins))
        .route("/payment-details", get(payment_details))
        .layer(CsrfLayer::new())
        .with_state(BillingState { auth, contact }))
}

async fn invoices(token: StatefulBearer<BillingAccess>) -> Json<Value> {
    let org = token.claims().org_id;
    Json(json!({ "org_id": org, "invoices": [{ "id": 1, "due": "120.00 EUR" }] }))
}

async fn pay(token: StatefulBearer<BillingAccess>, Path(id): Path<u64>) -> Json<Value> {
    let by = token.registered().subject().unwrap_or_default().to_owned();
    Json(json!({ "invoice": id, "paid_by": by }))
}

async fn payment_details(contact: Bearer<BillingContact>) -> Json<Value> {
    let contact = contact.claims();
    Json(json!({ "email": contact.email, "iban": contact.iban }))
}
