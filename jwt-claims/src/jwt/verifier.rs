//! The verifier: built once from configuration, then decodes any purpose.

use std::sync::Arc;
use std::time::Duration;

use serde::de::{DeserializeOwned, IgnoredAny};

use crate::clock::{Clock, SystemClock};
use crate::jws::KeySource;
use crate::jws::{self, ContentTypeRule, DEFAULT_MAX_TOKEN_SIZE, Rules, TypeRule};
use crate::jwt::decode;
use crate::jwt::encryption::{DecryptionKeys, DecryptionKeysBuilder};
use crate::jwt::nested::{DEFAULT_MAX_NESTING_DEPTH, NestedCx};
use crate::jwt::policy::MAX_LEEWAY;
use crate::jwt::purpose::{PurposeId, PurposeMap};
use crate::jwt::validation::{self, Context};
use crate::key::{PublicKey, VerifyingKey};
use crate::{Claims, ConfigError, Decoded, Error, KeyProvider, Policy, RuntimePurpose};

/// Decodes tokens of any purpose, each with its own policy and keys.
///
/// Build it once at start-up: keys are parsed when they are built, and the
/// verifier is `Send + Sync`, so share it (e.g. in an `Arc`) across
/// requests.
///
/// Keys belong to purposes: [`VerifierBuilder::key`] registers a key for
/// one claims type, so a token is only ever checked with the keys of the
/// type it is decoded as, nested tokens included. A key shared by every
/// purpose without keys of its own is an explicit choice
/// ([`VerifierBuilder::shared_key`]).
///
/// ```
/// use jwt_claims::{Algorithm, Claims, HmacKey, Signer, Verifier, Error};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Serialize, Deserialize, Claims)]
/// #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// struct BillingAccess { org_id: u64 }
///
/// #[derive(Debug, Serialize, Deserialize, Claims)]
/// #[jwt(aud = "billing", typ = "refresh", ttl = "30d")]
/// struct BillingRefresh { org_id: u64 }
///
/// let key = HmacKey::new(Algorithm::HS256, &[9; 32])?;
/// let signer = Signer::builder().issuer("auth").shared_key(key.clone()).build()?;
/// let verifier = Verifier::builder().issuer("auth").shared_key(key).build()?;
///
/// let access = signer.encode(&BillingAccess { org_id: 7 })?;
/// assert_eq!(verifier.decode::<BillingAccess>(access.as_str())?.claims().org_id, 7);
///
/// let refresh = signer.encode(&BillingRefresh { org_id: 7 })?;
/// let err = verifier.decode::<BillingAccess>(refresh.as_str()).unwrap_err();
/// assert_eq!(err, Error::WrongType { expected: "access".into(), found: "refresh".into() });
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    keys: PurposeMap<PurposeKeys>,
    shared: Vec<VerifyingKey>,
    issuer: Option<String>,
    leeway: Duration,
    skew: Duration,
    clock: Arc<dyn Clock>,
    max_size: usize,
    max_depth: usize,
    decryption: DecryptionKeys,
}

/// The clock skew tolerated on `nbf` and `iat` unless configured: 60 s.
///
/// With none, a service refuses fresh tokens from an issuer whose clock
/// runs a second ahead (`iat` in the future). 60 s is nimbus's and
/// jsonwebtoken's default; `exp` is not given it (a token is never kept
/// alive past its expiry by default), only an explicit leeway extends it.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(60);

/// The keys of one purpose: configured, or from a provider (a remote JWK
/// Set, a set refreshed in the background).
#[derive(Clone)]
enum PurposeKeys {
    Static(Vec<VerifyingKey>),
    Provider(Arc<dyn KeyProvider>),
}

impl PurposeKeys {
    /// The configured keys; `None` for a provider's.
    fn configured(&self) -> Option<&[VerifyingKey]> {
        match self {
            PurposeKeys::Static(keys) => Some(keys),
            PurposeKeys::Provider(_) => None,
        }
    }

    fn source(&self) -> &dyn KeySource {
        match self {
            PurposeKeys::Static(keys) => keys,
            PurposeKeys::Provider(provider) => provider,
        }
    }
}

/// What the builder knows of a purpose it was given keys for.
struct Registration {
    /// The purpose's policy, checked at `build()`.
    policy: Policy,
    keys: PurposeKeys,
    /// Whether both configured keys and a remote set were given.
    conflict: bool,
}

impl Verifier {
    /// Starts configuring a verifier.
    pub fn builder() -> VerifierBuilder {
        VerifierBuilder {
            purposes: PurposeMap::default(),
            shared: Vec::new(),
            issuer: None,
            leeway: Duration::ZERO,
            long_leeway: false,
            skew: DEFAULT_CLOCK_SKEW,
            clock: Arc::new(SystemClock),
            max_size: DEFAULT_MAX_TOKEN_SIZE,
            max_depth: DEFAULT_MAX_NESTING_DEPTH,
            decryption: DecryptionKeysBuilder::default(),
        }
    }

    /// Decodes `token` as purpose `T`: every JWS and claim check of `T`'s
    /// policy, then each nested token with its own type's.
    ///
    /// # Errors
    /// The variant of [`Error`] naming the first check that failed.
    pub fn decode<T: Claims>(&self, token: &str) -> Result<Decoded<T>, Error> {
        let mut cx = self.context();
        self.decode_in(token, &mut cx)
    }

    /// Decodes `token` as a purpose defined at run time into any
    /// deserializable value (a `serde_json::Value`, a struct without the
    /// derive). The checks are the same as [`Verifier::decode`]'s; keys are
    /// those registered for `purpose` (or the shared ones). The value never
    /// contains the registered claims: read them from
    /// [`Decoded::registered`].
    ///
    /// ```
    /// use jwt_claims::{Algorithm, HmacKey, Policy, RuntimePurpose, Verifier};
    ///
    /// let billing = RuntimePurpose::new(Policy::new("gateway.billing", "access", ["billing"]))?;
    /// let verifier = Verifier::builder()
    ///     .purpose_key(&billing, HmacKey::new(Algorithm::HS256, &[3; 32])?)
    ///     .build()?;
    /// let err = verifier.decode_runtime::<serde_json::Value>("not.a.token", &billing).unwrap_err();
    /// assert_eq!(err, jwt_claims::Error::InvalidBase64 { part: jwt_claims::Part::Header });
    /// # Ok::<(), jwt_claims::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Verifier::decode`].
    pub fn decode_runtime<V: DeserializeOwned>(
        &self,
        token: &str,
        purpose: &RuntimePurpose,
    ) -> Result<Decoded<V>, Error> {
        let mut cx = self.context();
        self.decode_runtime_in(token, purpose, &mut cx)
    }

    /// One level of a runtime decode: a wrapping purpose verifies its
    /// wrapped token as that purpose; nested members are verified as their
    /// purposes, within the depth cap and the shared size budget.
    fn decode_runtime_in<V: DeserializeOwned>(
        &self,
        token: &str,
        purpose: &RuntimePurpose,
        cx: &mut NestedCx<'_>,
    ) -> Result<Decoded<V>, Error> {
        let policy = purpose.policy();
        if let Some(wrapped) = purpose.wrapped() {
            let checked =
                self.verify_jws(token, purpose.id(), policy, ContentTypeRule::NestedJwt, cx)?;
            if checked.key_issuer.is_some() {
                return Err(wrapping_issuer_bound(policy));
            }
            let inner = String::from_utf8_lossy(&checked.payload).into_owned();
            let decoded = self.descend(cx, |verifier, cx| {
                verifier.decode_runtime_in::<V>(&inner, wrapped, cx)
            });
            let decoded = decoded.map_err(|err| err.nested_at(WRAPPED_PATH))?;
            return Ok(Decoded {
                algorithm: checked.header.algorithm(),
                kid: checked.header.into_kid(),
                ..decoded
            });
        }
        if purpose.nested().is_empty() {
            return self.decode_core(token, purpose.id(), policy, cx);
        }
        let decoded = self.decode_core::<serde_json::Value>(token, purpose.id(), policy, cx)?;
        for (member, inner) in purpose.nested() {
            let tokens: Vec<(String, &str)> = match decoded.claims.get(member.as_str()) {
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(serde_json::Value::String(token)) => vec![(member.clone(), token.as_str())],
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| match item.as_str() {
                        Some(token) => Ok((format!("{member}[{index}]"), token)),
                        None => Err(not_a_token(member)),
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(not_a_token(member)),
            };
            for (path, token) in tokens {
                self.descend(cx, |verifier, cx| {
                    verifier.decode_runtime_in::<IgnoredAny>(token, inner, cx)
                })
                .map_err(|err| err.nested_at(&path))?;
            }
        }
        let claims = V::deserialize(decoded.claims).map_err(|err| Error::InvalidClaims {
            reason: crate::json::reason(&err),
        })?;
        Ok(Decoded {
            claims,
            registered: decoded.registered,
            algorithm: decoded.algorithm,
            kid: decoded.kid,
        })
    }

    /// Runs `decode` one nesting level down, refused past the depth cap.
    pub(crate) fn descend<R>(
        &self,
        cx: &mut NestedCx<'_>,
        decode: impl FnOnce(&Verifier, &mut NestedCx<'_>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        if cx.depth >= self.max_depth {
            return Err(Error::NestingTooDeep {
                limit: self.max_depth,
            });
        }
        cx.depth += 1;
        let result = decode(self, cx);
        cx.depth -= 1;
        result
    }

    /// The largest token accepted, in bytes; nested tokens share it.
    pub fn max_token_size(&self) -> usize {
        self.max_size
    }

    /// How deep tokens may nest.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// The leeway on `exp`, `nbf` and `iat` of every purpose (a purpose's
    /// own applies when larger): how long past `exp` a token may still be
    /// accepted, which a store of used or revoked tokens must outlast.
    pub fn leeway(&self) -> Duration {
        self.leeway
    }

    /// The clock skew tolerated on `nbf` and `iat`.
    pub fn clock_skew(&self) -> Duration {
        self.skew
    }

    /// The clock every check is made against, for layers (a token store)
    /// that must reckon time the same way.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    fn context(&self) -> NestedCx<'_> {
        NestedCx {
            verifier: self,
            depth: 0,
            budget: self.max_size,
            now: self.clock.now().timestamp(),
        }
    }

    /// One level of a typed decode; nested tokens recurse through here.
    pub(crate) fn decode_in<T: Claims>(
        &self,
        token: &str,
        cx: &mut NestedCx<'_>,
    ) -> Result<Decoded<T>, Error> {
        if T::policy().wraps_token() {
            return self.decode_wrapping(token, cx);
        }
        let mut decoded = self.decode_core::<T>(token, PurposeId::of::<T>(), T::policy(), cx)?;
        decoded.claims.__verify_nested(cx)?;
        Ok(decoded)
    }

    /// A wrapping purpose (RFC 7519 §5.2): the outer token passes the JWS
    /// checks with `cty: "JWT"` required, and its payload is verified as a
    /// token of the wrapped type, which carries all the claims.
    fn decode_wrapping<T: Claims>(
        &self,
        token: &str,
        cx: &mut NestedCx<'_>,
    ) -> Result<Decoded<T>, Error> {
        let policy = T::policy();
        let checked = self.verify_jws(
            token,
            PurposeId::of::<T>(),
            policy,
            ContentTypeRule::NestedJwt,
            cx,
        )?;
        if checked.key_issuer.is_some() {
            return Err(wrapping_issuer_bound(policy));
        }
        // Non-ASCII bytes cannot be base64url: the inner decode rejects them.
        let inner = String::from_utf8_lossy(&checked.payload).into_owned();
        let unsupported = || {
            Error::from(ConfigError::NotDerivedWrapping {
                purpose: policy.name().to_owned(),
            })
        };
        let mut claims = T::__from_wrapped(inner).ok_or_else(unsupported)?;
        claims.__verify_nested(cx)?;
        let registered = claims
            .__wrapped()
            .and_then(|w| w.wrapped_registered())
            .cloned()
            .ok_or_else(unsupported)?;
        Ok(Decoded {
            claims,
            registered,
            algorithm: checked.header.algorithm(),
            kid: checked.header.into_kid(),
        })
    }

    fn decode_core<V: DeserializeOwned>(
        &self,
        token: &str,
        id: PurposeId,
        policy: &Policy,
        cx: &mut NestedCx<'_>,
    ) -> Result<Decoded<V>, Error> {
        if policy.wraps_token() {
            // Typed and runtime wrapping purposes decode elsewhere; a
            // hand-written impl that claims to wrap without the derive
            // ends here.
            return Err(ConfigError::NotDerivedWrapping {
                purpose: policy.name().to_owned(),
            }
            .into());
        }
        let checked = self.verify_jws(token, id, policy, ContentTypeRule::Absent, cx)?;
        // The claims of an encrypted purpose are the inner token's: its
        // failures say so, as its header's and signature's do.
        let inner = |err| match policy.is_encrypted() {
            true => Error::Encrypted {
                source: Box::new(err),
            },
            false => err,
        };
        self.check_claims(checked, policy, cx).map_err(inner)
    }

    /// The claims of a verified JWS, checked against `policy`.
    fn check_claims<V: DeserializeOwned>(
        &self,
        checked: jws::Checked,
        policy: &Policy,
        cx: &NestedCx<'_>,
    ) -> Result<Decoded<V>, Error> {
        let context = Context {
            now: cx.now,
            issuer: self.issuer.as_deref(),
            key_issuer: checked.key_issuer.as_deref(),
            leeway: self.leeway,
            skew: self.skew,
        };
        let (found, claims) = match decode::decode::<V>(&checked.payload, policy.claims()) {
            Ok(decoded) => decoded,
            Err(err @ Error::InvalidClaims { .. }) => {
                // A token for another purpose usually has other claims too:
                // report the purpose mismatch (audience, expiry…), which
                // says more than the claims type's complaint. Error path only.
                if let Ok((found, IgnoredAny)) =
                    decode::decode::<IgnoredAny>(&checked.payload, policy.claims())
                {
                    validation::check(policy, found, &context)?;
                }
                return Err(err);
            }
            Err(err) => return Err(err),
        };
        let registered = validation::check(policy, found, &context)?;
        Ok(Decoded {
            claims,
            registered,
            algorithm: checked.header.algorithm(),
            kid: checked.header.into_kid(),
        })
    }

    /// The JWS layer for one level, charged to the shared size budget.
    fn verify_jws(
        &self,
        token: &str,
        id: PurposeId,
        policy: &Policy,
        content_type: ContentTypeRule,
        cx: &mut NestedCx<'_>,
    ) -> Result<jws::Checked, Error> {
        // A purpose that was given keys uses only those; one that was not
        // uses the shared keys.
        let keys = match self.keys.get(&id) {
            Some(keys) => keys.source(),
            None => {
                // Registered purposes were checked by `build()`; this one
                // is met here first (a few comparisons).
                policy.check()?;
                &self.shared
            }
        };
        let rules = Rules {
            algorithms: policy.algorithms(),
            typ: TypeRule::Policy(policy),
            content_type,
            keys,
            purpose: policy.name(),
            collect_header: false,
            now: cx.now,
        };
        let checked = if policy.is_encrypted() {
            // Sign-then-encrypt: the JWS is the JWE's plaintext, checked
            // against the same rules; its failures say they are inside.
            let inner = self.decryption.open(token, id, policy, cx.budget)?;
            jws::verify(&inner, cx.budget, &rules).map_err(|err| Error::Encrypted {
                source: Box::new(err),
            })?
        } else {
            match jws::verify(token, cx.budget, &rules) {
                Err(Error::WrongSegmentCount { found: 5 })
                    if crate::jwt::encryption::has_jwe_header(token) =>
                {
                    return Err(Error::UnexpectedEncryption);
                }
                checked => checked?,
            }
        };
        cx.budget -= token.len();
        Ok(checked)
    }
}

/// The path a runtime wrapping purpose's errors name for its wrapped token.
const WRAPPED_PATH: &str = "wrapped";

/// A wrapping token has no claims: nothing holds its key's issuer.
fn wrapping_issuer_bound(policy: &Policy) -> Error {
    ConfigError::IssuerBoundWrappingKey {
        purpose: policy.name().to_owned(),
    }
    .into()
}

/// A nested member of a runtime purpose that holds no token string.
fn not_a_token(member: &str) -> Error {
    Error::InvalidClaims {
        reason: format!(
            "member \"{}\" must hold a nested token (a string, or an array of strings)",
            crate::error::echo(member)
        ),
    }
}

impl core::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verifier")
            .field("purposes", &self.keys.len())
            .field("shared_keys", &self.shared.len())
            .field("issuer", &self.issuer)
            .field("leeway", &self.leeway)
            .field("clock_skew", &self.skew)
            .field("max_size", &self.max_size)
            .field("max_depth", &self.max_depth)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Verifier`].
#[must_use]
pub struct VerifierBuilder {
    purposes: PurposeMap<Registration>,
    shared: Vec<VerifyingKey>,
    issuer: Option<String>,
    leeway: Duration,
    /// Whether `leeway` may exceed [`MAX_LEEWAY`] (only through
    /// [`dangerous::long_leeway`](crate::dangerous::long_leeway)).
    pub(crate) long_leeway: bool,
    skew: Duration,
    clock: Arc<dyn Clock>,
    max_size: usize,
    max_depth: usize,
    decryption: DecryptionKeysBuilder,
}

impl VerifierBuilder {
    /// Adds a key for purpose `T`. Several keys may serve one purpose; a
    /// token's `alg` and `kid` choose among them.
    pub fn key<T: Claims>(self, key: impl Into<VerifyingKey>) -> VerifierBuilder {
        self.add_keys(PurposeId::of::<T>(), T::policy(), [key.into()])
    }

    /// Adds every key of a JWK Set for purpose `T`, e.g. the keys an
    /// issuer publishes. Bind them to that issuer first when several issuers
    /// are trusted:
    ///
    /// ```
    /// # use jwt_claims::{Claims, JwkSet, PrivateKey, Verifier, Algorithm};
    /// # use serde::{Deserialize, Serialize};
    /// # #[derive(Serialize, Deserialize, Claims)]
    /// # #[jwt(aud = "billing", typ = "access", ttl = "15m")]
    /// # struct BillingAccess {}
    /// # let published = JwkSet::new([PrivateKey::generate(Algorithm::ES256)?.public_key()]).to_json();
    /// let keys = JwkSet::from_json(&published)?
    ///     .into_iter()
    ///     .map(|key| key.with_issuer("https://auth.example.com"));
    /// let verifier = Verifier::builder().key_set::<BillingAccess>(keys).build()?;
    /// # Ok::<(), jwt_claims::Error>(())
    /// ```
    ///
    /// A set with no key in it is refused by [`VerifierBuilder::build`]:
    /// the purpose would otherwise verify nothing, or fall back to keys it
    /// was never meant to trust.
    pub fn key_set<T: Claims>(self, keys: impl IntoIterator<Item = PublicKey>) -> VerifierBuilder {
        self.add_keys(
            PurposeId::of::<T>(),
            T::policy(),
            keys.into_iter().map(VerifyingKey::from),
        )
    }

    /// Adds a key for a purpose defined at run time.
    pub fn purpose_key(
        self,
        purpose: &RuntimePurpose,
        key: impl Into<VerifyingKey>,
    ) -> VerifierBuilder {
        self.add_keys(purpose.id(), purpose.policy(), [key.into()])
    }

    /// Adds every key of a JWK Set for a purpose defined at run time; as
    /// [`VerifierBuilder::key_set`].
    pub fn purpose_key_set(
        self,
        purpose: &RuntimePurpose,
        keys: impl IntoIterator<Item = PublicKey>,
    ) -> VerifierBuilder {
        self.add_keys(
            purpose.id(),
            purpose.policy(),
            keys.into_iter().map(VerifyingKey::from),
        )
    }

    fn add_keys(
        mut self,
        id: PurposeId,
        policy: &Policy,
        keys: impl IntoIterator<Item = VerifyingKey>,
    ) -> VerifierBuilder {
        let registration = self.purposes.entry(id).or_insert_with(|| Registration {
            policy: policy.clone(),
            keys: PurposeKeys::Static(Vec::new()),
            conflict: false,
        });
        match &mut registration.keys {
            PurposeKeys::Static(configured) => configured.extend(keys),
            PurposeKeys::Provider(_) => registration.conflict = true,
        }
        self
    }

    /// Takes purpose `T`'s keys from a JWK Set fetched and kept fresh from
    /// a URL, instead of configured keys.
    #[cfg(feature = "remote-jwks")]
    pub fn remote_key_set<T: Claims>(self, keys: crate::RemoteJwks) -> VerifierBuilder {
        self.key_provider::<T>(Arc::new(keys))
    }

    /// Takes a runtime purpose's keys from a remote JWK Set.
    #[cfg(feature = "remote-jwks")]
    pub fn remote_purpose_key_set(
        self,
        purpose: &RuntimePurpose,
        keys: crate::RemoteJwks,
    ) -> VerifierBuilder {
        self.purpose_key_provider(purpose, Arc::new(keys))
    }

    /// Takes purpose `T`'s keys from `provider`, instead of configured
    /// keys: e.g. a JWK Set an async runtime refreshes in the background.
    pub fn key_provider<T: Claims>(self, provider: Arc<dyn KeyProvider>) -> VerifierBuilder {
        self.add_provider(PurposeId::of::<T>(), T::policy(), provider)
    }

    /// Takes a runtime purpose's keys from `provider`.
    pub fn purpose_key_provider(
        self,
        purpose: &RuntimePurpose,
        provider: Arc<dyn KeyProvider>,
    ) -> VerifierBuilder {
        self.add_provider(purpose.id(), purpose.policy(), provider)
    }

    fn add_provider(
        mut self,
        id: PurposeId,
        policy: &Policy,
        provider: Arc<dyn KeyProvider>,
    ) -> VerifierBuilder {
        let replaced = self.purposes.insert(
            id,
            Registration {
                policy: policy.clone(),
                keys: PurposeKeys::Provider(provider),
                conflict: false,
            },
        );
        if replaced.is_some()
            && let Some(registration) = self.purposes.get_mut(&id)
        {
            registration.conflict = true;
        }
        self
    }

    /// Adds a key that decrypts tokens of the encrypted purpose `T`
    /// (`#[jwt(encrypted)]`); several make a rotation, the token's `kid`
    /// picking one. The inner JWS is then verified with `T`'s verifying
    /// keys, as any token of `T`.
    ///
    /// ```
    /// use jwt_claims::jwe::{DecryptionKey, KeyManagement};
    /// use jwt_claims::{Algorithm, Claims, HmacKey, Signer, Verifier};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, Deserialize, Claims)]
    /// #[jwt(aud = "billing", typ = "access", ttl = "15m", encrypted)]
    /// struct BillingAccess { iban: String }
    ///
    /// let signing = HmacKey::new(Algorithm::HS256, &[7; 32])?;
    /// let billing = DecryptionKey::generate(KeyManagement::EcdhEsA256Kw)?;
    /// let signer = Signer::builder()
    ///     .shared_key(signing.clone())
    ///     .encryption_key::<BillingAccess>(billing.encryption_key())
    ///     .build()?;
    /// let verifier = Verifier::builder()
    ///     .shared_key(signing)
    ///     .decryption_key::<BillingAccess>(billing)
    ///     .build()?;
    ///
    /// let token = signer.encode(&BillingAccess { iban: "DE89 3704 0044".into() })?;
    /// assert_eq!(token.as_str().split('.').count(), 5); // a JWE
    /// assert_eq!(verifier.decode::<BillingAccess>(token.as_str())?.claims().iban, "DE89 3704 0044");
    /// # Ok::<(), jwt_claims::Error>(())
    /// ```
    #[cfg(feature = "aws_lc_rs")]
    pub fn decryption_key<T: Claims>(mut self, key: crate::jwe::DecryptionKey) -> VerifierBuilder {
        self.decryption
            .purpose(PurposeId::of::<T>(), T::policy(), key);
        self
    }

    /// Adds a key that decrypts tokens of the encrypted runtime purpose
    /// `purpose` ([`Policy::with_encryption`]).
    #[cfg(feature = "aws_lc_rs")]
    pub fn purpose_decryption_key(
        mut self,
        purpose: &RuntimePurpose,
        key: crate::jwe::DecryptionKey,
    ) -> VerifierBuilder {
        self.decryption.purpose(purpose.id(), purpose.policy(), key);
        self
    }

    /// Adds a key that decrypts tokens of every encrypted purpose without
    /// decryption keys of its own.
    #[cfg(feature = "aws_lc_rs")]
    pub fn shared_decryption_key(mut self, key: crate::jwe::DecryptionKey) -> VerifierBuilder {
        self.decryption.shared(key);
        self
    }

    /// Adds a key used by every purpose that has no key of its own.
    ///
    /// Purposes that share a key are still told apart by `typ` and `aud`,
    /// but a key per purpose also confines a leaked key to one purpose.
    pub fn shared_key(mut self, key: impl Into<VerifyingKey>) -> VerifierBuilder {
        self.shared.push(key.into());
        self
    }

    /// The issuer `iss` must equal, for purposes that bind none themselves.
    pub fn issuer(mut self, issuer: impl Into<String>) -> VerifierBuilder {
        self.issuer = Some(issuer.into());
        self
    }

    /// Clock skew tolerated on `exp`, `nbf` and `iat` of every purpose
    /// (the larger of this and the purpose's own leeway applies); none by
    /// default. At most [`MAX_LEEWAY`]: [`VerifierBuilder::build`] refuses
    /// more (see [`dangerous::long_leeway`](crate::dangerous::long_leeway)).
    pub fn leeway(mut self, leeway: Duration) -> VerifierBuilder {
        self.leeway = leeway;
        self
    }

    /// Clock skew tolerated on `nbf` and `iat` only, so that tokens fresh
    /// from an issuer whose clock runs ahead are accepted:
    /// [`DEFAULT_CLOCK_SKEW`] (60 s) by default, `Duration::ZERO` for none,
    /// at most [`MAX_LEEWAY`]. `exp` is never given it.
    pub fn clock_skew(mut self, skew: Duration) -> VerifierBuilder {
        self.skew = skew;
        self
    }

    /// The clock; [`SystemClock`] by default.
    pub fn clock(mut self, clock: impl Clock) -> VerifierBuilder {
        self.clock = Arc::new(clock);
        self
    }

    /// The size limit in bytes, shared by a token and all tokens nested in
    /// it (default 64 KiB). A larger token is refused before decoding.
    pub fn max_token_size(mut self, bytes: usize) -> VerifierBuilder {
        self.max_size = bytes;
        self
    }

    /// How deep tokens may nest (default 4).
    pub fn max_nesting_depth(mut self, depth: usize) -> VerifierBuilder {
        self.max_depth = depth;
        self
    }

    /// Builds the verifier.
    ///
    /// # Errors
    /// [`Error::Configuration`] when no key is configured, the issuer is
    /// empty, a purpose was given both configured keys and a remote set, a
    /// purpose was given an empty key set, two keys of one purpose share
    /// an algorithm and a `kid`, a registered purpose's policy describes no
    /// purpose ([`Policy::check`]), or a wrapping purpose was given keys
    /// bound to an issuer.
    pub fn build(self) -> Result<Verifier, Error> {
        for registration in self.purposes.values() {
            let policy = &registration.policy;
            let purpose = policy.name();
            policy.check()?;
            if registration.conflict {
                return Err(ConfigError::KeysAndRemoteSet {
                    purpose: purpose.to_owned(),
                }
                .into());
            }
            // A remote set is checked when it is fetched: it may change.
            let Some(keys) = registration.keys.configured() else {
                continue;
            };
            if keys.is_empty() {
                return Err(ConfigError::EmptyKeySet {
                    purpose: purpose.to_owned(),
                }
                .into());
            }
            jws::check_key_ids(keys, purpose)?;
            if policy.wraps_token() && keys.iter().any(|key| key.issuer().is_some()) {
                return Err(wrapping_issuer_bound(policy));
            }
        }
        jws::check_key_ids(&self.shared, "shared")?;
        if self.purposes.is_empty() && self.shared.is_empty() {
            return Err(ConfigError::NoVerifyingKey.into());
        }
        if self.issuer.as_deref() == Some("") {
            return Err(ConfigError::EmptyIssuer.into());
        }
        if self.leeway > MAX_LEEWAY && !self.long_leeway {
            return Err(ConfigError::LeewayTooLong.into());
        }
        if self.skew > MAX_LEEWAY {
            return Err(ConfigError::ClockSkewTooLong.into());
        }
        Ok(Verifier {
            keys: self
                .purposes
                .into_iter()
                .map(|(id, registration)| (id, registration.keys))
                .collect(),
            shared: self.shared,
            issuer: self.issuer,
            leeway: self.leeway,
            skew: self.skew,
            clock: self.clock,
            max_size: self.max_size,
            max_depth: self.max_depth,
            decryption: self.decryption.build()?,
        })
    }
}
