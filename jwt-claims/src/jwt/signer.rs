//! The signer: mints tokens of each purpose with that purpose's rules.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::clock::{Clock, SystemClock};
use crate::jwt::encode::{Envelope, Registered};
use crate::jwt::encryption::{EncryptionKeys, EncryptionKeysBuilder};
use crate::jwt::purpose::{PurposeId, PurposeMap};
use crate::jwt::registered::MAX_NUMERIC_DATE;
use crate::key::SigningKey;
use crate::{
    Audience, Claims, ConfigError, Error, RegisteredClaim, RegisteredClaims, Token, base64url, jws,
};

/// Encodes claims into tokens of their purpose: header `typ` and `alg`
/// (and `kid`), `aud` from the type, `iat`, `exp`, `iss` when configured,
/// and a random `jti` when the purpose requires one.
///
/// A token without an expiry cannot be made by accident: `exp` comes from
/// the type's `ttl` or an explicit [`Issue::expires_in`] /
/// [`Issue::expires_at`], and [`Error::MissingExpiry`] otherwise.
///
/// ```
/// use std::time::Duration;
/// use jwt_claims::{Algorithm, Claims, HmacKey, Signer};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(aud = "billing", typ = "access", ttl = "15m", require = ["sub"])]
/// struct BillingAccess { org_id: u64 }
///
/// let signer = Signer::builder()
///     .issuer("https://auth.example.com")
///     .key::<BillingAccess>(HmacKey::new(Algorithm::HS256, &[1; 32])?)
///     .build()?;
/// let token = signer
///     .issue(&BillingAccess { org_id: 7 })
///     .subject("user-42")
///     .expires_in(Duration::from_secs(60))
///     .encode()?;
/// assert_eq!(token.as_str().split('.').count(), 3);
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    keys: PurposeMap<SigningKey>,
    shared: Option<SigningKey>,
    encryption: EncryptionKeys,
    issuer: Option<String>,
    clock: Arc<dyn Clock>,
}

impl Signer {
    /// Starts configuring a signer.
    pub fn builder() -> SignerBuilder {
        SignerBuilder {
            keys: PurposeMap::default(),
            twice: None,
            shared: None,
            encryption: EncryptionKeysBuilder::default(),
            issuer: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Encodes `claims` with the purpose's default lifetime (`ttl`).
    ///
    /// # Errors
    /// [`Error::MissingExpiry`] when the purpose has no `ttl`,
    /// [`Error::MissingClaim`] when it requires `sub`, and as
    /// [`Issue::encode`].
    pub fn encode<T: Claims>(&self, claims: &T) -> Result<Token<T>, Error> {
        self.issue(claims).encode()
    }

    /// Starts a token with per-token registered claims (`sub`, expiry,
    /// `nbf`, `jti`).
    pub fn issue<'a, T: Claims>(&'a self, claims: &'a T) -> Issue<'a, T> {
        Issue {
            signer: self,
            claims,
            subject: None,
            expiry: None,
            not_before: None,
            jwt_id: None,
        }
    }
}

impl core::fmt::Debug for Signer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Signer")
            .field("purposes", &self.keys.len())
            .field("shared_key", &self.shared.is_some())
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy)]
enum Expiry {
    In(Duration),
    At(DateTime<Utc>),
}

/// One token being issued; finish with [`Issue::encode`].
#[must_use = "an Issue does nothing until encode() is called"]
pub struct Issue<'a, T> {
    signer: &'a Signer,
    claims: &'a T,
    subject: Option<String>,
    expiry: Option<Expiry>,
    not_before: Option<DateTime<Utc>>,
    jwt_id: Option<String>,
}

impl<T: Claims> Issue<'_, T> {
    /// Sets `sub`.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Sets `exp` to now plus `lifetime`, instead of the type's `ttl`.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expiry = Some(Expiry::In(lifetime));
        self
    }

    /// Sets `exp` to `at`, instead of the type's `ttl`.
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expiry = Some(Expiry::At(at));
        self
    }

    /// Sets `nbf`.
    pub fn not_before(mut self, at: DateTime<Utc>) -> Self {
        self.not_before = Some(at);
        self
    }

    /// Sets `jti`; otherwise a random 128-bit one is made when the purpose
    /// requires `jti`.
    pub fn jwt_id(mut self, id: impl Into<String>) -> Self {
        self.jwt_id = Some(id.into());
        self
    }

    /// Signs the token.
    ///
    /// # Errors
    /// [`Error::NoKeyForPurpose`] without a key for `T`,
    /// [`Error::AlgorithmNotAllowed`] when the key's algorithm is outside
    /// `T`'s allow-list, [`Error::MissingExpiry`], [`Error::MissingClaim`]
    /// for a required claim not given, [`Error::InvalidClaim`] for an
    /// `exp` or `nbf` before 1970 or past year 9999, [`Error::Configuration`] when the signer's
    /// issuer contradicts the type's, [`Error::InvalidClaimsShape`] when the
    /// claims do not serialize to an object free of registered claims.
    pub fn encode(self) -> Result<Token<T>, Error> {
        let signer = self.signer;
        let policy = T::policy();
        let token = self.sign()?;
        if !policy.is_encrypted() {
            return Ok(token);
        }
        // Sign, then encrypt the JWS to the receiving service (RFC 7519
        // §5.2); the token's registered claims are the inner JWS's.
        let jwe = signer
            .encryption
            .seal(token.as_str(), PurposeId::of::<T>(), policy)?;
        Ok(token.with_compact(jwe))
    }

    /// The signed token, before any encryption.
    fn sign(self) -> Result<Token<T>, Error> {
        let signer = self.signer;
        let policy = T::policy();
        let key = signer
            .keys
            .get(&PurposeId::of::<T>())
            .or(signer.shared.as_ref())
            .ok_or_else(|| Error::NoKeyForPurpose {
                purpose: policy.name().to_owned(),
            })?;
        if !policy.allows(key.algorithm()) {
            return Err(Error::AlgorithmNotAllowed {
                allowed: policy.algorithms().to_vec(),
                found: key.algorithm(),
            });
        }
        let Some(typ) = policy.token_type() else {
            return Err(ConfigError::MintUntyped {
                purpose: policy.name().to_owned(),
            }
            .into());
        };
        if policy.wraps_token() {
            return self.encode_wrapping(key, typ);
        }
        let iss = match (policy.issuer(), signer.issuer.as_deref()) {
            (Some(bound), Some(configured)) if bound != configured => {
                return Err(ConfigError::IssuerConflict {
                    signer: configured.to_owned(),
                    purpose: bound.to_owned(),
                }
                .into());
            }
            (bound, configured) => bound.or(configured),
        };

        // Converted once: each `timestamp()` recomputes it from the date.
        let now = signer.clock.now().timestamp();
        let exp = match self.expiry {
            Some(Expiry::At(at)) => at.timestamp(),
            Some(Expiry::In(lifetime)) => add_secs(now, lifetime),
            None => add_secs(now, policy.ttl().ok_or(Error::MissingExpiry)?),
        };
        let nbf = match self.not_before {
            Some(at) => Some(at.timestamp()),
            None if policy.requires(RegisteredClaim::NotBefore) => Some(now),
            None => None,
        };
        // A date the verifier would refuse must not be written either: the
        // clock's own `iat` included (a clock before 1970 signs nothing).
        for (claim, secs) in [
            (RegisteredClaim::IssuedAt, Some(now)),
            (RegisteredClaim::ExpirationTime, Some(exp)),
            (RegisteredClaim::NotBefore, nbf),
        ] {
            if secs.is_some_and(|secs| !(0..=MAX_NUMERIC_DATE).contains(&secs)) {
                return Err(Error::InvalidClaim {
                    claim,
                    reason: "out of range",
                });
            }
        }
        let jti = match self.jwt_id {
            Some(id) => Some(id),
            None if policy.requires(RegisteredClaim::JwtId) => Some(random_jwt_id()?),
            None => None,
        };
        if policy.requires(RegisteredClaim::Subject) && self.subject.is_none() {
            return Err(Error::MissingClaim {
                claim: RegisteredClaim::Subject,
            });
        }
        if policy.requires(RegisteredClaim::Issuer) && iss.is_none() {
            return Err(Error::MissingClaim {
                claim: RegisteredClaim::Issuer,
            });
        }

        let envelope = Envelope {
            duplicate: Default::default(),
            registered: Registered {
                iss,
                sub: self.subject.as_deref(),
                aud: policy,
                exp,
                nbf,
                iat: now,
                jti: jti.as_deref(),
            },
            claims: self.claims,
        };
        // Header and payload JSON share one buffer, which then takes the
        // signature: two allocations a token, with the token's own.
        let mut json = Vec::with_capacity(512);
        jws::write_header_json(&mut json, key, Some(typ), None);
        let header_len = json.len();
        serde_json::to_writer(&mut json, &envelope).map_err(|err| envelope.error(&err))?;
        let compact = jws::sign_json(json, header_len, key)?;
        let registered = RegisteredClaims {
            iss: iss.map(str::to_owned),
            sub: self.subject,
            aud: Audience::of(policy),
            exp,
            nbf,
            iat: Some(now),
            jti,
        };
        Ok(Token::new(compact, registered, key))
    }
}

impl<T: Claims> Issue<'_, T> {
    /// A wrapping token (RFC 7519 §5.2): `cty: "JWT"` and the wrapped
    /// token as the payload; the claims are all in the wrapped token.
    fn encode_wrapping(self, key: &SigningKey, typ: &str) -> Result<Token<T>, Error> {
        let policy = T::policy();
        if self.subject.is_some()
            || self.expiry.is_some()
            || self.not_before.is_some()
            || self.jwt_id.is_some()
        {
            return Err(ConfigError::WrappingClaims {
                purpose: policy.name().to_owned(),
            }
            .into());
        }
        let wrapped = self
            .claims
            .__wrapped()
            .ok_or_else(|| ConfigError::NotDerivedWrapping {
                purpose: policy.name().to_owned(),
            })?;
        // What the token says is what the wrapped token says: known when
        // it was minted (or verified) here.
        let registered = wrapped.wrapped_registered().cloned().ok_or_else(|| {
            ConfigError::WrappedClaimsUnknown {
                purpose: policy.name().to_owned(),
            }
        })?;
        let compact = jws::sign_payload(
            key,
            Some(typ),
            Some("JWT"),
            wrapped.wrapped_token().as_bytes(),
        )?;
        Ok(Token::new(compact, registered, key))
    }
}

fn add_secs(now: i64, lifetime: Duration) -> i64 {
    now.saturating_add(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX))
}

/// 128 random bits, base64url: unguessable and unique in practice.
fn random_jwt_id() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    crate::crypto::fill_random(&mut bytes)?;
    let mut id = String::with_capacity(22);
    base64url::encode_into(&bytes, &mut id);
    Ok(id)
}

/// Configures a [`Signer`].
#[must_use]
pub struct SignerBuilder {
    keys: PurposeMap<SigningKey>,
    /// A purpose that was given a second key, refused by `build()`.
    twice: Option<&'static str>,
    shared: Option<SigningKey>,
    encryption: EncryptionKeysBuilder,
    issuer: Option<String>,
    clock: Arc<dyn Clock>,
}

impl SignerBuilder {
    /// Sets the key tokens of purpose `T` are signed with. A purpose has
    /// one signing key: giving it a second is refused by
    /// [`SignerBuilder::build`].
    pub fn key<T: Claims>(mut self, key: impl Into<SigningKey>) -> SignerBuilder {
        if self.keys.insert(PurposeId::of::<T>(), key.into()).is_some() {
            self.twice.get_or_insert(T::policy().name());
        }
        self
    }

    /// Sets the key for every purpose without a key of its own. There is
    /// one: giving a second is refused by [`SignerBuilder::build`].
    pub fn shared_key(mut self, key: impl Into<SigningKey>) -> SignerBuilder {
        if self.shared.replace(key.into()).is_some() {
            self.twice.get_or_insert("shared");
        }
        self
    }

    /// Sets the key tokens of the encrypted purpose `T`
    /// (`#[jwt(encrypted)]`) are encrypted to: the receiving service's
    /// public key (or shared secret). One a purpose; the content
    /// encryption is the purpose's first `enc`, else A256GCM (for a `dir`
    /// key, the one its length fits).
    #[cfg(feature = "aws_lc_rs")]
    pub fn encryption_key<T: Claims>(mut self, key: crate::jwe::EncryptionKey) -> SignerBuilder {
        self.encryption
            .purpose(PurposeId::of::<T>(), T::policy(), key);
        self
    }

    /// Sets `iss` for purposes that bind no issuer themselves.
    pub fn issuer(mut self, issuer: impl Into<String>) -> SignerBuilder {
        self.issuer = Some(issuer.into());
        self
    }

    /// The clock; [`SystemClock`] by default.
    pub fn clock(mut self, clock: impl Clock) -> SignerBuilder {
        self.clock = Arc::new(clock);
        self
    }

    /// Builds the signer.
    ///
    /// # Errors
    /// [`Error::Configuration`] when no key is configured, a purpose was
    /// given two keys, or the issuer is empty.
    pub fn build(self) -> Result<Signer, Error> {
        if let Some(purpose) = self.twice {
            return Err(ConfigError::SecondSigningKey {
                purpose: purpose.to_owned(),
            }
            .into());
        }
        if self.keys.is_empty() && self.shared.is_none() {
            return Err(ConfigError::NoSigningKey.into());
        }
        if self.issuer.as_deref() == Some("") {
            return Err(ConfigError::EmptyIssuer.into());
        }
        Ok(Signer {
            keys: self.keys,
            shared: self.shared,
            encryption: self.encryption.build()?,
            issuer: self.issuer,
            clock: self.clock,
        })
    }
}
