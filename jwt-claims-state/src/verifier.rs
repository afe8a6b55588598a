//! The stateful verifier: every stateless check first, then revocation,
//! then (last) the one-time mark.

use core::task::Poll;
use core::time::Duration;
use std::sync::Arc;

use jwt_claims::{Claims, Clock, Decoded, Error, MAX_LEEWAY, RegisteredClaims, Verifier};

use crate::store::{Check, Facts, Store, StoreFuture};
use crate::{FamilyId, KeyKind, StoreKey};

/// How long a store call may take before verification fails as
/// unavailable, unless configured: 1 s.
pub const DEFAULT_STORE_TIMEOUT: Duration = Duration::from_secs(1);

/// How long a "log out everywhere" watermark is kept unless configured:
/// 400 days, longer than any refresh family should live.
pub const DEFAULT_WATERMARK_LIFETIME: Duration = Duration::from_secs(400 * 24 * 3600);

/// A claims type whose tokens the [`StatefulVerifier`] checks for
/// revocation: by (`iss`, `jti`), by its subject's watermark and, for a
/// token minted from a refresh family, by that family.
///
/// Every type decoded statefully says whether it belongs to a family; there
/// is no default, so a type that carries a family id cannot forget to say
/// so. Refresh types implement [`RefreshClaims`](crate::RefreshClaims)
/// instead, which implies this.
///
/// ```
/// use jwt_claims::Claims;
/// use jwt_claims_state::{FamilyId, Revocable};
/// use serde::{Deserialize, Serialize};
///
/// // An access token minted from a refresh family: revoking the family
/// // rejects it too.
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(typ = "access", aud = "billing", ttl = "15m", require = ["sub", "jti"])]
/// struct Access {
///     sid: FamilyId,
/// }
///
/// impl Revocable for Access {
///     fn family(&self) -> Option<&FamilyId> {
///         Some(&self.sid)
///     }
/// }
///
/// // A password-reset link: no family.
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(typ = "reset", aud = "accounts", ttl = "15m", one_time)]
/// struct PasswordReset {
///     account: u64,
/// }
///
/// impl Revocable for PasswordReset {
///     fn family(&self) -> Option<&FamilyId> {
///         None
///     }
/// }
/// ```
pub trait Revocable: Claims {
    /// The refresh family the token was minted from, if any.
    fn family(&self) -> Option<&FamilyId>;
}

/// A [`Verifier`] with a [`Store`]: decodes as the verifier does, then
/// refuses tokens that were revoked and one-time tokens used before.
///
/// The order is the point. The stateless checks run first (signature,
/// time claims, purpose, nested tokens), then revocation: the token's
/// (`iss`, `jti`) denial, its subject's "log out everywhere" watermark,
/// its refresh family. The one-time mark comes last, so a forged token
/// carrying a real `jti` never burns it and a token refused for any other
/// reason stays unused. Callers with checks of their own (an extractor's
/// guards) split the two: [`StatefulVerifier::verify`], their checks, then
/// [`Verified::commit`].
///
/// A revoked token is [`Error::Revoked`], a second use [`Error::Replayed`]:
/// both of kind [`Invalid`](jwt_claims::ErrorKind::Invalid), like any bad
/// token. A store that fails or does not answer within the timeout is
/// [`Error::StoreUnavailable`] (kind
/// [`Unavailable`](jwt_claims::ErrorKind::Unavailable)): nothing is ever
/// accepted without the store, and the next call tries it again.
///
/// ```
/// use std::sync::Arc;
/// use jwt_claims::{Algorithm, Claims, Error, HmacKey, Signer, Verifier};
/// use jwt_claims_state::{FamilyId, MemoryStore, Revocable, StatefulVerifier};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Serialize, Deserialize, Claims)]
/// #[jwt(typ = "reset", aud = "accounts", ttl = "15m", one_time)]
/// struct PasswordReset { account: u64 }
///
/// impl Revocable for PasswordReset {
///     fn family(&self) -> Option<&FamilyId> { None }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let key = HmacKey::new(Algorithm::HS256, &[7; 32])?;
/// let signer = Signer::builder().issuer("auth").shared_key(key.clone()).build()?;
/// let verifier = Verifier::builder().issuer("auth").shared_key(key).build()?;
/// let stateful = StatefulVerifier::new(verifier, Arc::new(MemoryStore::new()));
///
/// let link = signer.encode(&PasswordReset { account: 42 })?;
/// assert_eq!(stateful.decode::<PasswordReset>(link.as_str()).await?.claims().account, 42);
/// assert_eq!(stateful.decode::<PasswordReset>(link.as_str()).await.err(), Some(Error::Replayed));
/// # Ok::<(), Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct StatefulVerifier {
    inner: Arc<Inner>,
}

struct Inner {
    verifier: Verifier,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    leeway: Duration,
    timeout: Duration,
    watermark_lifetime: Duration,
}

impl StatefulVerifier {
    /// `verifier` with `store`, and the defaults: the verifier's clock, a
    /// leeway of [`MAX_LEEWAY`] or the verifier's when longer, a store
    /// timeout of [`DEFAULT_STORE_TIMEOUT`].
    pub fn new(verifier: Verifier, store: Arc<dyn Store>) -> StatefulVerifier {
        StatefulVerifier::builder(verifier, store).build()
    }

    /// Starts configuring a stateful verifier.
    pub fn builder(verifier: Verifier, store: Arc<dyn Store>) -> StatefulVerifierBuilder {
        StatefulVerifierBuilder {
            clock: verifier.clock(),
            // A mark must outlive every moment the verifier still accepts
            // the token: a dangerously long leeway included.
            leeway: verifier.leeway().max(MAX_LEEWAY),
            verifier,
            store,
            timeout: DEFAULT_STORE_TIMEOUT,
            watermark_lifetime: DEFAULT_WATERMARK_LIFETIME,
        }
    }

    /// Decodes `token` as purpose `T`: every check of
    /// [`Verifier::decode`], then revocation, then, for a one-time purpose,
    /// the mark; one store round trip in all.
    ///
    /// # Errors
    /// Those of [`Verifier::decode`]; [`Error::Revoked`];
    /// [`Error::Replayed`] for a one-time token used before;
    /// [`Error::StoreUnavailable`] when the store fails or times out.
    pub async fn decode<T: Revocable>(&self, token: &str) -> Result<Decoded<T>, Error> {
        let decoded = self.inner.verifier.decode::<T>(token)?;
        self.check(&decoded).await?;
        Ok(decoded)
    }

    /// The stateful half of [`StatefulVerifier::decode`], for a token the
    /// caller decoded and checked already (an extractor that verified it
    /// and ran its guards): revocation, then, for a one-time purpose, the
    /// mark; one store round trip. Call it last, once every other check
    /// passed: a token refused after its mark was taken stays used.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use jwt_claims::{Algorithm, Claims, Error, HmacKey, Signer, Verifier};
    /// # use jwt_claims_state::{FamilyId, MemoryStore, Revocable, StatefulVerifier};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Debug, Serialize, Deserialize, Claims)]
    /// # #[jwt(typ = "reset", aud = "accounts", ttl = "15m", one_time)]
    /// # struct PasswordReset { account: u64 }
    /// # impl Revocable for PasswordReset {
    /// #     fn family(&self) -> Option<&FamilyId> { None }
    /// # }
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// # let key = HmacKey::new(Algorithm::HS256, &[7; 32])?;
    /// # let signer = Signer::builder().issuer("auth").shared_key(key.clone()).build()?;
    /// # let verifier = Verifier::builder().issuer("auth").shared_key(key).build()?;
    /// let stateful = StatefulVerifier::new(verifier.clone(), Arc::new(MemoryStore::new()));
    /// let link = signer.encode(&PasswordReset { account: 42 })?;
    ///
    /// let decoded = verifier.decode::<PasswordReset>(link.as_str())?;
    /// assert_eq!(stateful.check(&decoded).await, Ok(()));
    /// assert_eq!(stateful.check(&decoded).await, Err(Error::Replayed));
    /// # Ok::<(), Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::Revoked`]; [`Error::Replayed`] for a one-time token used
    /// before; [`Error::MissingClaim`] for a one-time token without `jti`;
    /// [`Error::StoreUnavailable`] when the store fails or times out.
    pub async fn check<T: Revocable>(&self, decoded: &Decoded<T>) -> Result<(), Error> {
        let mut check = self.check_for(decoded);
        check.mark = self.mark_for::<T>(decoded.registered(), check.denied)?;
        let facts = self.call(self.inner.store.check(&check)).await?;
        verdict(&check, &facts)
    }

    /// The first half of [`StatefulVerifier::decode`], for callers with
    /// checks of their own: every stateless check and revocation, but not
    /// the one-time mark, which [`Verified::commit`] takes once those
    /// checks passed. A token dropped before `commit` stays unused.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use jwt_claims::{Algorithm, Claims, Error, HmacKey, Signer, Verifier};
    /// # use jwt_claims_state::{FamilyId, MemoryStore, Revocable, StatefulVerifier};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Debug, Serialize, Deserialize, Claims)]
    /// # #[jwt(typ = "reset", aud = "accounts", ttl = "15m", one_time)]
    /// # struct PasswordReset { account: u64 }
    /// # impl Revocable for PasswordReset {
    /// #     fn family(&self) -> Option<&FamilyId> { None }
    /// # }
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// # let key = HmacKey::new(Algorithm::HS256, &[7; 32])?;
    /// # let signer = Signer::builder().issuer("auth").shared_key(key.clone()).build()?;
    /// # let verifier = Verifier::builder().issuer("auth").shared_key(key).build()?;
    /// let stateful = StatefulVerifier::new(verifier, Arc::new(MemoryStore::new()));
    /// let link = signer.encode(&PasswordReset { account: 42 })?;
    ///
    /// // A guard refuses the request: the link is not used up.
    /// let verified = stateful.verify::<PasswordReset>(link.as_str()).await?;
    /// assert_eq!(verified.decoded().claims().account, 42);
    /// drop(verified);
    ///
    /// // The next request passes its guards and commits.
    /// let verified = stateful.verify::<PasswordReset>(link.as_str()).await?;
    /// let decoded = verified.commit().await?;
    /// assert_eq!(decoded.claims().account, 42);
    /// assert_eq!(stateful.decode::<PasswordReset>(link.as_str()).await.err(), Some(Error::Replayed));
    /// # Ok::<(), Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`StatefulVerifier::decode`], except [`Error::Replayed`], which
    /// only `commit` can tell.
    pub async fn verify<T: Revocable>(&self, token: &str) -> Result<Verified<T>, Error> {
        self.verify_in(token, true).await
    }

    /// [`StatefulVerifier::verify`]; with `family` false, the family is
    /// left to the caller (a rotation checks it in its compare-and-swap).
    pub(crate) async fn verify_in<T: Revocable>(
        &self,
        token: &str,
        family: bool,
    ) -> Result<Verified<T>, Error> {
        let decoded = self.inner.verifier.decode::<T>(token)?;
        let mut check = self.check_for(&decoded);
        if !family {
            check.family = None;
        }
        let facts = self.call(self.inner.store.check(&check)).await?;
        verdict(&check, &facts)?;
        Ok(Verified {
            decoded,
            one_time: T::policy().is_one_time(),
            verifier: self.clone(),
        })
    }

    /// Revokes one token until it expires, by its (`iss`, `jti`): pass the
    /// registered claims of a [`Token`](jwt_claims::Token) or a
    /// [`Decoded`]. An expired token needs no revoking and is left alone.
    ///
    /// # Errors
    /// [`Error::MissingClaim`] for a token without `jti`, which cannot be
    /// told apart from others; [`Error::StoreUnavailable`].
    pub async fn revoke(&self, token: &RegisteredClaims) -> Result<(), Error> {
        let Some(jti) = token.jwt_id() else {
            return Err(Error::MissingClaim {
                claim: jwt_claims::RegisteredClaim::JwtId,
            });
        };
        let key = StoreKey::new(KeyKind::Denied, token.issuer(), jti);
        let Some(ttl) = self.lifetime_left(token.expires_at().timestamp(), Duration::ZERO) else {
            return Ok(());
        };
        self.call(self.inner.store.deny(&key, ttl)).await
    }

    /// "Log out everywhere": every token of `subject` from `issuer` issued
    /// up to now (access and refresh alike, `iat` at or before this
    /// second) is refused from now on. Tokens issued later are not. The
    /// watermark never goes down: a later call can only move it forward.
    /// Returns it, seconds since the epoch.
    ///
    /// It is kept for the watermark lifetime
    /// ([`DEFAULT_WATERMARK_LIFETIME`] unless configured), which must be
    /// longer than any token of the subject lives.
    ///
    /// # Errors
    /// [`Error::StoreUnavailable`].
    pub async fn log_out_everywhere(
        &self,
        issuer: Option<&str>,
        subject: &str,
    ) -> Result<i64, Error> {
        let key = StoreKey::new(KeyKind::Watermark, issuer, subject);
        let now = self.now();
        let lifetime = self.inner.watermark_lifetime;
        self.call(self.inner.store.raise_watermark(&key, now, lifetime))
            .await
    }

    /// The stateless verifier it decodes with.
    pub fn verifier(&self) -> &Verifier {
        &self.inner.verifier
    }

    /// The store it checks and marks in.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// Now, seconds since the epoch, by its clock.
    pub(crate) fn now(&self) -> i64 {
        self.inner.clock.now().timestamp()
    }

    /// Now, milliseconds since the epoch, by its clock.
    pub(crate) fn now_ms(&self) -> i64 {
        self.inner.clock.unix_millis()
    }

    /// How long from now something that lasts until `exp` (seconds since
    /// the epoch), plus the leeway and `extra`, must be kept; `None` once
    /// that is past.
    pub(crate) fn lifetime_left(&self, exp: i64, extra: Duration) -> Option<Duration> {
        let end_ms = exp
            .saturating_mul(1000)
            .saturating_add(millis(self.inner.leeway.saturating_add(extra)));
        let left = end_ms.saturating_sub(self.now_ms());
        (left > 0).then(|| Duration::from_millis(left.unsigned_abs()))
    }

    /// `call`, bounded by the store timeout.
    pub(crate) async fn call<T>(&self, mut call: StoreFuture<'_, T>) -> Result<T, Error> {
        // A call that answers when first polled (the memory store's
        // always do) needs no timer: `timeout` polls its future before its
        // timer and would take that answer too, after reading the clock
        // and setting the timer up. A call still pending gets the whole
        // timeout from here.
        let first = core::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx))).await;
        if let Poll::Ready(answer) = first {
            return answer;
        }
        let timeout = self.inner.timeout;
        match tokio::time::timeout(timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(Error::StoreUnavailable {
                reason: format!("no answer within {} ms", timeout.as_millis()),
            }),
        }
    }

    /// The revocation entries of a decoded token.
    pub(crate) fn check_for<T: Revocable>(&self, decoded: &Decoded<T>) -> Check {
        let registered = decoded.registered();
        let issuer = registered.issuer();
        let mut check = Check::new(registered.issued_at().map(|at| at.timestamp()));
        check.denied = registered
            .jwt_id()
            .map(|jti| StoreKey::new(KeyKind::Denied, issuer, jti));
        check.watermark = registered
            .subject()
            .map(|sub| StoreKey::new(KeyKind::Watermark, issuer, sub));
        check.family = decoded
            .claims()
            .family()
            .map(|family| StoreKey::new(KeyKind::Family, issuer, family.as_str()));
        check
    }

    /// The mark a one-time token of `T` takes: (`iss`, `jti`), kept until
    /// `exp` plus the leeway, relative to now. `denied` is the token's
    /// denial key when [`check_for`](Self::check_for) made it: the mark
    /// hashes the same (`iss`, `jti`).
    fn mark_for<T: Revocable>(
        &self,
        registered: &RegisteredClaims,
        denied: Option<StoreKey>,
    ) -> Result<Option<(StoreKey, Duration)>, Error> {
        if !T::policy().is_one_time() {
            return Ok(None);
        }
        // The verifier requires `jti` of a one-time purpose; this holds
        // for a hand-written policy too.
        let Some(jti) = registered.jwt_id() else {
            return Err(Error::MissingClaim {
                claim: jwt_claims::RegisteredClaim::JwtId,
            });
        };
        let key = match denied {
            Some(denied) => denied.with_kind(KeyKind::Used),
            None => StoreKey::new(KeyKind::Used, registered.issuer(), jti),
        };
        let extra = T::policy().leeway().saturating_sub(self.inner.leeway);
        // Accepted a moment ago, the token may be a few milliseconds past
        // `exp` plus leeway by now: it is still kept for a second.
        let ttl = self
            .lifetime_left(registered.expires_at().timestamp(), extra)
            .unwrap_or(Duration::ZERO)
            .max(Duration::from_secs(1));
        Ok(Some((key, ttl)))
    }
}

/// The answer for `facts`: revoked, replayed or fine.
fn verdict(check: &Check, facts: &Facts) -> Result<(), Error> {
    if check.revokes(facts) {
        return Err(Error::Revoked);
    }
    match facts.marked {
        Some(false) => Err(Error::Replayed),
        _ => Ok(()),
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl core::fmt::Debug for StatefulVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StatefulVerifier")
            .field("verifier", &self.inner.verifier)
            .field("leeway", &self.inner.leeway)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// A token that passed every check of a [`StatefulVerifier`] but the
/// one-time mark: call [`Verified::commit`] once the caller's own checks
/// passed. Dropping it leaves a one-time token unused.
#[must_use = "a one-time token is only marked used by commit()"]
pub struct Verified<T> {
    decoded: Decoded<T>,
    one_time: bool,
    verifier: StatefulVerifier,
}

impl<T: Revocable> Verified<T> {
    /// The verified token, for the caller's checks.
    pub fn decoded(&self) -> &Decoded<T> {
        &self.decoded
    }

    /// The token, without taking the mark (a rotation's compare-and-swap
    /// is its one use).
    pub(crate) fn into_decoded(self) -> Decoded<T> {
        self.decoded
    }

    /// Whether `commit` takes a mark: the purpose is one-time.
    pub fn is_one_time(&self) -> bool {
        self.one_time
    }

    /// Marks a one-time token used and hands the token over; for other
    /// purposes, just hands it over.
    ///
    /// # Errors
    /// [`Error::Replayed`] when the token was used meanwhile (by a
    /// concurrent request: exactly one of them commits);
    /// [`Error::StoreUnavailable`].
    pub async fn commit(self) -> Result<Decoded<T>, Error> {
        let Some((key, ttl)) = self
            .verifier
            .mark_for::<T>(self.decoded.registered(), None)?
        else {
            return Ok(self.decoded);
        };
        let store = self.verifier.store().clone();
        match self.verifier.call(store.mark(&key, ttl)).await? {
            true => Ok(self.decoded),
            false => Err(Error::Replayed),
        }
    }
}

impl<T> core::fmt::Debug for Verified<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verified")
            .field("purpose", &core::any::type_name::<T>())
            .field("one_time", &self.one_time)
            .finish_non_exhaustive()
    }
}

/// Configures a [`StatefulVerifier`].
#[must_use]
pub struct StatefulVerifierBuilder {
    verifier: Verifier,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    leeway: Duration,
    timeout: Duration,
    watermark_lifetime: Duration,
}

impl StatefulVerifierBuilder {
    /// The clock marks' lifetimes, watermarks and rotations are reckoned
    /// by: the verifier's by default.
    pub fn clock(mut self, clock: impl Clock) -> StatefulVerifierBuilder {
        self.clock = Arc::new(clock);
        self
    }

    /// How long past `exp` the verifier may still accept a token, so how
    /// long past it a one-time mark, a denial and a family are kept (the
    /// purpose's own leeway is added when larger). [`MAX_LEEWAY`] by
    /// default, which covers every verifier not given a longer one through
    /// `jwt_claims::dangerous`; such a verifier needs its leeway here, or
    /// its one-time tokens could be used again once their mark expired.
    pub fn leeway(mut self, leeway: Duration) -> StatefulVerifierBuilder {
        self.leeway = leeway;
        self
    }

    /// How long a store call may take: past it, the call fails as
    /// [`Error::StoreUnavailable`]. [`DEFAULT_STORE_TIMEOUT`] by default.
    pub fn store_timeout(mut self, timeout: Duration) -> StatefulVerifierBuilder {
        self.timeout = timeout;
        self
    }

    /// How long a "log out everywhere" watermark is kept:
    /// [`DEFAULT_WATERMARK_LIFETIME`] by default. Longer than any token
    /// lives, or tokens issued before the log-out come back when it goes.
    pub fn watermark_lifetime(mut self, lifetime: Duration) -> StatefulVerifierBuilder {
        self.watermark_lifetime = lifetime;
        self
    }

    /// Builds the stateful verifier.
    pub fn build(self) -> StatefulVerifier {
        StatefulVerifier {
            inner: Arc::new(Inner {
                verifier: self.verifier,
                store: self.store,
                clock: self.clock,
                leeway: self.leeway,
                timeout: self.timeout,
                watermark_lifetime: self.watermark_lifetime,
            }),
        }
    }
}
