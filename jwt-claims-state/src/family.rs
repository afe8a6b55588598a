//! Refresh-token families: each rotation replaces the family's one current
//! token in a single compare-and-swap, and a replayed token revokes them
//! all (RFC 9700 §4.14.2).

use core::fmt;
use core::marker::PhantomData;
use core::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jwt_claims::{
    Claims, ConfigError, Error, FixedClock, MAX_LEEWAY, RegisteredClaim, Signer, SigningKey, Token,
};
use serde::{Deserialize, Serialize};

use crate::store::{FamilyState, Rotate, RotateOutcome, TokenId};
use crate::{KeyKind, Revocable, StatefulVerifier, StoreKey};

/// How long a replaced refresh token still gets its successor again,
/// unless configured: 10 s, for a client whose answer was lost.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(10);

/// The longest grace window a [`Families`] accepts: 5 minutes.
pub const MAX_GRACE: Duration = MAX_LEEWAY;

/// The id of a refresh-token family: 128 random bits, base64url.
///
/// Only [`Families::start`] makes one. A refresh token carries its family's
/// id, and so does every access token minted from the family, so that
/// revoking the family rejects them all; as a claim, it is a field of the
/// claims type (any name; `sid`, the session id of OpenID Connect, reads
/// well). It is an identifier, not a secret.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FamilyId(String);

impl FamilyId {
    /// A new random id.
    fn generate() -> Result<FamilyId, Error> {
        random_id().map(FamilyId)
    }

    /// The id as written in tokens.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for FamilyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FamilyId({})", self.0)
    }
}

impl fmt::Display for FamilyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 128 random bits, base64url: a family id or a `jti`.
pub(crate) fn random_id() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|_| Error::SigningFailed)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A refresh-token purpose: its tokens carry the id of the family they
/// belong to, and [`Families`] rotates them.
///
/// ```
/// use jwt_claims::Claims;
/// use jwt_claims_state::{FamilyId, RefreshClaims};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(typ = "refresh", aud = "auth", ttl = "14d", require = ["sub", "jti"])]
/// struct Refresh {
///     sid: FamilyId,
///     scope: String,
/// }
///
/// impl RefreshClaims for Refresh {
///     fn family_id(&self) -> &FamilyId {
///         &self.sid
///     }
/// }
/// ```
pub trait RefreshClaims: Claims {
    /// The family the token belongs to.
    fn family_id(&self) -> &FamilyId;
}

impl<T: RefreshClaims> Revocable for T {
    fn family(&self) -> Option<&FamilyId> {
        Some(self.family_id())
    }
}

/// Mints and rotates the refresh tokens of purpose `R`, each in a family.
///
/// [`Families::start`] opens a family (a login) with its first token;
/// [`Families::rotate`] takes the family's current token and returns its
/// successor, in one compare-and-swap on the family's current `jti`. What
/// else can happen:
///
/// - the token just replaced, presented again within the grace window (a
///   client whose answer was lost), gets the *same* successor again: same
///   `jti`, `iat` and `exp` ([`Outcome::Retried`]);
/// - any other token of the family that is not current (a stolen one,
///   replayed) revokes the whole family, the newest token included
///   ([`Error::RefreshReused`], RFC 9700 §4.14.2);
/// - a revoked family's tokens are [`Error::Revoked`]; an expired token is
///   [`Error::Expired`], as is every token of a family past its end.
///
/// A family ends a fixed time after it started: no successor expires
/// later, however often it is rotated. Tokens are checked by the
/// [`StatefulVerifier`] first (signature, purpose, revocation), then
/// rotated in its store, bounded by its timeout.
///
/// Families mints with a signing key of its own rather than a
/// [`Signer`], because a retried successor must carry the `iat` of the
/// first one.
///
/// ```
/// use std::sync::Arc;
/// use jwt_claims::{Algorithm, Claims, Error, HmacKey, Verifier};
/// use jwt_claims_state::{FamilyId, Families, MemoryStore, Outcome, RefreshClaims, StatefulVerifier};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(typ = "refresh", aud = "auth", ttl = "14d", require = ["sub", "jti"])]
/// struct Refresh { sid: FamilyId }
///
/// impl RefreshClaims for Refresh {
///     fn family_id(&self) -> &FamilyId { &self.sid }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let key = HmacKey::new(Algorithm::HS256, &[3; 32])?;
/// let verifier = Verifier::builder().issuer("auth").key::<Refresh>(key.clone()).build()?;
/// let stateful = StatefulVerifier::new(verifier, Arc::new(MemoryStore::new()));
/// let families = Families::<Refresh>::builder(stateful, key).issuer("auth").build()?;
///
/// let login = families.start("alice", |sid| Refresh { sid }).await?;
/// let next = families.rotate(login.token().as_str()).await?;
/// assert_eq!(next.outcome(), Outcome::Rotated);
/// assert_eq!(next.family(), login.family());
///
/// // The old token again, at once: the same successor (its answer was lost).
/// let again = families.rotate(login.token().as_str()).await?;
/// assert_eq!(again.outcome(), Outcome::Retried);
/// assert_eq!(again.token().registered(), next.token().registered());
///
/// // The newest token rotates on.
/// let third = families.rotate(next.token().as_str()).await?;
/// assert_eq!(third.outcome(), Outcome::Rotated);
/// # Ok::<(), Error>(())
/// # }).unwrap();
/// ```
pub struct Families<R> {
    verifier: StatefulVerifier,
    key: SigningKey,
    issuer: Option<String>,
    token_lifetime: Duration,
    family_lifetime: Duration,
    grace: Duration,
    purpose: PhantomData<fn() -> R>,
}

/// How a token came from [`Families`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The first token of a new family.
    Started,
    /// The presented token was current; this is its successor.
    Rotated,
    /// The presented token had just been replaced (within the grace
    /// window): this is the same successor, minted again.
    Retried,
}

/// A refresh token from [`Families`], with its family.
#[derive(Debug)]
pub struct Issued<R> {
    token: Token<R>,
    family: FamilyId,
    family_ends_at: i64,
    outcome: Outcome,
}

impl<R> Issued<R> {
    /// The refresh token.
    pub fn token(&self) -> &Token<R> {
        &self.token
    }

    /// The refresh token, owned.
    pub fn into_token(self) -> Token<R> {
        self.token
    }

    /// Its family: give it to the access tokens minted with it.
    pub fn family(&self) -> &FamilyId {
        &self.family
    }

    /// When the family ends: no token of it, refresh or access, should
    /// expire later.
    pub fn family_ends_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.family_ends_at, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Whether it started the family, replaced the presented token, or is
    /// that replacement again.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }
}

impl<R: RefreshClaims> Families<R> {
    /// Starts configuring the families of `R`, checked by `verifier` (and
    /// kept in its store), minted with `key`.
    pub fn builder(verifier: StatefulVerifier, key: impl Into<SigningKey>) -> FamiliesBuilder<R> {
        FamiliesBuilder {
            verifier,
            key: key.into(),
            issuer: None,
            token_lifetime: None,
            family_lifetime: None,
            grace: DEFAULT_GRACE,
            purpose: PhantomData,
        }
    }

    /// Opens a family for `subject` (a login): `claims` builds the first
    /// token's claims around the new family's id.
    ///
    /// # Errors
    /// As [`Issue::encode`](jwt_claims::Issue::encode) for the token;
    /// [`Error::InvalidClaims`] when the claims carry another family id
    /// than the one given; [`Error::StoreUnavailable`].
    pub async fn start(
        &self,
        subject: &str,
        claims: impl FnOnce(FamilyId) -> R,
    ) -> Result<Issued<R>, Error> {
        let family = FamilyId::generate()?;
        let claims = claims(family.clone());
        if claims.family_id() != &family {
            return Err(Error::InvalidClaims {
                reason: "the claims of a new family must carry the family id they were given"
                    .into(),
            });
        }
        let now = self.verifier.now();
        let ends_at = add_secs(now, self.family_lifetime);
        let first = TokenId {
            jti: random_id()?,
            issued_at: now,
            expires_at: add_secs(now, self.token_lifetime).min(ends_at),
        };
        let token = self.mint(&claims, Some(subject), &first)?;
        let key = family_key(token.registered().issuer(), &family);
        let state = FamilyState::new(first, ends_at);
        let ttl = self.family_ttl(ends_at);
        let store = self.verifier.store();
        if !self
            .verifier
            .call(store.create_family(&key, &state, ttl))
            .await?
        {
            // 128 random bits met an existing family: never in practice.
            return Err(Error::SigningFailed);
        }
        Ok(Issued {
            token,
            family,
            family_ends_at: ends_at,
            outcome: Outcome::Started,
        })
    }

    /// Rotates the presented refresh token: its successor, or the same
    /// successor again for a retry within the grace window.
    ///
    /// # Errors
    /// Those of [`StatefulVerifier::verify`] for the presented token
    /// ([`Error::Expired`], [`Error::Revoked`], …);
    /// [`Error::MissingClaim`] for a token without `jti`;
    /// [`Error::RefreshReused`] when the token was replaced before (out of
    /// grace): the family is revoked now; [`Error::Revoked`] for a revoked
    /// or unknown family; [`Error::Expired`] once the family ended.
    pub async fn rotate(&self, presented: &str) -> Result<Issued<R>, Error> {
        // The compare-and-swap below is the token's one use: a purpose
        // also declared `one_time` takes no mark, or a retry would fail.
        // The family's status is the compare-and-swap's to tell.
        let verified = self.verifier.verify_in::<R>(presented, false).await?;
        let (claims, registered) = verified.into_decoded().into_parts();
        let jti = registered.jwt_id().ok_or(Error::MissingClaim {
            claim: RegisteredClaim::JwtId,
        })?;
        let family = claims.family_id().clone();
        let key = family_key(registered.issuer(), &family);
        let now_ms = self.verifier.now_ms();
        let now = now_ms.div_euclid(1000);
        let successor = TokenId {
            jti: random_id()?,
            issued_at: now,
            expires_at: add_secs(now, self.token_lifetime),
        };
        let grace_ms = u64::try_from(self.grace.as_millis()).unwrap_or(u64::MAX);
        let rotate = Rotate::new(jti.to_owned(), successor, now_ms, grace_ms);
        let store = self.verifier.store();
        let (id, family_ends_at, outcome) = match self
            .verifier
            .call(store.rotate_family(&key, &rotate))
            .await?
        {
            RotateOutcome::Rotated { successor, ends_at } => (successor, ends_at, Outcome::Rotated),
            RotateOutcome::Retried { successor, ends_at } => (successor, ends_at, Outcome::Retried),
            RotateOutcome::Reused => return Err(Error::RefreshReused),
            RotateOutcome::Ended { ends_at } => {
                return Err(Error::Expired {
                    expired_at: ends_at,
                    now,
                });
            }
            // Revoked, missing, or an outcome a newer store knows.
            _ => return Err(Error::Revoked),
        };
        let token = self.mint(&claims, registered.subject(), &id)?;
        Ok(Issued {
            token,
            family,
            family_ends_at,
            outcome,
        })
    }

    /// Revokes the family `family`: every refresh token of it, and every
    /// access token carrying its id, is refused from now on. Returns
    /// whether there was such a family.
    ///
    /// # Errors
    /// [`Error::StoreUnavailable`].
    pub async fn revoke(&self, family: &FamilyId) -> Result<bool, Error> {
        let key = family_key(self.issuer(), family);
        let store = self.verifier.store();
        self.verifier.call(store.revoke_family(&key)).await
    }

    /// The stateful verifier the presented tokens are checked by.
    pub fn verifier(&self) -> &StatefulVerifier {
        &self.verifier
    }

    /// How long after a rotation the replaced token gets the same
    /// successor again.
    pub fn grace(&self) -> Duration {
        self.grace
    }

    /// The issuer the tokens are minted with: the purpose's, or the one
    /// configured.
    fn issuer(&self) -> Option<&str> {
        R::policy().issuer().or(self.issuer.as_deref())
    }

    /// A token of the family with `claims`, `subject` and exactly `id`'s
    /// `jti`, `iat` and `exp`: the same every time for the same inputs.
    fn mint(&self, claims: &R, subject: Option<&str>, id: &TokenId) -> Result<Token<R>, Error> {
        let mut signer = Signer::builder()
            .key::<R>(self.key.clone())
            .clock(FixedClock::at_timestamp(id.issued_at));
        if let Some(issuer) = &self.issuer {
            signer = signer.issuer(issuer.clone());
        }
        let signer = signer.build()?;
        let expires_at = DateTime::from_timestamp(id.expires_at, 0).ok_or(Error::InvalidClaim {
            claim: RegisteredClaim::ExpirationTime,
            reason: "out of range",
        })?;
        let mut issue = signer
            .issue(claims)
            .jwt_id(id.jti.clone())
            .expires_at(expires_at);
        if let Some(subject) = subject {
            issue = issue.subject(subject);
        }
        issue.encode()
    }

    /// How long the store keeps a family ending at `ends_at`: until then
    /// plus the leeway, so that it outlives every token of it.
    fn family_ttl(&self, ends_at: i64) -> Duration {
        self.verifier
            .lifetime_left(ends_at, Duration::ZERO)
            .unwrap_or(Duration::from_secs(1))
    }
}

fn family_key(issuer: Option<&str>, family: &FamilyId) -> StoreKey {
    StoreKey::new(KeyKind::Family, issuer, family.as_str())
}

fn add_secs(at: i64, duration: Duration) -> i64 {
    at.saturating_add(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX))
}

impl<R> fmt::Debug for Families<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Families")
            .field("purpose", &core::any::type_name::<R>())
            .field("issuer", &self.issuer)
            .field("token_lifetime", &self.token_lifetime)
            .field("family_lifetime", &self.family_lifetime)
            .field("grace", &self.grace)
            .finish_non_exhaustive()
    }
}

/// Configures [`Families`].
#[must_use]
pub struct FamiliesBuilder<R> {
    verifier: StatefulVerifier,
    key: SigningKey,
    issuer: Option<String>,
    token_lifetime: Option<Duration>,
    family_lifetime: Option<Duration>,
    grace: Duration,
    purpose: PhantomData<fn() -> R>,
}

impl<R: RefreshClaims> FamiliesBuilder<R> {
    /// Sets `iss` for a purpose that binds no issuer itself.
    pub fn issuer(mut self, issuer: impl Into<String>) -> FamiliesBuilder<R> {
        self.issuer = Some(issuer.into());
        self
    }

    /// How long each refresh token is valid: the purpose's `ttl` by
    /// default.
    pub fn token_lifetime(mut self, lifetime: Duration) -> FamiliesBuilder<R> {
        self.token_lifetime = Some(lifetime);
        self
    }

    /// How long a family lasts from its start, rotations or not: the
    /// token lifetime by default (then rotation never extends a login).
    pub fn family_lifetime(mut self, lifetime: Duration) -> FamiliesBuilder<R> {
        self.family_lifetime = Some(lifetime);
        self
    }

    /// How long after a rotation the replaced token still gets the same
    /// successor: [`DEFAULT_GRACE`] (10 s) by default, from zero (none) to
    /// [`MAX_GRACE`] (5 minutes).
    pub fn grace(mut self, grace: Duration) -> FamiliesBuilder<R> {
        self.grace = grace;
        self
    }

    /// Builds the families.
    ///
    /// # Errors
    /// [`Error::MissingExpiry`] when neither the purpose nor the builder
    /// gives a token lifetime; [`Error::Configuration`] for a grace window
    /// longer than [`MAX_GRACE`], an empty issuer, or an issuer the
    /// purpose contradicts.
    pub fn build(self) -> Result<Families<R>, Error> {
        if self.grace > MAX_GRACE {
            return Err(ConfigError::GraceWindowTooLong.into());
        }
        let token_lifetime = self
            .token_lifetime
            .or(R::policy().ttl())
            .ok_or(Error::MissingExpiry)?;
        if let (Some(bound), Some(configured)) = (R::policy().issuer(), self.issuer.as_deref())
            && bound != configured
        {
            return Err(ConfigError::IssuerConflict {
                signer: configured.to_owned(),
                purpose: bound.to_owned(),
            }
            .into());
        }
        let mut signer = Signer::builder().key::<R>(self.key.clone());
        if let Some(issuer) = &self.issuer {
            signer = signer.issuer(issuer.clone());
        }
        signer.build()?;
        Ok(Families {
            verifier: self.verifier,
            key: self.key,
            issuer: self.issuer,
            token_lifetime,
            family_lifetime: self.family_lifetime.unwrap_or(token_lifetime),
            grace: self.grace,
            purpose: PhantomData,
        })
    }
}
