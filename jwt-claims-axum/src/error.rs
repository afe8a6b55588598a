//! The one configuration error of this crate.
//!
//! Everything a response can carry (realm, scopes, descriptions, cookie
//! names) is checked when the configuration is built, so a service that
//! starts answers every request with a well-formed challenge.

use core::fmt;

/// A configuration value this crate refuses, with what was expected and
/// what was found. Returned when a configuration is built, never while a
/// request is answered.
///
/// ```
/// use jwt_claims_axum::{ConfigError, TokenSource};
///
/// let err = TokenSource::cookie("session id").unwrap_err();
/// assert_eq!(err, ConfigError::InvalidCookieName { name: "session id".into() });
/// assert_eq!(
///     err.to_string(),
///     r#"cookie name "session id" is not an RFC 6265 token (letters, digits and !#$%&'*+-.^_`|~)"#,
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A `WWW-Authenticate` parameter (realm, error description) is empty
    /// or holds a character RFC 6750 §3 does not allow there (`"`, `\`,
    /// control or non-ASCII characters).
    InvalidParameter {
        /// Which parameter: `realm`, `error_description`.
        parameter: &'static str,
        /// The value given.
        value: String,
    },
    /// A scope is not one or more RFC 6750 §3 scope tokens separated by
    /// single spaces.
    InvalidScope {
        /// The value given.
        value: String,
    },
    /// A cookie name is not an RFC 6265 §4.1.1 token.
    InvalidCookieName {
        /// The name given.
        name: String,
    },
    /// A duration that must be positive is zero (`Retry-After`, a
    /// timeout, a refresh cooldown).
    ZeroDuration {
        /// Which setting.
        setting: &'static str,
    },
    /// A remote JWK Set URL is not `https://` (and plain HTTP was not
    /// dangerously allowed), or is not a URL at all.
    JwksNotHttps {
        /// The URL given.
        url: String,
    },
    /// The cache bounds of a remote JWK Set have their minimum above
    /// their maximum.
    CacheBounds,
    /// A remote JWK Set was started outside a tokio runtime: it refreshes
    /// on a task of the runtime it is started on.
    NoRuntime,
    /// A certificate given to trust for a remote JWK Set's TLS is not a
    /// CA certificate rustls can use.
    InvalidTlsRoot {
        /// Why, as rustls says it.
        reason: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidParameter { parameter, value } => write!(
                f,
                "{parameter} {value:?} is empty or has a character RFC 6750 §3 forbids \
                 (allowed: printable ASCII except '\"' and '\\')"
            ),
            ConfigError::InvalidScope { value } => write!(
                f,
                "scope {value:?} is not RFC 6750 §3 scope tokens (printable ASCII except \
                 space, '\"' and '\\') separated by single spaces"
            ),
            ConfigError::InvalidCookieName { name } => write!(
                f,
                "cookie name {name:?} is not an RFC 6265 token (letters, digits and !#$%&'*+-.^_`|~)"
            ),
            ConfigError::ZeroDuration { setting } => write!(f, "{setting} must be above zero"),
            ConfigError::JwksNotHttps { url } => write!(
                f,
                "the JWK Set URL {url:?} is not https:// (plain http is only for tests on loopback)"
            ),
            ConfigError::CacheBounds => {
                f.write_str("the JWK Set cache's minimum lifetime is above its maximum")
            }
            ConfigError::NoRuntime => f.write_str(
                "a remote JWK Set must be started inside a tokio runtime, which runs its refresher",
            ),
            ConfigError::InvalidTlsRoot { reason } => {
                write!(
                    f,
                    "a TLS root certificate for the JWK Set fetch is unusable: {reason}"
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}
