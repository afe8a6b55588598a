//! What a purpose accepts: the rules one kind of token is checked against.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use crate::Algorithm;
use crate::purpose_map::PurposeId;

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
    pub fn from_name(name: &str) -> Option<RegisteredClaim> {
        RegisteredClaim::ALL
            .into_iter()
            .find(|claim| claim.name() == name)
    }
}

/// The rules for one purpose: which `typ`, audiences, issuer, algorithms and
/// lifetimes a token must have to be accepted as that purpose.
///
/// `#[derive(Claims)]` builds one for each claims type from its `#[jwt(...)]`
/// attribute. Gateways and tools without a derived type build one at run time
/// and decode with [`Verifier::decode_with_policy`](crate::Verifier::decode_with_policy);
/// both paths run the same checks.
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
/// assert_eq!(policy.token_type(), "access");
/// assert!(policy.accepts_type("application/ACCESS"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub(crate) name: Cow<'static, str>,
    pub(crate) typ: Cow<'static, str>,
    pub(crate) audiences: Cow<'static, [Cow<'static, str>]>,
    pub(crate) issuer: Option<Cow<'static, str>>,
    pub(crate) algorithms: Cow<'static, [Algorithm]>,
    pub(crate) ttl: Option<Duration>,
    pub(crate) leeway: Duration,
    pub(crate) max_age: Option<Duration>,
    pub(crate) required: Cow<'static, [RegisteredClaim]>,
    /// Whether the payload is a token (`cty: "JWT"`, RFC 7519 §5.2) rather
    /// than a claims set.
    pub(crate) wraps: bool,
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
            typ: typ.into(),
            audiences: audiences.into_iter().map(Into::into).collect(),
            issuer: None,
            algorithms: Cow::Borrowed(&[]),
            ttl: None,
            leeway: Duration::ZERO,
            max_age: None,
            required: Cow::Borrowed(&[]),
            wraps: false,
        }
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

    /// Clock skew tolerated on `exp`, `nbf` and `iat`.
    pub fn with_leeway(mut self, leeway: Duration) -> Policy {
        self.leeway = leeway;
        self
    }

    /// Requires `iat` and rejects tokens issued longer ago than `max_age`.
    pub fn with_max_age(mut self, max_age: Duration) -> Policy {
        self.max_age = Some(max_age);
        self
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

    /// The expected `typ` header value.
    pub fn token_type(&self) -> &str {
        &self.typ
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

    /// Whether a `typ` header value names this policy's type, compared as
    /// RFC 7515 §4.1.9 says: case-insensitively, with `application/`
    /// implied when the value has no other `/`.
    pub fn accepts_type(&self, found: &str) -> bool {
        same_media_type(&self.typ, found)
    }

    /// Checks the policy can describe a purpose at all: a non-empty `typ`
    /// and at least one non-empty audience (unless it wraps a token).
    /// Runtime policies may name the generic `typ: "JWT"`, which most
    /// third-party issuers write; `#[derive(Claims)]` refuses it for the
    /// purposes you define.
    ///
    /// # Errors
    /// [`Error::Configuration`](crate::Error::Configuration) naming the policy and what is missing.
    pub fn check(&self) -> Result<(), crate::Error> {
        let problem = if media_type_short(&self.typ).is_empty() {
            Some("its typ is empty")
        } else if !self.wraps
            && (self.audiences.is_empty() || self.audiences.iter().any(|aud| aud.is_empty()))
        {
            Some("it needs at least one audience, and no empty one")
        } else {
            None
        };
        match problem {
            Some(problem) => Err(crate::Error::Configuration {
                reason: format!("policy \"{}\": {problem}", self.name),
            }),
            None => Ok(()),
        }
    }

    /// Whether `alg` is allowed by this policy's allow-list.
    pub(crate) fn allows(&self, alg: Algorithm) -> bool {
        self.algorithms.is_empty() || self.algorithms.contains(&alg)
    }

    /// Whether `claim` must be present.
    pub(crate) fn requires(&self, claim: RegisteredClaim) -> bool {
        self.required.contains(&claim)
            || (claim == RegisteredClaim::IssuedAt && self.max_age.is_some())
    }

    /// The const constructor behind `#[derive(Claims)]`.
    #[allow(clippy::too_many_arguments)]
    #[doc(hidden)]
    pub const fn __from_derive(
        name: &'static str,
        typ: &'static str,
        audiences: &'static [Cow<'static, str>],
        issuer: Option<&'static str>,
        algorithms: &'static [Algorithm],
        ttl_secs: Option<u64>,
        leeway_secs: u64,
        max_age_secs: Option<u64>,
        required: &'static [RegisteredClaim],
    ) -> Policy {
        Policy {
            name: Cow::Borrowed(name),
            typ: Cow::Borrowed(typ),
            audiences: Cow::Borrowed(audiences),
            issuer: match issuer {
                Some(issuer) => Some(Cow::Borrowed(issuer)),
                None => None,
            },
            algorithms: Cow::Borrowed(algorithms),
            ttl: match ttl_secs {
                Some(secs) => Some(Duration::from_secs(secs)),
                None => None,
            },
            leeway: Duration::from_secs(leeway_secs),
            max_age: match max_age_secs {
                Some(secs) => Some(Duration::from_secs(secs)),
                None => None,
            },
            required: Cow::Borrowed(required),
            wraps: false,
        }
    }

    /// The const constructor behind `#[derive(Claims)]` for a wrapping
    /// purpose: a `typ`, an optional algorithm allow-list, no claims.
    #[doc(hidden)]
    pub const fn __wrapping_from_derive(
        name: &'static str,
        typ: &'static str,
        algorithms: &'static [Algorithm],
    ) -> Policy {
        Policy {
            name: Cow::Borrowed(name),
            typ: Cow::Borrowed(typ),
            audiences: Cow::Borrowed(&[]),
            issuer: None,
            algorithms: Cow::Borrowed(algorithms),
            ttl: None,
            leeway: Duration::ZERO,
            max_age: None,
            required: Cow::Borrowed(&[]),
            wraps: true,
        }
    }

    /// Whether tokens of this purpose wrap another token (`cty: "JWT"`,
    /// RFC 7519 §5.2) instead of carrying claims. The wrapped token is
    /// checked as its own purpose and carries all the claims.
    pub fn wraps_token(&self) -> bool {
        self.wraps
    }
}

/// A purpose defined at run time: a checked [`Policy`] with an identity of
/// its own.
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
/// let err = RuntimePurpose::new(Policy::new("broken", "", ["billing"])).unwrap_err();
/// assert_eq!(err.to_string(), r#"configuration error: policy "broken": its typ is empty"#);
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RuntimePurpose {
    id: PurposeId,
    policy: Arc<Policy>,
}

impl RuntimePurpose {
    /// Checks `policy` ([`Policy::check`]) and gives it an identity.
    ///
    /// # Errors
    /// As [`Policy::check`].
    pub fn new(policy: Policy) -> Result<RuntimePurpose, crate::Error> {
        policy.check()?;
        Ok(RuntimePurpose {
            id: PurposeId::fresh(),
            policy: Arc::new(policy),
        })
    }

    /// The purpose's rules.
    pub fn policy(&self) -> &Policy {
        &self.policy
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
        let refused = |policy: Policy, problem: &str| {
            assert_eq!(
                policy.check(),
                Err(crate::Error::Configuration {
                    reason: format!("policy \"t\": {problem}")
                })
            );
        };
        refused(Policy::new("t", "", ["a"]), "its typ is empty");
        refused(
            Policy::new("t", "access", Vec::<String>::new()),
            "it needs at least one audience, and no empty one",
        );
        refused(
            Policy::new("t", "access", ["a", ""]),
            "it needs at least one audience, and no empty one",
        );
        assert_eq!(Policy::new("t", "access", ["a"]).check(), Ok(()));
        assert_eq!(Policy::new("t", "JWT", ["a"]).check(), Ok(()));
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
