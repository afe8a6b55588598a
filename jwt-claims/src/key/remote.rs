//! JWK Sets fetched from an issuer's `jwks_uri` and kept fresh.
//!
//! The set is fetched over HTTPS (rustls with aws-lc-rs, no OpenSSL) and
//! cached for the response's `Cache-Control: max-age`, held within
//! configured bounds. A token naming a `kid` the set does not have triggers
//! one refresh, at most once per cooldown, so an attacker sending made-up
//! `kid`s cannot make the verifier fetch per request. When a refresh fails
//! the last good set keeps serving. Responses are capped in size and time.
//!
//! Refreshes run on the thread that decodes, one at a time: other threads
//! keep using the current set meanwhile. Nothing in a token (`jku`, `x5u`,
//! `jwk`, `x5c`) ever chooses what is fetched.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::key::VerifyingKey;
use crate::{ConfigError, Error, FetchLimits, JwkSet, SkippedKey};

/// A JWK Set fetched from a URL and kept fresh; give it to a verifier with
/// [`VerifierBuilder::remote_key_set`](crate::VerifierBuilder::remote_key_set).
///
/// Cloning shares the cache.
///
/// ```no_run
/// use std::time::Duration;
/// use jwt_claims::{Claims, RemoteJwks, Verifier};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, Claims)]
/// # #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// # struct BillingAccess {}
///
/// let auth_keys = RemoteJwks::builder("https://auth.example.com/.well-known/jwks.json")
///     .issuer("https://auth.example.com")
///     .refresh_cooldown(Duration::from_secs(30))
///     .build()?;
/// let verifier = Verifier::builder()
///     .issuer("https://auth.example.com")
///     .remote_key_set::<BillingAccess>(auth_keys)
///     .build()?;
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone)]
pub struct RemoteJwks {
    inner: Arc<Inner>,
}

struct Inner {
    url: String,
    agent: ureq::Agent,
    issuer: Option<String>,
    limits: FetchLimits,
    clock: Arc<dyn Clock>,
    state: RwLock<State>,
    /// Held while fetching, so one thread fetches and the others go on
    /// with the current set.
    refreshing: Mutex<()>,
}

#[derive(Default)]
struct State {
    /// The last good set; `None` until a fetch has succeeded.
    keys: Option<Arc<[VerifyingKey]>>,
    /// Until when (seconds since the epoch) the set is fresh.
    fresh_until: i64,
    /// When the last fetch was attempted, successful or not.
    last_attempt: Option<i64>,
    /// Why the last attempt failed, if it did.
    last_error: Option<String>,
    /// The keys the last good set held that could not be used, and why.
    skipped: Arc<[SkippedKey]>,
}

/// What one good fetch brought.
struct Fetched {
    /// The usable keys, bound to the issuer.
    keys: Arc<[VerifyingKey]>,
    /// The keys skipped, and why.
    skipped: Arc<[SkippedKey]>,
    /// How long to cache the set.
    ttl: Duration,
}

impl RemoteJwks {
    /// Starts configuring a remote set at `url` (which must be `https://`).
    pub fn builder(url: impl Into<String>) -> RemoteJwksBuilder {
        RemoteJwksBuilder {
            url: url.into(),
            issuer: None,
            limits: FetchLimits::DEFAULT,
            clock: Arc::new(SystemClock),
            allow_plain_http: false,
        }
    }

    /// The URL the set is fetched from.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The keys of the last good set that could not be used (RFC 7517
    /// §5: skipped, not fatal), each with why: for a log line after a
    /// refresh. Empty before the first good fetch.
    pub fn skipped(&self) -> Arc<[SkippedKey]> {
        self.read().skipped.clone()
    }

    /// Fetches the set now, whatever the cache says (subject to nothing:
    /// for start-up and for tools). Verifiers fetch on their own when they
    /// first need the set.
    ///
    /// # Errors
    /// [`Error::KeySetUnavailable`] when the fetch fails; the last good set,
    /// if any, stays in use.
    pub fn refresh(&self) -> Result<(), Error> {
        let _fetching = self
            .inner
            .refreshing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.fetch_into_state(self.now())
    }

    /// The current keys, fetching first when the cache is stale (and the
    /// cooldown allows). A failed refresh keeps serving the last good set.
    pub(crate) fn keys(&self) -> Result<Arc<[VerifyingKey]>, Error> {
        let now = self.now();
        {
            let state = self.read();
            if let Some(keys) = &state.keys
                && now < state.fresh_until
            {
                return Ok(keys.clone());
            }
        }
        self.refresh_if_allowed(now);
        let state = self.read();
        state.keys.clone().ok_or_else(|| Error::KeySetUnavailable {
            url: self.inner.url.clone(),
            reason: state
                .last_error
                .clone()
                .unwrap_or_else(|| "not fetched yet".into()),
        })
    }

    /// A token named a `kid` the set lacks: refresh once, unless a fetch
    /// was attempted within the cooldown. `true` when a new set arrived.
    pub(crate) fn refresh_for_unknown_kid(&self) -> bool {
        self.refresh_if_allowed(self.now())
    }

    /// Fetches unless another thread is fetching or the cooldown forbids
    /// it. Every fetch a decode causes, whether the set expired or a token
    /// named an unknown `kid`, waits out the cooldown since the last
    /// attempt: a server answering `no-store` (or a lower cache bound of
    /// zero) cannot turn each token into a fetch. Until then the last good
    /// set serves.
    fn refresh_if_allowed(&self, now: i64) -> bool {
        // Another thread is fetching: go on with the current set.
        let Ok(_fetching) = self.inner.refreshing.try_lock() else {
            return false;
        };
        let cooling = self
            .read()
            .last_attempt
            .is_some_and(|last| now < last.saturating_add(secs(self.inner.limits.cooldown)));
        if cooling {
            return false;
        }
        self.fetch_into_state(now).is_ok()
    }

    /// Fetches and records the outcome; the caller holds `refreshing`.
    fn fetch_into_state(&self, now: i64) -> Result<(), Error> {
        let outcome = self.fetch();
        let mut state = self
            .inner
            .state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.last_attempt = Some(now);
        match outcome {
            Ok(Fetched { keys, skipped, ttl }) => {
                state.keys = Some(keys);
                state.skipped = skipped;
                state.fresh_until = now.saturating_add(secs(ttl));
                state.last_error = None;
                Ok(())
            }
            Err(reason) => {
                state.last_error = Some(reason.clone());
                Err(Error::KeySetUnavailable {
                    url: self.inner.url.clone(),
                    reason,
                })
            }
        }
    }

    /// One GET of the set.
    fn fetch(&self) -> Result<Fetched, String> {
        let inner = &self.inner;
        let mut response = inner
            .agent
            .get(&inner.url)
            .header("accept", "application/jwk-set+json, application/json")
            .call()
            .map_err(|err| format!("request failed: {err}"))?;
        let ttl = inner.limits.cache_for(
            response
                .headers()
                .get("cache-control")
                .and_then(|value| value.to_str().ok()),
        );
        let body = response
            .body_mut()
            .with_config()
            .limit(u64::try_from(inner.limits.max_size).unwrap_or(u64::MAX))
            .read_to_vec()
            .map_err(|err| match err {
                ureq::Error::BodyExceedsLimit(limit) => {
                    format!("response larger than {limit} bytes")
                }
                other => format!("reading the response failed: {other}"),
            })?;
        let text = std::str::from_utf8(&body).map_err(|_| "response is not UTF-8".to_owned())?;
        let set = JwkSet::from_json(text).map_err(|err| err.to_string())?;
        let skipped: Arc<[SkippedKey]> = set.skipped().into();
        let keys = set.into_verifying_keys(inner.issuer.as_deref()).into();
        Ok(Fetched { keys, skipped, ttl })
    }

    fn now(&self) -> i64 {
        self.inner.clock.now().timestamp()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.inner
            .state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl core::fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let state = self.read();
        f.debug_struct("RemoteJwks")
            .field("url", &self.inner.url)
            .field("issuer", &self.inner.issuer)
            .field("keys", &state.keys.as_ref().map(|keys| keys.len()))
            .field("last_error", &state.last_error)
            .finish_non_exhaustive()
    }
}

/// A remote set refreshes on the decoding thread, within its cooldown.
impl crate::KeyProvider for RemoteJwks {
    fn keys(&self) -> Result<Arc<[VerifyingKey]>, Error> {
        RemoteJwks::keys(self)
    }

    fn unknown_kid(&self) -> bool {
        self.refresh_for_unknown_kid()
    }
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// Configures a [`RemoteJwks`].
#[must_use]
pub struct RemoteJwksBuilder {
    url: String,
    issuer: Option<String>,
    limits: FetchLimits,
    clock: Arc<dyn Clock>,
    allow_plain_http: bool,
}

impl RemoteJwksBuilder {
    /// Binds every key of the set to this issuer (RFC 8725 §3.8): tokens
    /// they verify must carry exactly this `iss`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The most a whole fetch may take (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = timeout;
        self
    }

    /// The largest response accepted, in bytes (default 256 KiB).
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.limits.max_size = usize::try_from(bytes).unwrap_or(usize::MAX);
        self
    }

    /// The bounds `Cache-Control: max-age` is held within (default 1 min
    /// to 24 h), and the lifetime used when the response gives none
    /// (default 10 min, also held within the bounds).
    pub fn cache_bounds(mut self, min: Duration, max: Duration, default: Duration) -> Self {
        self.limits.min_ttl = min;
        self.limits.max_ttl = max;
        self.limits.default_ttl = default;
        self
    }

    /// The least time between two fetches that are not forced by
    /// [`RemoteJwks::refresh`] (default 30 s): expired sets, unknown `kid`s
    /// and failed refreshes cannot make the verifier fetch more often than
    /// this, whatever the server's `Cache-Control` says.
    pub fn refresh_cooldown(mut self, cooldown: Duration) -> Self {
        self.limits.cooldown = cooldown;
        self
    }

    /// The clock the cache is judged by; [`SystemClock`] by default.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Allows `http://` URLs. Anyone on the network path can then replace
    /// the keys and so mint any token: only for tests against a server on
    /// loopback.
    pub fn dangerous_allow_plain_http(mut self) -> Self {
        self.allow_plain_http = true;
        self
    }

    /// Builds the remote set; nothing is fetched until it is needed (or
    /// [`RemoteJwks::refresh`] is called).
    ///
    /// # Errors
    /// [`Error::Configuration`] for a URL that is not `https://` (unless
    /// plain HTTP was allowed) or inconsistent cache bounds.
    pub fn build(self) -> Result<RemoteJwks, Error> {
        let https = self
            .url
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
        let http = self
            .url
            .get(..7)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"));
        let allowed = https || (http && self.allow_plain_http);
        if !allowed {
            return Err(ConfigError::JwksNotHttps {
                url: crate::error::echo(&self.url),
            }
            .into());
        }
        if self.limits.min_ttl > self.limits.max_ttl {
            return Err(ConfigError::CacheBounds.into());
        }
        let crypto = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(crypto)
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .https_only(!self.allow_plain_http)
            .timeout_global(Some(self.limits.timeout))
            .max_redirects(3)
            .build()
            .new_agent();
        Ok(RemoteJwks {
            inner: Arc::new(Inner {
                url: self.url,
                agent,
                issuer: self.issuer,
                limits: self.limits,
                clock: self.clock,
                state: RwLock::new(State::default()),
                refreshing: Mutex::new(()),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_plain_http_unless_dangerously_allowed() {
        let err = RemoteJwks::builder("http://auth.example.com/jwks.json")
            .build()
            .unwrap_err();
        assert_eq!(
            err,
            Error::Configuration(ConfigError::JwksNotHttps {
                url: "http://auth.example.com/jwks.json".into()
            })
        );
        assert!(
            RemoteJwks::builder("http://127.0.0.1:1/jwks.json")
                .dangerous_allow_plain_http()
                .build()
                .is_ok()
        );
        assert!(
            RemoteJwks::builder("https://auth.example.com/jwks.json")
                .build()
                .is_ok()
        );
        assert!(
            RemoteJwks::builder("file:///etc/passwd")
                .dangerous_allow_plain_http()
                .build()
                .is_err()
        );
    }
}
