//! The auth service: logs users in, rotates their refresh tokens, logs
//! them out, and publishes its public keys.
//!
//! - `POST /login` `{"user"}`: a refresh family; the billing access token
//!   as the `jwt` cookie (`HttpOnly; Secure; SameSite=Strict`) and in the
//!   body, with the refresh token, a reports access token and the user's
//!   payment details for billing, encrypted to billing's key.
//! - `POST /refresh` `{"refresh_token"}`: the successor refresh token and
//!   fresh access tokens; a reused refresh token revokes its session.
//! - `POST /logout` `{"refresh_token"}`: revokes the session, and with it
//!   every access token minted from it; clears the cookie.
//! - `GET /.well-known/jwks.json`: the current key and the previous one,
//!   listed until the last token the previous key signed has expired.

use axum::extract::{FromRef, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{Duration, Utc};
use jwt_claims::{Error, ErrorKind, Signer, Token, Verifier};
use jwt_claims_axum::{PublishedKeys, SessionCookie};
use jwt_claims_state::{Families, FamilyId, StatefulVerifier, Store};
use serde::Deserialize;
use serde_json::json;
use shared_claims::{BillingAccess, BillingContact, RefreshToken, ReportsAccess, Role};
use std::sync::Arc;

use crate::keys::Keys;

/// The cookie billing reads the access token from.
pub(crate) const COOKIE: &str = "jwt";

#[derive(Clone, FromRef)]
struct AuthState {
    signer: Signer,
    families: Arc<Families<RefreshToken>>,
    cookie: SessionCookie,
}

/// The auth service's router, its token state kept in `store`.
pub(crate) fn router(
    keys: &Keys,
    store: Arc<dyn Store>,
) -> Result<Router, Box<dyn std::error::Error>> {
    // Payment details are encrypted to billing (its public key; billing
    // would publish it, the demo takes it from billing's key).
    let signer = Signer::builder()
        .shared_key(keys.auth_current.clone())
        .encryption_key::<BillingContact>(keys.billing_decryption.encryption_key())
        .build()?;
    let refresh = Verifier::builder()
        .key::<RefreshToken>(keys.auth_refresh.clone())
        .build()?;
    let families = Families::<RefreshToken>::builder(
        StatefulVerifier::new(refresh, store),
        keys.auth_refresh.clone(),
    )
    .family_lifetime(std::time::Duration::from_secs(30 * 24 * 3600))
    .build()?;
    let cookie = SessionCookie::new(COOKIE)?;
    // The previous key signed access tokens until now; they live 15
    // minutes, so it stays published that long.
    let published = PublishedKeys::new([
        keys.auth_current.public_key(),
        keys.auth_previous
            .public_key()
            .retired_after(Utc::now() + Duration::minutes(15)),
    ]);
    Ok(Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh_tokens))
        .route("/logout", post(logout))
        .with_state(AuthState {
            signer,
            families: Arc::new(families),
            cookie,
        })
        .merge(published.router()))
}

/// A user of the demo: name, role, organisation, payment details.
struct User {
    name: &'static str,
    role: Role,
    org_id: u64,
    email: &'static str,
    iban: &'static str,
}

const USERS: [User; 2] = [
    User {
        name: "ada",
        role: Role::Admin,
        org_id: 7,
        email: "ada@example.com",
        iban: "DE89 3704 0044 0532 0130 00",
    },
    User {
        name: "bob",
        role: Role::Viewer,
        org_id: 7,
        email: "bob@example.com",
        iban: "FR76 3000 6000 0112 3456 7890 189",
    },
];

fn user(name: &str) -> Option<&'static User> {
    USERS.iter().find(|user| user.name == name)
}

#[derive(Deserialize)]
struct Login {
    user: String,
}

#[derive(Deserialize)]
struct Presented {
    refresh_token: String,
}

async fn login(State(state): State<AuthState>, Json(login): Json<Login>) -> Response {
    // A real service checks a password or a second factor here; the
    // demo's users are known by name.
    let Some(user) = user(&login.user) else {
        return invalid_grant();
    };
    let issued = state
        .families
        .start(user.name, |session| RefreshToken { session })
        .await;
    match issued {
        Ok(issued) => tokens(&state, user, issued.family(), issued.token()),
        Err(err) => refused(&err),
    }
}

async fn refresh_tokens(
    State(state): State<AuthState>,
    Json(presented): Json<Presented>,
) -> Response {
    match state.families.rotate(&presented.refresh_token).await {
        Ok(issued) => {
            let name = issued.token().registered().subject().unwrap_or_default();
            match user(name) {
                Some(user) => tokens(&state, user, issued.family(), issued.token()),
                None => invalid_grant(),
            }
        }
        Err(err) => refused(&err),
    }
}

async fn logout(State(state): State<AuthState>, Json(presented): Json<Presented>) -> Response {
    let verified = state
        .families
        .verifier()
        .verify::<RefreshToken>(&presented.refresh_token)
        .await;
    let session = match verified {
        Ok(verified) => verified.decoded().claims().session.clone(),
        Err(err) => return refused(&err),
    };
    match state.families.revoke(&session).await {
        Ok(_) => (StatusCode::NO_CONTENT, [(SET_COOKIE, state.cookie.clear())]).into_response(),
        Err(err) => refused(&err),
    }
}

/// The answer to a login or a rotation: the access token as the cookie
/// and in the body, with the refresh and reports tokens.
fn tokens(
    state: &AuthState,
    user: &User,
    session: &FamilyId,
    refresh: &Token<RefreshToken>,
) -> Response {
    let billing = state
        .signer
        .issue(&BillingAccess {
            role: user.role,
            org_id: user.org_id,
            grant: None,
            session: Some(session.clone()),
        })
        .subject(user.name)
        .encode();
    let reports = state
        .signer
        .issue(&ReportsAccess {
            org_id: user.org_id,
            session: Some(session.clone()),
        })
        .subject(user.name)
        .encode();
    let contact = state
        .signer
        .issue(&BillingContact {
            email: user.email.to_owned(),
            iban: user.iban.to_owned(),
        })
        .subject(user.name)
        .encode();
    let (billing, reports, contact) = match (billing, reports, contact) {
        (Ok(billing), Ok(reports), Ok(contact)) => (billing, reports, contact),
        (Err(err), _, _) | (_, Err(err), _) | (_, _, Err(err)) => return refused(&err),
    };
    let mut headers = HeaderMap::new();
    headers.insert(SET_COOKIE, state.cookie.set(&billing));
    let body = json!({
        "access_token": billing.as_str(),
        "token_type": "Bearer",
        "expires_in": billing.expires_in().as_secs(),
        "refresh_token": refresh.as_str(),
        "reports_token": reports.as_str(),
        "contact_token": contact.as_str(),
    });
    (StatusCode::OK, headers, Json(body)).into_response()
}

/// OAuth's answer to a bad grant (RFC 6749 §5.2): the presented refresh
/// token is invalid, expired, revoked or reused. What exactly goes to the
/// log, never to the client.
fn invalid_grant() -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": "invalid_grant" })),
    )
        .into_response()
}

/// The answer to an error of the token layer: the store being down is
/// "try again" (503), never a verdict on the token.
fn refused(err: &Error) -> Response {
    match err.kind() {
        ErrorKind::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", HeaderValue::from_static("5"))],
        )
            .into_response(),
        ErrorKind::Misconfigured => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        _ => invalid_grant(),
    }
}
