//! What a purpose accepts: the rules one kind of token is checked against.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use crate::jwe::ContentEncryption;
use crate::jwt::purpose::PurposeId;
use crate::{Algorithm, ConfigError, PolicyProblem};

/// A registered claim name (RFC 7519 §4.1).
///
/// The framework owns these claims: a claims type never declares them as
/// fields, and [`Decoded`](crate::Decoded) gives typed access to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegisteredClaim {
    /// `iss`: who issued the token.
    Issuer,
    /// `sub`: whom the token is about.
    Subject,
    /// `aud`: who the token is for.
    Audience,
    /// `exp`: when the token stops being valid.
    ExpirationTime,
    /// `nbf`: when the token starts being valid.
    NotBefore,
    /// `iat`: when the token was issued.
    IssuedAt,
    /// `jti`: a unique identifier of the token.
    JwtId,
}

impl RegisteredClaim {
    /// Every registered claim, in RFC 7519 order.
    pub const ALL: [RegisteredClaim; 7] = [
        RegisteredClaim::Issuer,
        RegisteredClaim::Subject,
        RegisteredClaim::Audience,
        RegisteredClaim::ExpirationTime,
        RegisteredClaim::NotBefore,
        RegisteredClaim::IssuedAt,
        RegisteredClaim::JwtId,
    ];

    /// The claim's JSON member name, e.g. `"exp"`.
    pub const fn name(self) -> &'static str {
        match self {
            RegisteredClaim::Issuer => "iss",
            RegisteredClaim::Subject => "sub",
            RegisteredClaim::Audience => "aud",
            RegisteredClaim::ExpirationTime => "exp",
            RegisteredClaim::NotBefore => "nbf",
            RegisteredClaim::IssuedAt => "iat",
            RegisteredClaim::JwtId => "jti",
        }
    }

    /// The registered claim with this exact (case-sensitive) member name.
    /// Every payload member name passes through here: a `match` on the
    /// string, which the compiler turns into a length switch and compares.
    #[inline]
    pub fn from_name(name: &str) -> Option<RegisteredClaim> {
        Some(match name {
            "iss" => RegisteredClaim::Issuer,
            "sub" => RegisteredClaim::Subject,
            "aud" => RegisteredClaim::Audience,
            "exp" => RegisteredClaim::ExpirationTime,
            "nbf" => RegisteredClaim::NotBefore,
            "iat" => RegisteredClaim::IssuedAt,
            "jti" => RegisteredClaim::JwtId,
            _ => return None,
        })
    }
}

/// The rules for one purpose: which `typ`, audiences, issuer, algorithms and
/// lifetimes a token must have to be accepted as that purpose.
///
/// `#[derive(Claims)]` builds one for each claims type from its `#[jwt(...)]`
/// attribute. Gateways and tools without a derived type build one at run time,
/// make it a [`RuntimePurpose`] and decode with
/// [`Verifier::decode_runtime`](crate::Verifier::decode_runtime); both paths
/// run the same checks.
///
/// ```
/// use std::time::Duration;
/// use jwt_claims::{Algorithm, Policy, RegisteredClaim};
///
/// let policy = Policy::new("gateway.billing-access", "access", ["billing"])
///     .with_issuer("https://auth.example.com")
///     .with_algorithms([Algorithm::ES256])
///     .with_leeway(Duration::from_secs(5))
///     .with_required([RegisteredClaim::Subject]);
/// assert_eq!(policy.token_type(), Some("access"));
/// assert!(policy.accepts_type("application/ACCESS"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub(crate) name: Cow<'static, str>,
    /// The `typ` the purpose's tokens carry; `None` for a third-party
    /// purpose that accepts `typ: "JWT"` or none
    /// ([`dangerous::untyped_policy`](crate::dangerous::untyped_policy)).
    pub(crate) typ: Option<Cow<'static, str>>,
    pub(crate) audiences: Cow<'static, [Cow<'static, str>]>,
    pub(crate) issuer: Option<Cow<'static, str>>,
    pub(crate) algorithms: Cow<'static, [Algorithm]>,
    pub(crate) ttl: Option<Duration>,
    pub(crate) leeway: Duration,
    /// Whether `leeway` may exceed [`MAX_LEEWAY`] (only through
    /// [`dangerous`](crate::dangerous)).
    pub(crate) long_leeway: bool,
    pub(crate) max_age: Option<Duration>,
    pub(crate) required: Cow<'static, [RegisteredClaim]>,
    /// Private claims that must be present with exactly these values.
    pub(crate) claims: Cow<'static, [ClaimValue]>,
    /// Whether the payload is a token (`cty: "JWT"`, RFC 7519 §5.2) rather
    /// than a claims set.
    pub(crate) wraps: bool,
    /// Whether each token may be used once ([`Policy::with_one_time`]).
    pub(crate) one_time: bool,
    /// Whether tokens are signed, then encrypted ([`Policy::with_encryption`]).
    pub(crate) encrypted: bool,
    /// The content encryptions accepted; empty for all.
    pub(crate) encryptions: Cow<'static, [ContentEncryption]>,
}

/// The most clock skew a policy or verifier tolerates without an explicit
/// opt-out: 5 minutes. More would keep expired tokens alive; a
/// `Duration::MAX` leeway would disable expiry altogether.
pub const MAX_LEEWAY: Duration = Duration::from_secs(5 * 60);

/// A private claim a purpose requires with an exact string value, e.g.
/// Cognito's `token_use: "access"` ([`Policy::with_claim`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimValue {
    pub(crate) name: Cow<'static, str>,
    pub(crate) value: Cow<'static, str>,
}

impl ClaimValue {
    /// The claim's member name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value it must have.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl Policy {
    /// A policy named `name` (the name keys are registered under) for tokens
    /// of type `typ` addressed to any of `audiences`.
    ///
    /// Everything else starts strict: no issuer bound (the verifier's issuer
    /// applies), algorithms decided by the key, no leeway, no `max_age`, no
    /// extra required claims. `exp` is always required.
    pub fn new<A, S>(
        name: impl Into<Cow<'static, str>>,
        typ: impl Into<Cow<'static, str>>,
        audiences: A,
    ) -> Policy
    where
        A: IntoIterator<Item = S>,
        S: Into<Cow<'static, str>>,
    {
        Policy {
            name: name.into(),
            typ: Some(typ.into()),
            audiences: audiences.into_iter().map(Into::into).collect(),
            issuer: None,
            algorithms: Cow::Borrowed(&[]),
            ttl: None,
            leeway: Duration::ZERO,
            long_leeway: false,
            max_age: None,
            required: Cow::Borrowed(&[]),
            claims: Cow::Borrowed(&[]),
            wraps: false,
            one_time: false,
            encrypted: false,
            encryptions: Cow::Borrowed(&[]),
        }
    }

    /// A policy for a wrapping purpose (RFC 7519 §5.2): its tokens carry
    /// `typ` and `cty: "JWT"`, and their payload is a token of another
    /// purpose, which carries all the claims. Give it that purpose with
    /// [`RuntimePurpose::wrapping`].
    pub fn wrapping(
        name: impl Into<Cow<'static, str>>,
        typ: impl Into<Cow<'static, str>>,
    ) -> Policy {
        Policy {
            wraps: true,
            ..Policy::new(name, typ, Vec::<&'static str>::new())
        }
    }

    /// Requires the private claim `name` with exactly the string `value`,
    /// e.g. `with_claim("token_use", "access")` for Cognito, whose ID and
    /// access tokens share issuer and audience. A token without it, or
    /// with another value, is [`Error::ClaimMismatch`](crate::Error::ClaimMismatch).
    /// Several calls add several claims.
    pub fn with_claim(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<Cow<'static, str>>,
    ) -> Policy {
        self.claims.to_mut().push(ClaimValue {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Binds the policy to one issuer: `iss` must be exactly this string.
    pub fn with_issuer(mut self, issuer: impl Into<Cow<'static, str>>) -> Policy {
        self.issuer = Some(issuer.into());
        self
    }

    /// Restricts the `alg` header to these algorithms (in addition to the
    /// key's own algorithm, which always has to match).
    pub fn with_algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Policy {
        self.algorithms = algorithms.into_iter().collect();
        self
    }

    /// The lifetime given to tokens encoded without an explicit expiry.
    pub fn with_ttl(mut self, ttl: Duration) -> Policy {
        self.ttl = Some(ttl);
        self
    }

    /// Clock skew tolerated on `exp`, `nbf` and `iat`, at most
    /// [`MAX_LEEWAY`] (a longer one is refused by [`Policy::check`]; see
    /// [`dangerous::long_leeway_policy`](crate::dangerous::long_leeway_policy)).
    pub fn with_leeway(mut self, leeway: Duration) -> Policy {
        self.leeway = leeway;
        self
    }

    /// Requires `iat` and rejects tokens issued longer ago than `max_age`.
    pub fn with_max_age(mut self, max_age: Duration) -> Policy {
        self.max_age = Some(max_age);
        self
    }

    /// Makes each token of this purpose usable once: `jti` (and `exp`, as
    /// always) are required, and a stateful verifier refuses the second
    /// use. The check-and-mark is the stateful layer's (it runs last, after
    /// every other check); the verifier alone only requires the claims.
    pub fn with_one_time(mut self) -> Policy {
        self.one_time = true;
        self
    }

    /// Whether each token of this purpose may be used once.
    pub fn is_one_time(&self) -> bool {
        self.one_time
    }

    /// Makes the purpose encrypted (RFC 7519 §5.2 nested JWT): the signer
    /// signs the claims, then encrypts that JWS to the purpose's
    /// [`EncryptionKey`](crate::jwe::EncryptionKey) (an outer JWE with
    /// `cty: "JWT"`); the verifier decrypts with the purpose's
    /// [`DecryptionKey`](crate::jwe::DecryptionKey)s, then verifies the
    /// inner JWS with this policy. A plain JWS for the purpose is
    /// [`Error::NotEncrypted`](crate::Error::NotEncrypted), and a JWE for a
    /// purpose that is not encrypted is
    /// [`Error::UnexpectedEncryption`](crate::Error::UnexpectedEncryption).
    pub fn with_encryption(mut self) -> Policy {
        self.encrypted = true;
        self
    }

    /// Accepts only these content encryptions (`enc`) for an encrypted
    /// purpose; the signer uses the first. All four by default.
    pub fn with_content_encryptions(
        mut self,
        encs: impl IntoIterator<Item = ContentEncryption>,
    ) -> Policy {
        self.encryptions = encs.into_iter().collect();
        self
    }

    /// Whether tokens of this purpose are encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// The content encryptions accepted: those given to
    /// [`Policy::with_content_encryptions`], or all.
    pub fn content_encryptions(&self) -> &[ContentEncryption] {
        if self.encryptions.is_empty() {
            &ContentEncryption::ALL
        } else {
            &self.encryptions
        }
    }

    /// Registered claims that must be present and non-null.
    pub fn with_required(mut self, claims: impl IntoIterator<Item = RegisteredClaim>) -> Policy {
        self.required = claims.into_iter().collect();
        self
    }

    /// The name keys are registered under; for a derived type, its module
    /// path and name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The expected `typ` header value; `None` for an untyped third-party
    /// purpose, which accepts `typ: "JWT"` or no `typ`.
    pub fn token_type(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// The audiences a token may be addressed to; at least one must appear
    /// in its `aud`.
    pub fn audiences(&self) -> impl ExactSizeIterator<Item = &str> {
        self.audiences.iter().map(|aud| &**aud)
    }

    /// The issuer bound at the type level, if any.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The algorithm allow-list; empty means the key's algorithm decides.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// The default lifetime of newly encoded tokens.
    pub fn ttl(&self) -> Option<Duration> {
        self.ttl
    }

    /// The clock skew tolerated on time claims.
    pub fn leeway(&self) -> Duration {
        self.leeway
    }

    /// The oldest `iat` accepted, as an age.
    pub fn max_age(&self) -> Option<Duration> {
        self.max_age
    }

    /// Registered claims that must be present besides `exp` and `aud`.
    pub fn required(&self) -> &[RegisteredClaim] {
        &self.required
    }

    /// Private claims that must be present with exact values
    /// ([`Policy::with_claim`]).
    pub fn claims(&self) -> &[ClaimValue] {
        &self.claims
    }

    /// Whether a `typ` header value names this policy's type, compared as
    /// RFC 7515 §4.1.9 says: case-insensitively, with `application/`
    /// implied when the value has no other `/`. An untyped third-party
    /// purpose accepts `JWT`.
    pub fn accepts_type(&self, found: &str) -> bool {
        same_media_type(self.typ.as_deref().unwrap_or(GENERIC_TYPE), found)
    }

    /// Checks the policy can describe a purpose at all: a non-empty `typ`
    /// that names a purpose (not the generic `JWT`: see
    /// [`dangerous::untyped_policy`](crate::dangerous::untyped_policy) for
    /// a third-party issuer's tokens), at least one non-empty audience
    /// (unless it wraps a token), an issuer for an untyped purpose, no
    /// empty claim name, and a leeway of at most [`MAX_LEEWAY`].
    ///
    /// # Errors
    /// [`Error::Configuration`](crate::Error::Configuration) naming the policy and what is wrong.
    pub fn check(&self) -> Result<(), crate::Error> {
        let problem = match self.typ.as_deref().map(media_type_short) {
            Some("") => Some(PolicyProblem::EmptyType),
            Some(short) if short.eq_ignore_ascii_case(GENERIC_TYPE) => {
                Some(PolicyProblem::GenericType)
            }
            None if self.issuer.as_deref().is_none_or(str::is_empty) => {
                Some(PolicyProblem::UntypedWithoutIssuer)
            }
            _ if !self.wraps
                && (self.audiences.is_empty()
                    || self.audiences.iter().any(|aud| aud.is_empty())) =>
            {
                Some(PolicyProblem::NoAudience)
            }
            _ if self.issuer.as_deref() == Some("") => Some(PolicyProblem::EmptyIssuer),
            _ if self.claims.iter().any(|claim| claim.name.is_empty()) => {
                Some(PolicyProblem::EmptyClaimName)
            }
            _ if self
                .claims
                .iter()
                .any(|claim| RegisteredClaim::from_name(&claim.name).is_some()) =>
            {
                Some(PolicyProblem::RegisteredClaimValue)
            }
            _ if self.leeway > MAX_LEEWAY && !self.long_leeway => {
                Some(PolicyProblem::LeewayTooLong)
            }
            _ => None,
        };
        match problem {
            Some(problem) => Err(self.problem(problem)),
            None => Ok(()),
        }
    }

    /// `problem` as the error naming this policy.
    pub(crate) fn problem(&self, problem: PolicyProblem) -> crate::Error {
        ConfigError::InvalidPolicy {
            policy: self.name.clone().into_owned(),
            problem,
        }
        .into()
    }

    /// Whether `alg` is allowed by this policy's allow-list.
    pub(crate) fn allows(&self, alg: Algorithm) -> bool {
        self.algorithms.is_empty() || self.algorithms.contains(&alg)
    }

    /// Whether `claim` must be present.
    pub(crate) fn requires(&self, claim: RegisteredClaim) -> bool {
        self.required.contains(&claim)
            || (claim == RegisteredClaim::IssuedAt && self.max_age.is_some())
            || (claim == RegisteredClaim::JwtId && self.one_time)
    }

    /// Whether tokens of this purpose wrap another token (`cty: "JWT"`,
    /// RFC 7519 §5.2) instead of carrying claims. The wrapped token is
    /// checked as its own purpose and carries all the claims.
    pub fn wraps_token(&self) -> bool {
        self.wraps
    }
}

/// A purpose defined at run time: a checked [`Policy`] with an identity of
/// its own, and what a derived type would declare besides: the purpose it
/// wraps, and the members that hold nested tokens.
///
/// Gateways and tools that learn their purposes from configuration make one
/// per purpose, register keys for it
/// ([`VerifierBuilder::purpose_key`](crate::VerifierBuilder::purpose_key))
/// and decode with it
/// ([`Verifier::decode_runtime`](crate::Verifier::decode_runtime)). The
/// identity is the value, not the policy's name: two runtime purposes never
/// share keys, whatever they are called, and keys registered for one can
/// never be looked up by another. Clones are the same purpose.
///
/// ```
/// use jwt_claims::{Policy, RuntimePurpose};
///
/// let billing = RuntimePurpose::new(Policy::new("billing", "access", ["billing"]))?;
/// let same_name = RuntimePurpose::new(Policy::new("billing", "access", ["billing"]))?;
/// assert_ne!(billing, same_name);
/// assert_eq!(billing, billing.clone());
///
/// // A grant nested in the `grant` member, verified as its own purpose.
/// let grant = RuntimePurpose::new(Policy::new("grant", "delegation", ["billing"]))?;
/// let delegated = RuntimePurpose::new(Policy::new("delegated", "access", ["billing"]))?
///     .with_nested("grant", &grant)?;
/// // A gateway envelope (RFC 7519 §5.2) around a billing token.
/// let envelope = RuntimePurpose::wrapping(Policy::wrapping("envelope", "gateway"), &billing)?;
///
/// let err = RuntimePurpose::new(Policy::new("broken", "", ["billing"])).unwrap_err();
/// assert_eq!(err.to_string(), r#"configuration error: policy "broken": its typ is empty"#);
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RuntimePurpose {
    id: PurposeId,
    inner: Arc<RuntimeInner>,
}

#[derive(Clone, Debug)]
struct RuntimeInner {
    policy: Policy,
    wrapped: Option<RuntimePurpose>,
    nested: Vec<(String, RuntimePurpose)>,
}

impl RuntimePurpose {
    /// Checks `policy` ([`Policy::check`]) and gives it an identity.
    ///
    /// # Errors
    /// As [`Policy::check`]; and for a wrapping policy, which needs the
    /// purpose it wraps ([`RuntimePurpose::wrapping`]).
    pub fn new(policy: Policy) -> Result<RuntimePurpose, crate::Error> {
        if policy.wraps_token() {
            return Err(policy.problem(PolicyProblem::WrapsToken));
        }
        RuntimePurpose::make(policy, None)
    }

    /// A wrapping purpose (RFC 7519 §5.2) made from a
    /// [`Policy::wrapping`]: its tokens carry `cty: "JWT"` and a token of
    /// `wrapped` as their payload, verified as that purpose with its keys.
    ///
    /// # Errors
    /// As [`Policy::check`]; and for a policy that does not wrap.
    pub fn wrapping(
        policy: Policy,
        wrapped: &RuntimePurpose,
    ) -> Result<RuntimePurpose, crate::Error> {
        if !policy.wraps_token() {
            return Err(policy.problem(PolicyProblem::WrapsNothing));
        }
        RuntimePurpose::make(policy, Some(wrapped.clone()))
    }

    fn make(
        policy: Policy,
        wrapped: Option<RuntimePurpose>,
    ) -> Result<RuntimePurpose, crate::Error> {
        policy.check()?;
        Ok(RuntimePurpose {
            id: PurposeId::fresh(),
            inner: Arc::new(RuntimeInner {
                policy,
                wrapped,
                nested: Vec::new(),
            }),
        })
    }

    /// Declares that the top-level member `member` holds a token of
    /// `purpose` (a string, or an array of strings; absent or `null` is
    /// none), verified with that purpose's policy and keys whenever a token
    /// of this purpose is decoded: the runtime twin of `#[jwt(nested)]`.
    /// The decoded value still holds the nested token strings.
    ///
    /// # Errors
    /// [`Error::Configuration`](crate::Error::Configuration) for a member
    /// named like a registered claim, an empty or repeated one, or on a
    /// wrapping purpose (whose payload is a token, not members).
    pub fn with_nested(
        mut self,
        member: impl Into<String>,
        purpose: &RuntimePurpose,
    ) -> Result<RuntimePurpose, crate::Error> {
        let member = member.into();
        let problem = if self.inner.wrapped.is_some() {
            Some(PolicyProblem::NestedInWrapping)
        } else if member.is_empty() || RegisteredClaim::from_name(&member).is_some() {
            Some(PolicyProblem::NestedMemberName)
        } else if self.nested().iter().any(|(name, _)| *name == member) {
            Some(PolicyProblem::NestedTwice)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(self.policy().problem(problem));
        }
        Arc::make_mut(&mut self.inner)
            .nested
            .push((member, purpose.clone()));
        Ok(self)
    }

    /// The purpose's rules.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The purpose a wrapping purpose wraps.
    pub fn wrapped(&self) -> Option<&RuntimePurpose> {
        self.inner.wrapped.as_ref()
    }

    /// The members holding nested tokens, with their purposes.
    pub fn nested(&self) -> &[(String, RuntimePurpose)] {
        &self.inner.nested
    }

    pub(crate) fn id(&self) -> PurposeId {
        self.id
    }
}

impl PartialEq for RuntimePurpose {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for RuntimePurpose {}

/// The `typ` most third-party issuers write, which names no purpose.
const GENERIC_TYPE: &str = "JWT";

/// What `#[derive(Claims)]` declares, for [`derived`]: every field a
/// fact the derive checked, or a path to a `const` it could not (checked by
/// [`Policy::check`] when a verifier learns of the purpose). Reached only
/// through `__private`; the fields mirror [`Policy`]'s.
#[doc(hidden)]
#[allow(missing_docs)]
pub struct DerivedPolicy {
    pub name: &'static str,
    /// `None` for `dangerous_untyped`.
    pub typ: Option<&'static str>,
    pub audiences: &'static [Cow<'static, str>],
    pub issuer: Option<&'static str>,
    pub algorithms: &'static [Algorithm],
    pub ttl_secs: Option<u64>,
    pub leeway_secs: u64,
    pub max_age_secs: Option<u64>,
    pub required: &'static [RegisteredClaim],
    pub claims: &'static [ClaimValue],
    pub wraps: bool,
    pub one_time: bool,
    pub encrypted: bool,
    pub encryptions: &'static [ContentEncryption],
}

/// The policy `#[derive(Claims)]` declares, built in a `static`.
pub(crate) const fn derived(parts: DerivedPolicy) -> Policy {
    Policy {
        name: Cow::Borrowed(parts.name),
        typ: match parts.typ {
            Some(typ) => Some(Cow::Borrowed(typ)),
            None => None,
        },
        audiences: Cow::Borrowed(parts.audiences),
        issuer: match parts.issuer {
            Some(issuer) => Some(Cow::Borrowed(issuer)),
            None => None,
        },
        algorithms: Cow::Borrowed(parts.algorithms),
        ttl: match parts.ttl_secs {
            Some(secs) => Some(Duration::from_secs(secs)),
            None => None,
        },
        leeway: Duration::from_secs(parts.leeway_secs),
        long_leeway: false,
        max_age: match parts.max_age_secs {
            Some(secs) => Some(Duration::from_secs(secs)),
            None => None,
        },
        required: Cow::Borrowed(parts.required),
        claims: Cow::Borrowed(parts.claims),
        wraps: parts.wraps,
        one_time: parts.one_time,
        encrypted: parts.encrypted,
        encryptions: Cow::Borrowed(parts.encryptions),
    }
}

/// A required private claim, in a `static` the derive writes.
pub(crate) const fn derived_claim(name: &'static str, value: &'static str) -> ClaimValue {
    ClaimValue {
        name: Cow::Borrowed(name),
        value: Cow::Borrowed(value),
    }
}

/// Whether two `typ`/`cty` values name the same media type.
pub(crate) fn same_media_type(a: &str, b: &str) -> bool {
    media_type_short(a).eq_ignore_ascii_case(media_type_short(b))
}

/// The short form of a media type: `application/` dropped when nothing
/// else in the value has a `/` (RFC 7515 §4.1.9).
fn media_type_short(media_type: &str) -> &str {
    const PREFIX: &str = "application/";
    match media_type.get(..PREFIX.len()) {
        Some(head)
            if head.eq_ignore_ascii_case(PREFIX) && !media_type[PREFIX.len()..].contains('/') =>
        {
            &media_type[PREFIX.len()..]
        }
        _ => media_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access() -> Policy {
        Policy::new("test.access", "access", ["billing"])
    }

    #[test]
    fn type_comparison_is_case_insensitive_and_implies_application_prefix() {
        let policy = access();
        for found in [
            "access",
            "ACCESS",
            "Access",
            "application/access",
            "APPLICATION/Access",
        ] {
            assert!(policy.accepts_type(found), "{found:?}");
        }
    }

    #[test]
    fn type_comparison_rejects_other_types_and_other_media_trees() {
        let policy = access();
        for found in [
            "refresh",
            "accesss",
            "text/access",
            "application/access/x",
            "",
            "application/",
        ] {
            assert!(!policy.accepts_type(found), "{found:?}");
        }
    }

    #[test]
    fn type_with_explicit_application_prefix_matches_short_form() {
        let policy = Policy::new("t", "application/at+jwt", ["a"]);
        assert!(policy.accepts_type("at+jwt"));
        assert!(policy.accepts_type("AT+JWT"));
        assert!(!policy.accepts_type("jwt"));
    }

    #[test]
    fn check_refuses_policies_that_describe_no_purpose() {
        let refused = |policy: Policy, problem: PolicyProblem| {
            assert_eq!(
                policy.check(),
                Err(crate::Error::Configuration(ConfigError::InvalidPolicy {
                    policy: "t".into(),
                    problem
                }))
            );
        };
        refused(Policy::new("t", "", ["a"]), PolicyProblem::EmptyType);
        refused(
            Policy::new("t", "access", Vec::<String>::new()),
            PolicyProblem::NoAudience,
        );
        refused(
            Policy::new("t", "access", ["a", ""]),
            PolicyProblem::NoAudience,
        );
        refused(
            Policy::new("t", "application/JWT", ["a"]),
            PolicyProblem::GenericType,
        );
        refused(
            crate::dangerous::untyped_policy("t", "", ["a"]),
            PolicyProblem::UntypedWithoutIssuer,
        );
        refused(
            Policy::new("t", "access", ["a"]).with_leeway(Duration::from_secs(301)),
            PolicyProblem::LeewayTooLong,
        );
        refused(
            Policy::new("t", "access", ["a"]).with_claim("iss", "x"),
            PolicyProblem::RegisteredClaimValue,
        );
        refused(
            Policy::new("t", "access", ["a"]).with_claim("", "x"),
            PolicyProblem::EmptyClaimName,
        );
        refused(
            Policy::new("t", "access", ["a"]).with_issuer(""),
            PolicyProblem::EmptyIssuer,
        );
        assert_eq!(Policy::new("t", "access", ["a"]).check(), Ok(()));
        let long = crate::dangerous::long_leeway_policy(
            Policy::new("t", "access", ["a"]),
            Duration::from_secs(3600),
        );
        assert_eq!(long.check(), Ok(()));
        assert_eq!(
            crate::dangerous::untyped_policy("t", "https://idp", ["a"]).check(),
            Ok(())
        );
    }

    #[test]
    fn max_age_implies_issued_at_is_required() {
        let policy = access().with_max_age(Duration::from_secs(60));
        assert!(policy.requires(RegisteredClaim::IssuedAt));
        assert!(!access().requires(RegisteredClaim::IssuedAt));
    }

    #[test]
    fn empty_algorithm_list_lets_the_key_decide() {
        assert!(access().allows(Algorithm::RS256));
        let pinned = access().with_algorithms([Algorithm::ES256]);
        assert!(pinned.allows(Algorithm::ES256));
        assert!(!pinned.allows(Algorithm::HS256));
    }
}
