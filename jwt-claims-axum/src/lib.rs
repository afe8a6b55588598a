//! # jwt-claims-axum: typed bearer tokens for axum services
//!
//! Everything between HTTP and [`Verifier::decode`](jwt_claims::Verifier::decode),
//! with the purpose as the type: a handler taking
//! [`Bearer<BillingAccess>`](Bearer) runs only for a valid token whose type,
//! audience and issuer `BillingAccess` declares.
//!
//! - [`Bearer<T>`]: the extractor (also `Option<Bearer<T>>`,
//!   `Result<Bearer<T>, Rejection>`), configured by a [`BearerAuth`] in the
//!   router's state, found through `FromRef` (a missing one is a compile
//!   error).
//! - [`TokenSource`]: the `Authorization: Bearer` header, a cookie, or both
//!   in a chosen order, read strictly (RFC 6750 §2.1); never a query
//!   parameter.
//! - [`Rejection`]: RFC 6750 answers, exactly (the table in
//!   [`challenge`]), with nothing of the token in them.
//! - [`RequireBearer<T>`]: a tower layer for a whole router, with
//!   [`Guard`]s (role, scope, predicate) answering 403.
//! - [`RemoteKeySet`]: a remote JWK Set refreshed by a tokio task, never
//!   on the request path.
//! - [`PublishedKeys`]: a signer's public keys at `/.well-known/jwks.json`.
//! - [`cookie`]: what a cookie source needs, and [`SessionCookie`] to set
//!   one.
//! - [`StatefulBearer<T>`]: [`Bearer<T>`], then a jwt-claims-state store
//!   (revocation, refresh families, one-time tokens), configured by a
//!   [`StatefulAuth`].
//!
//! ```
//! use axum::{Router, extract::FromRef, routing::get};
//! use jwt_claims::{Algorithm, Claims, HmacKey, Signer, Verifier};
//! use jwt_claims_axum::{Bearer, BearerAuth};
//! use serde::{Deserialize, Serialize};
//! use tower::ServiceExt;
//!
//! #[derive(Serialize, Deserialize, Claims)]
//! #[jwt(aud = "billing", typ = "access", ttl = "15m")]
//! struct BillingAccess { org_id: u64 }
//!
//! #[derive(Serialize, Deserialize, Claims)]
//! #[jwt(aud = "billing", typ = "refresh", ttl = "30d")]
//! struct BillingRefresh {}
//!
//! #[derive(Clone, FromRef)]
//! struct AppState { auth: BearerAuth }
//!
//! async fn invoices(token: Bearer<BillingAccess>) -> String {
//!     format!("invoices of org {}", token.claims().org_id)
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let key = HmacKey::new(Algorithm::HS256, &[7; 32])?;
//! let signer = Signer::builder().shared_key(key.clone()).build()?;
//! let verifier = Verifier::builder().shared_key(key).build()?;
//! let auth = BearerAuth::builder(verifier).realm("billing").build()?;
//! let app = Router::new().route("/invoices", get(invoices)).with_state(AppState { auth });
//!
//! let get = |token: &str| {
//!     http::Request::get("/invoices")
//!         .header("authorization", format!("Bearer {token}"))
//!         .body(axum::body::Body::empty())
//!         .unwrap()
//! };
//! let access = signer.encode(&BillingAccess { org_id: 42 })?;
//! assert_eq!(app.clone().oneshot(get(access.as_str())).await?.status(), 200);
//!
//! // A refresh token is not an access token: 401, one fixed description.
//! let refresh = signer.encode(&BillingRefresh {})?;
//! let response = app.oneshot(get(refresh.as_str())).await?;
//! assert_eq!(response.status(), 401);
//! assert_eq!(
//!     response.headers()["www-authenticate"],
//!     r#"Bearer realm="billing", error="invalid_token", error_description="the token is invalid""#,
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod auth;
pub mod challenge;
pub mod cookie;
mod credentials;
mod error;
mod extract;
mod layer;
mod publish;
mod remote;
mod stateful;

pub use auth::{BearerAuth, BearerAuthBuilder};
pub use challenge::{Cause, Challenge, Fault, Rejection, RejectionBody, Scope};
pub use cookie::SessionCookie;
pub use credentials::TokenSource;
pub use error::ConfigError;
pub use extract::Bearer;
pub use layer::{Guard, RequireBearer, RequireBearerService};
pub use publish::{JWKS_PATH, PublishedKeys};
pub use remote::{RemoteKeySet, RemoteKeySetBuilder};
pub use stateful::{StatefulAuth, StatefulBearer};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
