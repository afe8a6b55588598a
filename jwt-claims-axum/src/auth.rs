//! The configuration every extractor and layer reads: the verifier, where
//! tokens come from, the realm and descriptions of the challenges, and the
//! remote key sets to wait for.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use jwt_claims::{Claims, Decoded, Error, Verifier};

use crate::challenge::{Answers, BodyHook, Cause, Challenge, Descriptions, Fault, RejectionBody};
use crate::credentials::{self, Credentials};
use crate::layer::Guard;
use crate::{ConfigError, Rejection, RemoteKeySet, TokenSource};

/// How requests are authenticated: built once, shared by every extractor
/// and layer (cloning shares it). Put it in the router's state; an
/// extractor finds it through [`FromRef`](axum::extract::FromRef), so a
/// router without one does not compile.
///
/// ```
/// use axum::{Router, extract::FromRef, routing::get};
/// use jwt_claims::{Algorithm, Claims, HmacKey, Verifier};
/// use jwt_claims_axum::{Bearer, BearerAuth};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// struct BillingAccess { org_id: u64 }
///
/// #[derive(Clone, FromRef)]
/// struct AppState { auth: BearerAuth }
///
/// async fn invoices(token: Bearer<BillingAccess>) -> String {
///     format!("invoices of org {}", token.claims().org_id)
/// }
///
/// let verifier = Verifier::builder()
///     .issuer("https://auth.example.com")
///     .key::<BillingAccess>(HmacKey::new(Algorithm::HS256, &[7; 32])?)
///     .build()?;
/// let auth = BearerAuth::builder(verifier).realm("billing").build()?;
/// let app: Router = Router::new()
///     .route("/invoices", get(invoices))
///     .with_state(AppState { auth });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct BearerAuth {
    inner: Arc<Inner>,
}

struct Inner {
    verifier: Verifier,
    source: TokenSource,
    answers: Arc<Answers>,
    key_sets: Vec<RemoteKeySet>,
}

impl BearerAuth {
    /// Starts configuring with the verifier that decodes every purpose.
    pub fn builder(verifier: Verifier) -> BearerAuthBuilder {
        BearerAuthBuilder {
            verifier,
            source: TokenSource::default(),
            realm: "api".into(),
            descriptions: Descriptions::default(),
            retry_after: Duration::from_secs(5),
            body: None,
            key_sets: Vec::new(),
        }
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.inner.verifier
    }

    /// Where tokens are read from.
    pub fn source(&self) -> &TokenSource {
        &self.inner.source
    }

    /// Reads the token of a request and verifies it as purpose `T`; what
    /// [`Bearer`](crate::Bearer) and [`RequireBearer`](crate::RequireBearer)
    /// run. Never blocks: a token naming a `kid` a remote key set lacks
    /// waits (at most the set's timeout, at most once per its cooldown) for
    /// the set's refresher, then is decoded once more.
    ///
    /// # Errors
    /// The [`Rejection`] to answer with.
    pub async fn verify<T: Claims + Send>(
        &self,
        headers: &HeaderMap,
    ) -> Result<Decoded<T>, Rejection> {
        let inner = &*self.inner;
        let token = match inner.source.read(headers, inner.verifier.max_token_size()) {
            Credentials::Token(token) => token,
            Credentials::Absent => return Err(self.reject(Fault::Missing, Cause::NoCredentials)),
            Credentials::Malformed(how) => {
                return Err(self.reject(Fault::Malformed, Cause::Malformed(how)));
            }
        };
        // Before decoding: a set that got newer keys while this token was
        // decoded is worth a second look without asking for a refresh.
        let versions: Vec<u64> = inner.key_sets.iter().map(RemoteKeySet::version).collect();
        let mut decoded = inner.verifier.decode::<T>(token);
        if decoded.is_err() && credentials::outside_grammar(token) {
            return Err(self.reject(Fault::Malformed, Cause::Malformed(credentials::GRAMMAR)));
        }
        if let Err(err) = &decoded
            && matches!(err.root_cause(), Error::UnknownKey { .. })
            && !versions.is_empty()
        {
            let mut newer = false;
            for (set, since) in inner.key_sets.iter().zip(versions) {
                // Boxed: the wait (a watch receiver and a timer) would
                // otherwise sit inline in every request's future, making
                // each extractor's future several hundred bytes larger
                // for a path few requests take.
                newer |= Box::pin(set.newer_than(since)).await;
            }
            if newer {
                decoded = inner.verifier.decode::<T>(token);
            }
        }
        let decoded =
            decoded.map_err(|err| self.reject(Fault::of(err.kind()), Cause::Token(err)))?;
        Ok(decoded)
    }

    /// Checks a guard against a verified token; a refusal is 403
    /// `insufficient_scope`, with the guard's scope when it declares one.
    /// For handlers that decide per request; a
    /// [`RequireBearer`](crate::RequireBearer) layer runs its guards
    /// itself.
    ///
    /// # Errors
    /// The 403 [`Rejection`] when the guard refuses.
    pub fn authorize<T>(&self, guard: &Guard<T>, decoded: &Decoded<T>) -> Result<(), Rejection> {
        if guard.allows(decoded) {
            Ok(())
        } else {
            Err(Rejection::insufficient(
                guard.scope_required(),
                &self.inner.answers,
            ))
        }
    }

    /// A rejection of this configuration, for a fault found elsewhere
    /// (e.g. a handler's own check); it answers exactly as the extractor's
    /// would.
    pub fn reject(&self, fault: Fault, cause: Cause) -> Rejection {
        Rejection::new(fault, cause, &self.inner.answers)
    }
}

impl core::fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BearerAuth")
            .field("verifier", &self.inner.verifier)
            .field("source", &self.inner.source)
            .field("key_sets", &self.inner.key_sets)
            .finish_non_exhaustive()
    }
}

/// Configures a [`BearerAuth`]; every value that reaches a response is
/// checked by [`build`](BearerAuthBuilder::build).
#[must_use]
pub struct BearerAuthBuilder {
    verifier: Verifier,
    source: TokenSource,
    realm: String,
    descriptions: Descriptions,
    retry_after: Duration,
    body: Option<BodyHook>,
    key_sets: Vec<RemoteKeySet>,
}

impl BearerAuthBuilder {
    /// Where tokens are read from (default: the `Authorization` header).
    pub fn source(mut self, source: TokenSource) -> Self {
        self.source = source;
        self
    }

    /// The realm every challenge names (default `api`).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// The `error_description` of an expired token (default `the token
    /// expired`). Clients refresh on `invalid_token`; keep the word
    /// expired in it for the ones that read it.
    pub fn expired_description(mut self, text: impl Into<String>) -> Self {
        self.descriptions.expired = text.into().into();
        self
    }

    /// The one `error_description` of every other token fault (default
    /// `the token is invalid`).
    pub fn invalid_description(mut self, text: impl Into<String>) -> Self {
        self.descriptions.invalid = text.into().into();
        self
    }

    /// The `error_description` of malformed credentials (default `the
    /// bearer credentials are malformed`).
    pub fn malformed_description(mut self, text: impl Into<String>) -> Self {
        self.descriptions.malformed = text.into().into();
        self
    }

    /// The `error_description` of a guard's refusal (default `the token
    /// does not grant this request`).
    pub fn insufficient_scope_description(mut self, text: impl Into<String>) -> Self {
        self.descriptions.insufficient_scope = text.into().into();
        self
    }

    /// The `Retry-After` of a 503, rounded up to whole seconds (default
    /// 5 s).
    pub fn retry_after(mut self, after: Duration) -> Self {
        self.retry_after = after;
        self
    }

    /// Writes refusal bodies (default: the description as `text/plain`).
    /// The hook chooses the body and its content type only; the status
    /// and the challenge stay what RFC 6750 says.
    ///
    /// ```
    /// use jwt_claims_axum::{BearerAuth, RejectionBody};
    /// # let key = jwt_claims::HmacKey::new(jwt_claims::Algorithm::HS256, &[7; 32])?;
    /// # let verifier = jwt_claims::Verifier::builder().shared_key(key).build()?;
    ///
    /// let auth = BearerAuth::builder(verifier)
    ///     .body(|challenge| {
    ///         RejectionBody::new(
    ///             "application/problem+json",
    ///             format!(r#"{{"status":{},"detail":"{}"}}"#, challenge.status().as_u16(), challenge.description()),
    ///         )
    ///     })
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn body(
        mut self,
        hook: impl Fn(&Challenge<'_>) -> RejectionBody + Send + Sync + 'static,
    ) -> Self {
        self.body = Some(Arc::new(hook));
        self
    }

    /// A remote key set the verifier takes a purpose's keys from: a token
    /// naming a `kid` it lacks waits for its refresher instead of failing
    /// at once. (Without this the refresher is still asked, and a later
    /// request gets the new keys.)
    pub fn key_set(mut self, set: RemoteKeySet) -> Self {
        self.key_sets.push(set);
        self
    }

    /// Checks the realm and the descriptions against RFC 6750 §3 and
    /// builds the challenges.
    ///
    /// # Errors
    /// [`ConfigError::InvalidParameter`] for a realm or description that
    /// is empty or has a character RFC 6750 §3 forbids;
    /// [`ConfigError::ZeroDuration`] for a zero `Retry-After`.
    pub fn build(self) -> Result<BearerAuth, ConfigError> {
        if self.retry_after.is_zero() {
            return Err(ConfigError::ZeroDuration {
                setting: "Retry-After",
            });
        }
        let retry_after = self
            .retry_after
            .as_secs()
            .saturating_add(u64::from(self.retry_after.subsec_nanos() > 0));
        let answers = Answers::new(&self.realm, self.descriptions, retry_after, self.body)?;
        Ok(BearerAuth {
            inner: Arc::new(Inner {
                verifier: self.verifier,
                source: self.source,
                answers: Arc::new(answers),
                key_sets: self.key_sets,
            }),
        })
    }
}
