//! A remote JWK Set refreshed off the request path, by a task on the tokio
//! runtime.
//!
//! The rules are the core's `RemoteJwks`' (feature `remote-jwks`): the
//! set is cached for the response's `Cache-Control: max-age` held within
//! bounds (1 min to 24 h, 10 min when none is given), fetches are at least
//! a cooldown apart (30 s) whatever causes them, a failed refresh keeps
//! the last good set serving, responses are capped (256 KiB, 5 s), and
//! nothing in a token ever chooses what is fetched. What differs is where
//! the work runs: the task prefetches at start-up and refreshes when the
//! cache runs out, so requests only ever read a snapshot (an `Arc` clone
//! under a lock held for that clone), on any runtime flavour. A token
//! naming an unknown `kid` asks the task for a refresh; the
//! [`BearerAuth`](crate::BearerAuth) it is registered with waits for that
//! refresh, at most the fetch timeout, then decodes once more.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, CACHE_CONTROL};
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jwt_claims::{Error, FetchLimits, JwkSet, KeyProvider, VerifyingKey};
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use crate::ConfigError;

/// A JWK Set kept fresh by a background task; give it to a verifier with
/// [`provider`](RemoteKeySet::provider) and to the [`BearerAuth`] with
/// [`key_set`](crate::BearerAuthBuilder::key_set).
///
/// Cloning shares the set; the task ends when the last clone is dropped.
/// The core's blocking `RemoteJwks` (feature `remote-jwks`) stays for
/// services without an async runtime.
///
/// [`BearerAuth`]: crate::BearerAuth
///
/// ```no_run
/// use std::time::Duration;
/// use jwt_claims::Verifier;
/// use jwt_claims_axum::{BearerAuth, RemoteKeySet};
/// # #[derive(serde::Serialize, serde::Deserialize, jwt_claims::Claims)]
/// # #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// # struct BillingAccess {}
///
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// let auth_keys = RemoteKeySet::builder("https://auth.example.com/.well-known/jwks.json")
///     .issuer("https://auth.example.com")        // bind every fetched key
///     .refresh_cooldown(Duration::from_secs(30)) // at most one fetch per 30 s
///     .spawn()?;
/// auth_keys.ready().await?; // the prefetch: serve nothing before the keys are in
///
/// let verifier = Verifier::builder()
///     .issuer("https://auth.example.com")
///     .key_provider::<BillingAccess>(auth_keys.provider())
///     .build()?;
/// let auth = BearerAuth::builder(verifier).key_set(auth_keys).build()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RemoteKeySet {
    handle: Arc<Handle>,
}

/// The users' side of the set: when the last one goes, the task stops.
struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.wake.notify_one();
    }
}

/// What the task and the users share.
struct Shared {
    url: String,
    uri: Uri,
    issuer: Option<String>,
    limits: FetchLimits,
    state: RwLock<State>,
    /// Asks the task for a refresh (an unknown `kid`) or to stop.
    wake: Notify,
    closed: AtomicBool,
    /// Set while a fetch runs.
    fetching: AtomicBool,
    /// How many fetches have finished, successful or not.
    attempts: watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    /// The last good set; `None` until a fetch has succeeded.
    keys: Option<Arc<[VerifyingKey]>>,
    /// Bumped each time a fetch brings a set that differs from the last.
    version: u64,
    /// The last good response body, to tell a new set from the same one.
    body: Bytes,
    last_attempt: Option<Instant>,
    last_error: Option<String>,
}

type HttpClient = Client<HttpsConnector<HttpConnector>, Empty<Bytes>>;

impl RemoteKeySet {
    /// Starts configuring a remote set at `url` (which must be
    /// `https://`).
    pub fn builder(url: impl Into<String>) -> RemoteKeySetBuilder {
        RemoteKeySetBuilder {
            url: url.into(),
            issuer: None,
            limits: FetchLimits::DEFAULT,
            allow_plain_http: false,
            tls_roots: Vec::new(),
        }
    }

    /// The URL the set is fetched from.
    pub fn url(&self) -> &str {
        &self.handle.shared.url
    }

    /// Waits for the first fetch (the prefetch started by
    /// [`spawn`](RemoteKeySetBuilder::spawn)), which the fetch timeout
    /// bounds.
    ///
    /// # Errors
    /// [`Error::KeySetUnavailable`] when it failed; the task retries once
    /// per cooldown, and requests answer 503 until a set is in.
    pub async fn ready(&self) -> Result<(), Error> {
        let shared = &self.handle.shared;
        let mut attempts = shared.attempts.subscribe();
        let first = attempts.wait_for(|finished| *finished > 0);
        // The fetch is cut off at the timeout by the task; twice that
        // only guards against a task that is gone.
        let _ = tokio::time::timeout(shared.limits.timeout * 2, first).await;
        shared.keys().map(|_| ())
    }

    /// This set as a verifier's key source, for
    /// [`VerifierBuilder::key_provider`](jwt_claims::VerifierBuilder::key_provider).
    pub fn provider(&self) -> Arc<dyn KeyProvider> {
        Arc::new(self.clone())
    }

    /// Which set is current: a number that grows with each new set.
    pub(crate) fn version(&self) -> u64 {
        self.handle.shared.read().version
    }

    /// A token named a `kid` the set lacked when its decode began (the set
    /// was then at `since`): `true` once a newer set is in. Waits for a
    /// refresh already running, or asks for one unless the last attempt
    /// is within the cooldown; never longer than the fetch timeout.
    pub(crate) async fn newer_than(&self, since: u64) -> bool {
        let shared = &self.handle.shared;
        if shared.read().version > since {
            return true;
        }
        let mut attempts = shared.attempts.subscribe();
        let seen = *attempts.borrow_and_update();
        if !shared.fetching.load(Ordering::SeqCst) {
            let cooling = shared
                .read()
                .last_attempt
                .is_some_and(|last| last.elapsed() < shared.limits.cooldown);
            if cooling {
                return false;
            }
            shared.wake.notify_one();
        }
        let refreshed = attempts.wait_for(|finished| *finished > seen);
        let _ = tokio::time::timeout(shared.limits.timeout, refreshed).await;
        shared.read().version > since
    }
}

impl KeyProvider for RemoteKeySet {
    fn keys(&self) -> Result<Arc<[VerifyingKey]>, Error> {
        self.handle.shared.keys()
    }

    /// Asks the task for a refresh (within its cooldown) and returns at
    /// once: the decode must not wait on the network. The
    /// [`BearerAuth`](crate::BearerAuth) this set is registered with does
    /// the waiting, asynchronously.
    fn unknown_kid(&self) -> bool {
        self.handle.shared.wake.notify_one();
        false
    }
}

impl core::fmt::Debug for RemoteKeySet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let shared = &self.handle.shared;
        let state = shared.read();
        f.debug_struct("RemoteKeySet")
            .field("url", &shared.url)
            .field("issuer", &shared.issuer)
            .field("keys", &state.keys.as_ref().map(|keys| keys.len()))
            .field("last_error", &state.last_error)
            .finish_non_exhaustive()
    }
}

impl Shared {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn keys(&self) -> Result<Arc<[VerifyingKey]>, Error> {
        let state = self.read();
        state.keys.clone().ok_or_else(|| Error::KeySetUnavailable {
            url: self.url.clone(),
            reason: state
                .last_error
                .clone()
                .unwrap_or_else(|| "not fetched yet".into()),
        })
    }

    /// Records a fetch's outcome; returns when the next one is due.
    fn record(&self, outcome: Result<Fetched, String>) -> Instant {
        let now = Instant::now();
        let mut state = self
            .state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.last_attempt = Some(now);
        match outcome {
            Ok(fetched) => {
                if state.keys.is_none() || state.body != fetched.body {
                    state.version += 1;
                }
                state.keys = Some(fetched.keys);
                state.body = fetched.body;
                state.last_error = None;
                now + fetched.ttl.max(self.limits.cooldown)
            }
            Err(reason) => {
                tracing::warn!(url = %self.url, %reason, "JWK Set refresh failed; the last good set keeps serving");
                state.last_error = Some(reason);
                now + self.limits.cooldown
            }
        }
    }
}

/// Configures a [`RemoteKeySet`]; defaults as the core's `RemoteJwks`.
#[must_use]
pub struct RemoteKeySetBuilder {
    url: String,
    issuer: Option<String>,
    limits: FetchLimits,
    allow_plain_http: bool,
    /// CA certificates (DER) trusted instead of the webpki roots.
    tls_roots: Vec<Vec<u8>>,
}

impl RemoteKeySetBuilder {
    /// Binds every key of the set to this issuer (RFC 8725 §3.8): tokens
    /// they verify must carry exactly this `iss`.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The most a whole fetch may take (default 5 s); also how long a
    /// request naming an unknown `kid` waits for a refresh.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.limits.timeout = timeout;
        self
    }

    /// The largest response accepted, in bytes (default 256 KiB).
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.limits.max_size = bytes;
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

    /// The least time between two fetches (default 30 s): expired sets,
    /// unknown `kid`s and failed fetches cannot make the task fetch more
    /// often, whatever the server's `Cache-Control` says.
    pub fn refresh_cooldown(mut self, cooldown: Duration) -> Self {
        self.limits.cooldown = cooldown;
        self
    }

    /// Trusts `certificate` (DER) as a certificate authority for the
    /// fetch, instead of the public Web PKI's roots: for an issuer whose
    /// TLS certificate a private CA signed (an internal PKI, a service
    /// mesh). Call it once a CA; once any is given, only those are
    /// trusted. From PEM: `CertificateDer::from_pem_slice` of
    /// `rustls::pki_types::pem::PemObject`.
    ///
    /// ```no_run
    /// use jwt_claims_axum::RemoteKeySet;
    ///
    /// # async fn run(ca_der: Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
    /// let keys = RemoteKeySet::builder("https://auth.internal/.well-known/jwks.json")
    ///     .issuer("https://auth.internal")
    ///     .tls_root_certificate(ca_der)
    ///     .spawn()?;
    /// keys.ready().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn tls_root_certificate(mut self, certificate: impl Into<Vec<u8>>) -> Self {
        self.tls_roots.push(certificate.into());
        self
    }

    /// Allows `http://` URLs. Anyone on the network path can then replace
    /// the keys and so mint any token: only for tests against a server on
    /// loopback.
    pub fn dangerous_allow_plain_http(mut self) -> Self {
        self.allow_plain_http = true;
        self
    }

    /// Starts the refresher on the current tokio runtime; its first fetch
    /// (the prefetch) begins at once. Await [`RemoteKeySet::ready`] before
    /// serving.
    ///
    /// # Errors
    /// [`ConfigError::JwksNotHttps`] for a URL that is not `https://`
    /// (unless plain HTTP was allowed), [`ConfigError::CacheBounds`] for a
    /// minimum above the maximum, [`ConfigError::ZeroDuration`] for a zero
    /// timeout or cooldown, [`ConfigError::InvalidTlsRoot`] for a trusted
    /// certificate rustls cannot use, [`ConfigError::NoRuntime`] outside a
    /// tokio runtime.
    pub fn spawn(self) -> Result<RemoteKeySet, ConfigError> {
        let not_https = || ConfigError::JwksNotHttps {
            url: self.url.clone(),
        };
        let uri: Uri = self.url.parse().map_err(|_| not_https())?;
        let allowed = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => self.allow_plain_http,
            _ => false,
        };
        if !allowed || uri.host().is_none() {
            return Err(not_https());
        }
        let limits = self.limits;
        if limits.min_ttl > limits.max_ttl {
            return Err(ConfigError::CacheBounds);
        }
        for (setting, value) in [
            ("the JWK Set fetch timeout", limits.timeout),
            ("the JWK Set refresh cooldown", limits.cooldown),
        ] {
            if value.is_zero() {
                return Err(ConfigError::ZeroDuration { setting });
            }
        }
        let roots = trusted_roots(self.tls_roots)?;
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| ConfigError::NoRuntime)?;
        let client = http_client(limits.timeout, self.allow_plain_http, roots);
        let shared = Arc::new(Shared {
            url: self.url,
            uri,
            issuer: self.issuer,
            limits,
            state: RwLock::new(State::default()),
            wake: Notify::new(),
            closed: AtomicBool::new(false),
            fetching: AtomicBool::new(false),
            attempts: watch::Sender::new(0),
        });
        runtime.spawn(refresh(shared.clone(), client));
        Ok(RemoteKeySet {
            handle: Arc::new(Handle { shared }),
        })
    }
}

/// `err` and what caused it, outermost first: hyper's client error says
/// only "client error (Connect)", the cause says which (a refused
/// connection, a certificate no trusted root signed).
fn with_causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// The CAs given to trust, if any, as rustls' root store.
fn trusted_roots(certificates: Vec<Vec<u8>>) -> Result<Option<RootCertStore>, ConfigError> {
    if certificates.is_empty() {
        return Ok(None);
    }
    let mut roots = RootCertStore::empty();
    for der in certificates {
        roots
            .add(CertificateDer::from(der))
            .map_err(|err| ConfigError::InvalidTlsRoot {
                reason: err.to_string(),
            })?;
    }
    Ok(Some(roots))
}

/// hyper-util's client over rustls (aws-lc-rs; the webpki roots unless
/// `roots` are given), HTTP/1, no redirects followed.
fn http_client(
    timeout: Duration,
    allow_plain_http: bool,
    roots: Option<RootCertStore>,
) -> HttpClient {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(timeout));
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    let tls = hyper_rustls::HttpsConnectorBuilder::new();
    let tls = match roots {
        None => tls
            .with_provider_and_webpki_roots(provider)
            .expect("aws-lc-rs supports rustls' default protocol versions"),
        Some(roots) => tls.with_tls_config(
            ClientConfig::builder_with_provider(Arc::new(provider))
                .with_safe_default_protocol_versions()
                .expect("aws-lc-rs supports rustls' default protocol versions")
                .with_root_certificates(roots)
                .with_no_client_auth(),
        ),
    };
    let tls = if allow_plain_http {
        tls.https_or_http()
    } else {
        tls.https_only()
    };
    Client::builder(TokioExecutor::new()).build(tls.enable_http1().wrap_connector(http))
}

/// The refresher: fetch, sleep until the cache runs out (or a refresh is
/// asked for and the cooldown allows), fetch again; until the set is
/// dropped.
async fn refresh(shared: Arc<Shared>, client: HttpClient) {
    loop {
        shared.fetching.store(true, Ordering::SeqCst);
        let outcome = tokio::time::timeout(shared.limits.timeout, fetch(&client, &shared))
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "no answer within {} ms",
                    shared.limits.timeout.as_millis()
                ))
            });
        let mut due = shared.record(outcome);
        shared.attempts.send_modify(|finished| *finished += 1);
        shared.fetching.store(false, Ordering::SeqCst);
        let earliest = Instant::now() + shared.limits.cooldown;
        loop {
            if shared.closed.load(Ordering::SeqCst) {
                return;
            }
            match tokio::time::timeout_at(due, shared.wake.notified()).await {
                Err(_due) => break,
                // Asked for a refresh: as soon as the cooldown allows.
                Ok(()) => due = due.min(earliest),
            }
            if Instant::now() >= due {
                break;
            }
        }
        if shared.closed.load(Ordering::SeqCst) {
            return;
        }
    }
}

/// What one good fetch brought.
struct Fetched {
    keys: Arc<[VerifyingKey]>,
    ttl: Duration,
    body: Bytes,
}

/// One GET of the set: keys bound to the issuer, and how long to cache.
async fn fetch(client: &HttpClient, shared: &Shared) -> Result<Fetched, String> {
    let limits = &shared.limits;
    let request = Request::get(shared.uri.clone())
        .header(ACCEPT, "application/jwk-set+json, application/json")
        .body(Empty::new())
        .map_err(|err| format!("request failed: {err}"))?;
    let response = client
        .request(request)
        .await
        .map_err(|err| format!("request failed: {}", with_causes(&err)))?;
    if response.status() != StatusCode::OK {
        return Err(format!("the server answered {}", response.status()));
    }
    let ttl = limits.cache_for(
        response
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|value| value.to_str().ok()),
    );
    let body = Limited::new(response.into_body(), limits.max_size)
        .collect()
        .await
        .map_err(|err| {
            if err.is::<http_body_util::LengthLimitError>() {
                format!("response larger than {} bytes", limits.max_size)
            } else {
                format!("reading the response failed: {err}")
            }
        })?
        .to_bytes();
    let text = std::str::from_utf8(&body).map_err(|_| "response is not UTF-8".to_owned())?;
    let set = JwkSet::from_json(text).map_err(|err| err.to_string())?;
    for skipped in set.skipped() {
        tracing::warn!(url = %shared.url, %skipped, "JWK Set key skipped");
    }
    let keys: Arc<[VerifyingKey]> = set.into_verifying_keys(shared.issuer.as_deref()).into();
    if keys.is_empty() {
        return Err("the set has no usable key".into());
    }
    tracing::debug!(url = %shared.url, keys = keys.len(), "JWK Set refreshed");
    Ok(Fetched { keys, ttl, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_urls_that_are_not_https_unless_dangerously_allowed() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _entered = runtime.enter();
        for url in [
            "http://auth.example.com/jwks",
            "file:///etc/passwd",
            "not a url",
            "https:///x",
        ] {
            assert_eq!(
                RemoteKeySet::builder(url).spawn().unwrap_err(),
                ConfigError::JwksNotHttps { url: url.into() },
                "{url}"
            );
        }
        assert_eq!(
            RemoteKeySet::builder("ftp://127.0.0.1/jwks")
                .dangerous_allow_plain_http()
                .spawn()
                .unwrap_err(),
            ConfigError::JwksNotHttps {
                url: "ftp://127.0.0.1/jwks".into()
            }
        );
        assert_eq!(
            RemoteKeySet::builder("https://auth.example.com/jwks")
                .refresh_cooldown(Duration::ZERO)
                .spawn()
                .unwrap_err(),
            ConfigError::ZeroDuration {
                setting: "the JWK Set refresh cooldown"
            }
        );
    }

    #[test]
    fn refuses_to_start_outside_a_runtime() {
        assert_eq!(
            RemoteKeySet::builder("https://auth.example.com/jwks")
                .spawn()
                .unwrap_err(),
            ConfigError::NoRuntime
        );
    }
}
