//! The extractor: a handler names the purpose it accepts by its type.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use jwt_claims::{Claims, Decoded};

use crate::{BearerAuth, Fault, Rejection};

/// A token verified as purpose `T`: a handler taking `Bearer<BillingAccess>`
/// only runs for a valid billing access token, whose audience, type and
/// issuer the type declares.
///
/// The configuration ([`BearerAuth`]) comes from the router's state
/// through [`FromRef`]: a router without one does not compile. Behind a
/// [`RequireBearer<T>`](crate::RequireBearer) layer the extractor takes the
/// layer's verified token instead of verifying again.
///
/// - `Bearer<T>`: refuses the request as RFC 6750 says (see
///   [`challenge`](crate::challenge)).
/// - `Option<Bearer<T>>`: `None` only when the request has no bearer
///   credentials at all; present but malformed, invalid or expired
///   credentials are still refused.
/// - `Result<Bearer<T>, Rejection>`: the handler decides.
///
/// ```
/// use axum::{Router, extract::FromRef, routing::get};
/// use jwt_claims::{Algorithm, Claims, HmacKey, Signer, Verifier};
/// use jwt_claims_axum::{Bearer, BearerAuth, Rejection};
/// use serde::{Deserialize, Serialize};
/// use tower::ServiceExt;
///
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// struct BillingAccess { org_id: u64 }
///
/// #[derive(Clone, FromRef)]
/// struct AppState { auth: BearerAuth }
///
/// async fn invoices(token: Bearer<BillingAccess>) -> String {
///     format!("org {}", token.claims().org_id)
/// }
///
/// async fn greeting(token: Option<Bearer<BillingAccess>>) -> &'static str {
///     if token.is_some() { "welcome back" } else { "hello, stranger" }
/// }
///
/// async fn status(token: Result<Bearer<BillingAccess>, Rejection>) -> String {
///     match token {
///         Ok(_) => "signed in".into(),
///         Err(rejection) => format!("{:?}", rejection.fault()),
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let key = HmacKey::new(Algorithm::HS256, &[7; 32])?;
/// let signer = Signer::builder().shared_key(key.clone()).build()?;
/// let verifier = Verifier::builder().key::<BillingAccess>(key).build()?;
/// let auth = BearerAuth::builder(verifier).realm("billing").build()?;
/// let app = Router::new()
///     .route("/invoices", get(invoices))
///     .route("/greeting", get(greeting))
///     .route("/status", get(status))
///     .with_state(AppState { auth });
///
/// let token = signer.encode(&BillingAccess { org_id: 42 })?;
/// let request = http::Request::get("/invoices")
///     .header("authorization", format!("Bearer {}", token.as_str()))
///     .body(axum::body::Body::empty())?;
/// let response = app.clone().oneshot(request).await?;
/// assert_eq!(response.status(), 200);
///
/// let request = http::Request::get("/greeting").body(axum::body::Body::empty())?;
/// assert_eq!(app.clone().oneshot(request).await?.status(), 200);
/// let request = http::Request::get("/greeting")
///     .header("authorization", "Bearer not-a-token")
///     .body(axum::body::Body::empty())?;
/// assert_eq!(app.oneshot(request).await?.status(), 401);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
///
/// A router whose state holds no [`BearerAuth`] does not compile:
///
/// ```compile_fail,E0277
/// use axum::{Router, routing::get};
/// use jwt_claims_axum::Bearer;
/// # #[derive(serde::Serialize, serde::Deserialize, jwt_claims::Claims)]
/// # #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// # struct BillingAccess {}
///
/// #[derive(Clone)]
/// struct NoAuth;
///
/// let app: Router = Router::new()
///     .route("/", get(|_: Bearer<BillingAccess>| async {}))
///     .with_state(NoAuth);
/// ```
pub struct Bearer<T> {
    decoded: Held<T>,
}

/// The extractor's own decode is owned (no allocation on the request
/// path); a layer's is shared with the request's extensions.
enum Held<T> {
    Owned(Decoded<T>),
    Shared(Arc<Decoded<T>>),
}

impl<T> Bearer<T> {
    /// A token verified here.
    pub(crate) fn owned(decoded: Decoded<T>) -> Bearer<T> {
        Bearer {
            decoded: Held::Owned(decoded),
        }
    }

    /// A token a [`RequireBearer`](crate::RequireBearer) layer verified.
    pub(crate) fn shared(decoded: Arc<Decoded<T>>) -> Bearer<T> {
        Bearer {
            decoded: Held::Shared(decoded),
        }
    }

    /// The verified token: claims, registered claims, algorithm, `kid`.
    pub fn decoded(&self) -> &Decoded<T> {
        match &self.decoded {
            Held::Owned(decoded) => decoded,
            Held::Shared(decoded) => decoded,
        }
    }

    /// The purpose's own claims.
    pub fn claims(&self) -> &T {
        self.decoded().claims()
    }

    /// The registered claims (`sub`, `exp`, `jti`, ...).
    pub fn registered(&self) -> &jwt_claims::RegisteredClaims {
        self.decoded().registered()
    }

    /// The verified token, shared (with the request's extensions when a
    /// layer verified it).
    pub fn into_shared(self) -> Arc<Decoded<T>> {
        match self.decoded {
            Held::Owned(decoded) => Arc::new(decoded),
            Held::Shared(decoded) => decoded,
        }
    }
}

/// Shows the purpose only: claims can be personal, and handlers log their
/// extractors.
impl<T> core::fmt::Debug for Bearer<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Bearer")
            .field("purpose", &core::any::type_name::<T>())
            .finish_non_exhaustive()
    }
}

/// What a [`RequireBearer`](crate::RequireBearer) layer leaves in the
/// request's extensions. Private: nothing else can put a "verified" token
/// there.
pub(crate) struct Verified<T>(pub(crate) Arc<Decoded<T>>);

impl<T> Clone for Verified<T> {
    fn clone(&self) -> Self {
        Verified(self.0.clone())
    }
}

impl<S, T> FromRequestParts<S> for Bearer<T>
where
    BearerAuth: FromRef<S>,
    S: Send + Sync,
    T: Claims + Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(Verified(decoded)) = parts.extensions.get::<Verified<T>>() {
            return Ok(Bearer::shared(decoded.clone()));
        }
        let auth = BearerAuth::from_ref(state);
        let decoded = auth.verify::<T>(&parts.headers).await?;
        Ok(Bearer::owned(decoded))
    }
}

impl<S, T> OptionalFromRequestParts<S> for Bearer<T>
where
    BearerAuth: FromRef<S>,
    S: Send + Sync,
    T: Claims + Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <Bearer<T> as FromRequestParts<S>>::from_request_parts(parts, state).await {
            Ok(bearer) => Ok(Some(bearer)),
            Err(rejection) if rejection.fault() == Fault::Missing => Ok(None),
            Err(rejection) => Err(rejection),
        }
    }
}
