//! Stateful routes: tokens checked against a jwt-claims-state store
//! (revocation, "log out everywhere", refresh families, one-time tokens)
//! after every other check.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use http::HeaderMap;
use http::request::Parts;
use jwt_claims::Decoded;
use jwt_claims_state::{Revocable, StatefulVerifier};

use crate::extract::Verified;
use crate::{Bearer, BearerAuth, Cause, Fault, Rejection};

/// A [`BearerAuth`] whose tokens a [`StatefulVerifier`] checks last:
/// the configuration [`StatefulBearer`] reads from the router's state.
///
/// Decoding is the [`BearerAuth`]'s (its verifier, token source and
/// remote key sets); the [`StatefulVerifier`] adds its store: revoked
/// tokens and tokens of a revoked family or subject are refused, and a
/// one-time token's second use. Revoked and replayed tokens answer
/// byte-identically to a bad signature (401 `invalid_token`); a store
/// that fails or does not answer in time answers 503 with `Retry-After`,
/// never 401.
///
/// ```
/// use std::sync::Arc;
/// use jwt_claims::{Algorithm, HmacKey, Verifier};
/// use jwt_claims_axum::{BearerAuth, StatefulAuth};
/// use jwt_claims_state::{MemoryStore, StatefulVerifier};
///
/// let key = HmacKey::new(Algorithm::HS256, &[7; 32])?;
/// let verifier = Verifier::builder().shared_key(key).build()?;
/// let stateful = StatefulVerifier::new(verifier.clone(), Arc::new(MemoryStore::new()));
/// let auth = StatefulAuth::new(BearerAuth::builder(verifier).realm("reports").build()?, stateful);
/// # let _ = auth;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct StatefulAuth {
    inner: Arc<(BearerAuth, StatefulVerifier)>,
}

impl StatefulAuth {
    /// `auth` decoding, then `stateful` checking against its store.
    pub fn new(auth: BearerAuth, stateful: StatefulVerifier) -> StatefulAuth {
        StatefulAuth {
            inner: Arc::new((auth, stateful)),
        }
    }

    /// The stateless part: source, verifier, answers.
    pub fn auth(&self) -> &BearerAuth {
        &self.inner.0
    }

    /// The stateful part: the store checks (and its revocation methods,
    /// for a logout handler).
    pub fn stateful(&self) -> &StatefulVerifier {
        &self.inner.1
    }

    /// Reads the token of a request, verifies it as purpose `T`, then
    /// checks it against the store (revocation; the mark of a one-time
    /// token): what [`StatefulBearer`] runs without a layer in front.
    ///
    /// # Errors
    /// The [`Rejection`] to answer with.
    pub async fn verify<T: Revocable + Send>(
        &self,
        headers: &HeaderMap,
    ) -> Result<Decoded<T>, Rejection> {
        let decoded = self.auth().verify::<T>(headers).await?;
        self.check(&decoded).await?;
        Ok(decoded)
    }

    /// The store's check of a token verified (and guarded) already.
    ///
    /// # Errors
    /// The [`Rejection`] to answer with: 401 `invalid_token` for a
    /// revoked or replayed token, 503 for an unavailable store.
    pub async fn check<T: Revocable>(&self, decoded: &Decoded<T>) -> Result<(), Rejection> {
        self.stateful()
            .check(decoded)
            .await
            .map_err(|err| self.auth().reject(Fault::of(err.kind()), Cause::Token(err)))
    }
}

/// [`Bearer<T>`], then the store: a token verified as purpose `T`, not
/// revoked and, for a one-time purpose, not used before (this request
/// uses it up).
///
/// The configuration is a [`StatefulAuth`] in the router's state, found
/// through [`FromRef`]: a router without one does not compile. Behind a
/// [`RequireBearer<T>`](crate::RequireBearer) layer it takes the layer's
/// verified token and only adds the store's check, so the one-time mark
/// is taken after the layer's guards passed: a token a guard refuses
/// stays unused. `Option<StatefulBearer<T>>` is `None` only without any
/// credentials.
///
/// ```
/// use std::sync::Arc;
/// use axum::{Router, extract::FromRef, routing::get};
/// use jwt_claims::{Algorithm, Claims, HmacKey, Signer, Verifier};
/// use jwt_claims_axum::{BearerAuth, StatefulAuth, StatefulBearer};
/// use jwt_claims_state::{FamilyId, MemoryStore, Revocable, StatefulVerifier};
/// use serde::{Deserialize, Serialize};
/// use tower::ServiceExt;
///
/// /// A link to one report, good for one download.
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(aud = "reports", typ = "download", ttl = "10m", one_time)]
/// struct Download { report: u64 }
///
/// impl Revocable for Download {
///     fn family(&self) -> Option<&FamilyId> { None }
/// }
///
/// async fn download(link: StatefulBearer<Download>) -> String {
///     format!("report {}", link.claims().report)
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let key = HmacKey::new(Algorithm::HS256, &[7; 32])?;
/// let signer = Signer::builder().shared_key(key.clone()).build()?;
/// let verifier = Verifier::builder().shared_key(key).build()?;
/// let stateful = StatefulVerifier::new(verifier.clone(), Arc::new(MemoryStore::new()));
/// let auth = StatefulAuth::new(BearerAuth::builder(verifier).realm("reports").build()?, stateful);
/// let app = Router::new().route("/download", get(download)).with_state(auth);
///
/// let link = signer.encode(&Download { report: 7 })?;
/// let get = || {
///     http::Request::get("/download")
///         .header("authorization", format!("Bearer {}", link.as_str()))
///         .body(axum::body::Body::empty())
///         .unwrap()
/// };
/// assert_eq!(app.clone().oneshot(get()).await?.status(), 200);
/// // Used once: the second download is refused as any invalid token is.
/// assert_eq!(app.oneshot(get()).await?.status(), 401);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct StatefulBearer<T>(Bearer<T>);

impl<T> StatefulBearer<T> {
    /// The verified token, as a [`Bearer`].
    pub fn into_bearer(self) -> Bearer<T> {
        self.0
    }
}

impl<T> Deref for StatefulBearer<T> {
    type Target = Bearer<T>;

    fn deref(&self) -> &Bearer<T> {
        &self.0
    }
}

impl<T> core::fmt::Debug for StatefulBearer<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("StatefulBearer").field(&self.0).finish()
    }
}

impl<S, T> FromRequestParts<S> for StatefulBearer<T>
where
    StatefulAuth: FromRef<S>,
    S: Send + Sync,
    T: Revocable + Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = StatefulAuth::from_ref(state);
        if let Some(Verified(decoded)) = parts.extensions.get::<Verified<T>>() {
            auth.check(decoded).await?;
            return Ok(StatefulBearer(Bearer::shared(decoded.clone())));
        }
        let decoded = auth.verify::<T>(&parts.headers).await?;
        Ok(StatefulBearer(Bearer::owned(decoded)))
    }
}

impl<S, T> OptionalFromRequestParts<S> for StatefulBearer<T>
where
    StatefulAuth: FromRef<S>,
    S: Send + Sync,
    T: Revocable + Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <StatefulBearer<T> as FromRequestParts<S>>::from_request_parts(parts, state).await {
            Ok(bearer) => Ok(Some(bearer)),
            Err(rejection) if rejection.fault() == Fault::Missing => Ok(None),
            Err(rejection) => Err(rejection),
        }
    }
}
