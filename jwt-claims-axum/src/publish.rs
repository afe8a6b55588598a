//! Publishing a signer's public keys as a JWK Set, for the services that
//! verify its tokens.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use http::HeaderValue;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use jwt_claims::{Clock, JwkSet, PublicKey, SystemClock, VerifyingKey};

/// Where a JWK Set is conventionally served (RFC 8414 §2's `jwks_uri`
/// usually points here).
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// A signer's public keys, served as a JWK Set (RFC 7517 §5) at
/// [`JWKS_PATH`]: public members only (a [`PublicKey`] holds nothing
/// else), each with `kid`, `alg` and `use: "sig"`, as
/// `application/jwk-set+json` with `Cache-Control: public, max-age=…`.
///
/// A key retired with `retired_after(t)` (set `t` to when the last token
/// it signed expires) is listed until `t` and dropped after; `max-age` is
/// never longer than the time to the next retirement, so caches drop it
/// on time too. A key without a `kid` is given its RFC 7638 thumbprint.
///
/// ```
/// use axum::Router;
/// use chrono::{Duration, Utc};
/// use jwt_claims::{Algorithm, PrivateKey};
/// use jwt_claims_axum::PublishedKeys;
///
/// let old = PrivateKey::generate(Algorithm::ES256)?.with_kid("2026-10");
/// let new = PrivateKey::generate(Algorithm::ES256)?.with_kid("2026-11");
/// // The old key signed tokens for 15 minutes until now.
/// let keys = PublishedKeys::new([
///     new.public_key(),
///     old.public_key().retired_after(Utc::now() + Duration::minutes(15)),
/// ]);
/// let app: Router = Router::new().merge(keys.router());
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone)]
pub struct PublishedKeys {
    inner: Arc<Inner>,
}

struct Inner {
    /// Each key with when it retires.
    keys: Vec<(PublicKey, Option<DateTime<Utc>>)>,
    max_age: Duration,
    clock: Arc<dyn Clock>,
}

impl PublishedKeys {
    /// These keys, with `max-age` 300 s.
    pub fn new(keys: impl IntoIterator<Item = PublicKey>) -> PublishedKeys {
        let keys = keys
            .into_iter()
            .map(|key| {
                let key = match key.kid() {
                    Some(_) => key,
                    None => key.with_thumbprint_kid(),
                };
                let retires = VerifyingKey::from(key.clone()).retired_after();
                (key, retires)
            })
            .collect();
        PublishedKeys {
            inner: Arc::new(Inner {
                keys,
                max_age: Duration::from_secs(300),
                clock: Arc::new(SystemClock),
            }),
        }
    }

    /// How long verifiers may cache the set (default 300 s). Keep it
    /// well below the time between publishing a new key and signing with
    /// it; verifiers also refresh on an unknown `kid`.
    pub fn max_age(self, max_age: Duration) -> PublishedKeys {
        self.with(|inner| inner.max_age = max_age)
    }

    /// The clock retirements are judged by ([`SystemClock`] by default).
    pub fn clock(self, clock: impl Clock) -> PublishedKeys {
        self.with(|inner| inner.clock = Arc::new(clock))
    }

    fn with(self, change: impl FnOnce(&mut Inner)) -> PublishedKeys {
        let mut inner = Inner {
            keys: self.inner.keys.clone(),
            max_age: self.inner.max_age,
            clock: self.inner.clock.clone(),
        };
        change(&mut inner);
        PublishedKeys {
            inner: Arc::new(inner),
        }
    }

    /// The set as it stands now: the keys not yet retired, and how long it
    /// may be cached.
    pub fn current(&self) -> (JwkSet, Duration) {
        let now = self.inner.clock.now();
        let mut max_age = self.inner.max_age;
        let listed = self
            .inner
            .keys
            .iter()
            .filter_map(|(key, retires)| match retires {
                // The verifier's rule: a key verifies until `now > at`.
                Some(at) if now > *at => None,
                Some(at) => {
                    let left = (*at - now).to_std().unwrap_or_default();
                    max_age = max_age.min(left);
                    Some(key.clone())
                }
                None => Some(key.clone()),
            });
        let set = JwkSet::new(listed);
        (set, max_age)
    }

    /// The response to a `GET` of the set.
    pub fn response(&self) -> Response {
        let (set, max_age) = self.current();
        let mut response = Response::new(Body::from(set.to_json()));
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/jwk-set+json"),
        );
        headers.insert(
            CACHE_CONTROL,
            HeaderValue::try_from(format!("public, max-age={}", max_age.as_secs()))
                .expect("digits are a valid header value"),
        );
        response
    }

    /// A router serving the set at [`JWKS_PATH`] (`GET` and `HEAD`); merge
    /// it into the service's router.
    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        Router::new().route(JWKS_PATH, get(move || async move { self.response() }))
    }
}

impl IntoResponse for PublishedKeys {
    fn into_response(self) -> Response {
        self.response()
    }
}

impl core::fmt::Debug for PublishedKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PublishedKeys")
            .field(
                "keys",
                &self
                    .inner
                    .keys
                    .iter()
                    .map(|(key, _)| key)
                    .collect::<Vec<_>>(),
            )
            .field("max_age", &self.inner.max_age)
            .finish_non_exhaustive()
    }
}
