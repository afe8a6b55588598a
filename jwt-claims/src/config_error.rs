//! Configuration mistakes, typed: what a builder, a key source or a signer
//! refuses because the application asked for something inconsistent.
//!
//! They are raised as early as the library can know: by `build()` for
//! everything a builder sees (empty key sets, colliding key ids, wrapping
//! purposes with issuer-bound keys), by [`RuntimePurpose::new`] and
//! [`Policy::check`] for policies, and at encode or decode time only for
//! what depends on the call.
//!
//! [`RuntimePurpose::new`]: crate::RuntimePurpose::new
//! [`Policy::check`]: crate::Policy::check

use core::fmt;

use crate::Algorithm;

/// A configuration mistake; the payload of
/// [`Error::Configuration`](crate::Error::Configuration).
///
/// Each variant names what is inconsistent and where, so tests and callers
/// match the mistake instead of a message.
///
/// ```
/// use jwt_claims::{ConfigError, Error, Verifier};
///
/// let err = Verifier::builder().build().unwrap_err();
/// assert_eq!(err, Error::Configuration(ConfigError::NoVerifyingKey));
/// assert_eq!(err.to_string(), "configuration error: a verifier needs at least one key");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    // ----- builders -----
    /// A verifier was built without any key.
    NoVerifyingKey,
    /// A signer was built without any key.
    NoSigningKey,
    /// The issuer given to a verifier or signer is the empty string.
    EmptyIssuer,
    /// A purpose was given an empty key set: it would verify nothing, or
    /// fall back to keys it was never meant to trust.
    EmptyKeySet {
        /// The purpose's policy name.
        purpose: String,
    },
    /// A purpose was given both configured keys and a remote key set.
    KeysAndRemoteSet {
        /// The purpose's policy name.
        purpose: String,
    },
    /// Two decryption keys of one purpose (or of a JWE decrypter) share
    /// a `kid`: a token naming it could not say which key decrypts it.
    DuplicateDecryptionKeyId {
        /// The purpose's policy name, or what holds the keys.
        purpose: String,
        /// The repeated `kid`.
        kid: String,
    },
    /// Two keys of one purpose share an algorithm and a `kid`: the `kid`
    /// would name either.
    DuplicateKeyId {
        /// The purpose's policy name (`"shared"`, `"jws"` for those keys).
        purpose: String,
        /// The keys' algorithm.
        algorithm: Algorithm,
        /// The repeated `kid`.
        kid: String,
    },
    /// An encrypted purpose has no key to encrypt its tokens to.
    NoEncryptionKey {
        /// The purpose's policy name.
        purpose: String,
    },
    /// An encrypted purpose has no key to decrypt its tokens with (of its
    /// own, nor shared).
    NoDecryptionKey {
        /// The purpose's policy name.
        purpose: String,
    },
    /// An encryption or decryption key was given for a purpose that is
    /// not encrypted: it would never be used.
    NotEncryptedPurpose {
        /// The purpose's policy name.
        purpose: String,
    },
    /// A signer purpose was given a second encryption key.
    SecondEncryptionKey {
        /// The purpose's policy name.
        purpose: String,
    },
    /// A signer purpose was given a second signing key.
    SecondSigningKey {
        /// The purpose's policy name.
        purpose: String,
    },
    /// A wrapping purpose was given keys bound to an issuer: its tokens
    /// have no claims, so nothing would hold the key to its issuer.
    IssuerBoundWrappingKey {
        /// The purpose's policy name.
        purpose: String,
    },
    /// An issuer-bound key was given to the JWS layer, whose payloads have
    /// no `iss` to check.
    IssuerBoundJwsKey,
    /// A verifier's leeway exceeds [`MAX_LEEWAY`](crate::MAX_LEEWAY)
    /// without [`dangerous::long_leeway`](crate::dangerous::long_leeway).
    LeewayTooLong,
    /// A verifier's clock skew exceeds [`MAX_LEEWAY`](crate::MAX_LEEWAY).
    ClockSkewTooLong,
    /// A refresh family's grace window (when a retried rotation gets the
    /// same successor) exceeds [`MAX_LEEWAY`](crate::MAX_LEEWAY).
    GraceWindowTooLong,

    // ----- policies and purposes -----
    /// A policy describes no purpose, or a runtime purpose was put
    /// together wrongly.
    InvalidPolicy {
        /// The policy's name.
        policy: String,
        /// What is wrong with it.
        problem: PolicyProblem,
    },

    // ----- encoding -----
    /// The signer was asked to mint a token of an untyped third-party
    /// purpose: jwt-claims mints only typed tokens.
    MintUntyped {
        /// The purpose's policy name.
        purpose: String,
    },
    /// The signer's issuer contradicts the issuer the purpose is bound to.
    IssuerConflict {
        /// The signer's issuer.
        signer: String,
        /// The purpose's issuer.
        purpose: String,
    },
    /// Registered claims were set on a wrapping token, which has none of
    /// its own.
    WrappingClaims {
        /// The purpose's policy name.
        purpose: String,
    },
    /// A purpose's policy wraps a token but its type was not derived with
    /// `#[jwt(wraps)]`.
    NotDerivedWrapping {
        /// The purpose's policy name.
        purpose: String,
    },
    /// A wrapping token was asked for around a token whose claims are
    /// unknown here: wrap a token minted by a `Signer`.
    WrappedClaimsUnknown {
        /// The purpose's policy name.
        purpose: String,
    },

    // ----- key sources -----
    /// An environment variable holding a key is not set.
    EnvVarMissing {
        /// The variable's name.
        name: String,
    },
    /// An environment variable holding a key is not valid UTF-8.
    EnvVarNotUnicode {
        /// The variable's name.
        name: String,
    },
    /// A key file cannot be read.
    KeyFileUnreadable {
        /// The file's path.
        path: String,
        /// What the system reported.
        reason: String,
    },
    /// The crypto backend could not generate a key.
    KeyGenerationFailed {
        /// The key's algorithm.
        algorithm: Algorithm,
        /// Why (never key material).
        reason: String,
    },
    /// The crypto backend could not export a key.
    KeyExportFailed,
    /// A remote JWK Set URL is not `https://` (and plain HTTP was not
    /// dangerously allowed).
    JwksNotHttps {
        /// The URL, cut.
        url: String,
    },
    /// A remote JWK Set's minimum cache lifetime exceeds its maximum.
    CacheBounds,
}

/// What is wrong with a policy or a runtime purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyProblem {
    /// Its `typ` is empty.
    EmptyType,
    /// Its `typ` is the generic `JWT`, which names no purpose (see
    /// [`dangerous::untyped_policy`](crate::dangerous::untyped_policy)).
    GenericType,
    /// It accepts untyped tokens but is bound to no issuer.
    UntypedWithoutIssuer,
    /// It has no audience, or an empty one.
    NoAudience,
    /// Its issuer is the empty string.
    EmptyIssuer,
    /// A required claim has an empty name.
    EmptyClaimName,
    /// A required claim value names a registered claim.
    RegisteredClaimValue,
    /// Its leeway exceeds [`MAX_LEEWAY`](crate::MAX_LEEWAY).
    LeewayTooLong,
    /// It wraps a token: make it with
    /// [`RuntimePurpose::wrapping`](crate::RuntimePurpose::wrapping).
    WrapsToken,
    /// It wraps no token, but was given as a wrapping one.
    WrapsNothing,
    /// A nested member was declared on a wrapping purpose.
    NestedInWrapping,
    /// A nested member is unnamed or named like a registered claim.
    NestedMemberName,
    /// A member was declared nested twice.
    NestedTwice,
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PolicyProblem::EmptyType => "its typ is empty",
            PolicyProblem::GenericType => {
                "its typ is the generic \"JWT\", which names no purpose (for a third-party issuer's tokens, see dangerous::untyped_policy)"
            }
            PolicyProblem::UntypedWithoutIssuer => {
                "it accepts untyped tokens, so it must be bound to an issuer"
            }
            PolicyProblem::NoAudience => "it needs at least one audience, and no empty one",
            PolicyProblem::EmptyIssuer => "its issuer is empty",
            PolicyProblem::EmptyClaimName => "a required claim has an empty name",
            PolicyProblem::RegisteredClaimValue => {
                "a required claim value names a registered claim (use with_issuer, with_required)"
            }
            PolicyProblem::LeewayTooLong => {
                "its leeway exceeds 5 minutes (see dangerous::long_leeway_policy)"
            }
            PolicyProblem::WrapsToken => "it wraps a token: make it with RuntimePurpose::wrapping",
            PolicyProblem::WrapsNothing => "it wraps no token: make it with Policy::wrapping",
            PolicyProblem::NestedInWrapping => {
                "it wraps a token, so it has no members to nest tokens in"
            }
            PolicyProblem::NestedMemberName => {
                "a nested member must be named, and not like a registered claim"
            }
            PolicyProblem::NestedTwice => "a member is declared nested twice",
        })
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoVerifyingKey => f.write_str("a verifier needs at least one key"),
            ConfigError::NoSigningKey => f.write_str("a signer needs at least one key"),
            ConfigError::EmptyIssuer => f.write_str("the issuer is empty"),
            ConfigError::EmptyKeySet { purpose } => write!(
                f,
                "purpose \"{purpose}\" was given an empty key set: it would verify nothing"
            ),
            ConfigError::KeysAndRemoteSet { purpose } => write!(
                f,
                "purpose \"{purpose}\" has both configured keys and a remote key set: give it one or the other"
            ),
            ConfigError::DuplicateDecryptionKeyId { purpose, kid } => write!(
                f,
                "two decryption keys of {purpose} share the kid \"{kid}\""
            ),
            ConfigError::DuplicateKeyId {
                purpose,
                algorithm,
                kid,
            } => write!(
                f,
                "purpose \"{purpose}\" has two {algorithm} keys with kid \"{kid}\""
            ),
            ConfigError::NoEncryptionKey { purpose } => {
                write!(f, "purpose \"{purpose}\" is encrypted and has no encryption key")
            }
            ConfigError::NoDecryptionKey { purpose } => {
                write!(f, "purpose \"{purpose}\" is encrypted and has no decryption key")
            }
            ConfigError::NotEncryptedPurpose { purpose } => write!(
                f,
                "purpose \"{purpose}\" is not encrypted: an encryption key for it would never be used"
            ),
            ConfigError::SecondEncryptionKey { purpose } => {
                write!(f, "purpose \"{purpose}\" was given two encryption keys")
            }
            ConfigError::SecondSigningKey { purpose } => {
                write!(f, "purpose \"{purpose}\" was given two signing keys")
            }
            ConfigError::IssuerBoundWrappingKey { purpose } => write!(
                f,
                "purpose \"{purpose}\" wraps a token, so its keys cannot be bound to an issuer"
            ),
            ConfigError::IssuerBoundJwsKey => f.write_str(
                "an issuer-bound key cannot verify a plain JWS, whose payload has no \"iss\" to check",
            ),
            ConfigError::LeewayTooLong => {
                f.write_str("the leeway exceeds 5 minutes (see dangerous::long_leeway)")
            }
            ConfigError::ClockSkewTooLong => f.write_str("the clock skew exceeds 5 minutes"),
            ConfigError::GraceWindowTooLong => {
                f.write_str("the refresh grace window exceeds 5 minutes")
            }
            ConfigError::InvalidPolicy { policy, problem } => {
                write!(f, "policy \"{policy}\": {problem}")
            }
            ConfigError::MintUntyped { purpose } => write!(
                f,
                "purpose \"{purpose}\" accepts untyped third-party tokens: jwt-claims mints only typed ones"
            ),
            ConfigError::IssuerConflict { signer, purpose } => write!(
                f,
                "the signer issues as \"{signer}\" but the purpose is bound to \"{purpose}\""
            ),
            ConfigError::WrappingClaims { purpose } => write!(
                f,
                "purpose \"{purpose}\" wraps a token and has no claims of its own"
            ),
            ConfigError::NotDerivedWrapping { purpose } => write!(
                f,
                "purpose \"{purpose}\" wraps a token but was not derived with #[jwt(wraps)]"
            ),
            ConfigError::WrappedClaimsUnknown { purpose } => write!(
                f,
                "purpose \"{purpose}\" wraps a token whose claims are unknown here: wrap a token minted by a Signer"
            ),
            ConfigError::EnvVarMissing { name } => {
                write!(f, "environment variable {name} is not set")
            }
            ConfigError::EnvVarNotUnicode { name } => {
                write!(f, "environment variable {name} is not valid UTF-8")
            }
            ConfigError::KeyFileUnreadable { path, reason } => {
                write!(f, "cannot read key file {path}: {reason}")
            }
            ConfigError::KeyGenerationFailed { algorithm, reason } => {
                write!(f, "generating a {algorithm} key failed: {reason}")
            }
            ConfigError::KeyExportFailed => f.write_str("the backend could not export the key"),
            ConfigError::JwksNotHttps { url } => write!(
                f,
                "a JWK Set must be fetched over https://, not from \"{url}\""
            ),
            ConfigError::CacheBounds => {
                f.write_str("the cache's minimum lifetime exceeds its maximum")
            }
        }
    }
}

impl From<ConfigError> for crate::Error {
    fn from(err: ConfigError) -> crate::Error {
        crate::Error::Configuration(err)
    }
}
