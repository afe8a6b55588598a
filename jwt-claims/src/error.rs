//! The one error type of jwt-claims.
//!
//! Claim and purpose errors say what was expected and what was found, so an
//! operator can tell a misrouted token from an attack. Signature errors stay
//! plain: saying *why* a signature failed would hand an attacker an oracle.
//! No message ever contains key material, an expected MAC or a whole token;
//! strings copied from a token are cut to [`Error::MAX_ECHO`] characters.

use core::fmt;

use crate::{Algorithm, RegisteredClaim};

/// A part of a compact JWS (`header.payload.signature`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Part {
    /// The protected header (first segment).
    Header,
    /// The payload (second segment).
    Payload,
    /// The signature (third segment).
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

/// Everything that can go wrong building keys, encoding or verifying a token.
///
/// Each rejection of the verifier is its own variant, so tests and callers
/// can match the exact reason. The enum is `#[non_exhaustive]`: new checks
/// add variants.
///
/// ```
/// use jwt_claims::Error;
///
/// let err = Error::WrongType { expected: "access".into(), found: "refresh".into() };
/// assert_eq!(err.to_string(), r#"wrong token type: expected "access", found "refresh""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    // ----- size and structure -----
    /// The token (or the nested tokens' shared budget) is larger than the
    /// configured limit; it was not decoded.
    TokenTooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The size of the token in bytes.
        found: usize,
    },
    /// The token is not three `.`-separated segments.
    WrongSegmentCount {
        /// How many segments the token has.
        found: usize,
    },
    /// A segment is not strict, unpadded base64url (RFC 7515 §2).
    InvalidBase64 {
        /// The segment at fault.
        part: Part,
    },
    /// A segment is not a valid JSON object: bad UTF-8, bad JSON, not an
    /// object, or trailing data.
    InvalidJson {
        /// The segment at fault.
        part: Part,
        /// What the JSON parser reported.
        reason: String,
    },
    /// A JSON object member appears twice (RFC 7515 §5.2, RFC 7519 §4).
    DuplicateMember {
        /// The segment at fault.
        part: Part,
        /// The repeated member name.
        name: String,
    },

    // ----- header -----
    /// The header has no `alg`, or it is not a string.
    MissingAlgorithm,
    /// The header says `alg: "none"` in some spelling: unsecured tokens are
    /// never accepted (RFC 8725 §3.1).
    UnsecuredToken,
    /// The `alg` is not one jwt-claims implements.
    UnsupportedAlgorithm {
        /// The `alg` value.
        found: String,
    },
    /// The `alg` is not in the purpose's allow-list.
    AlgorithmNotAllowed {
        /// The allow-list.
        allowed: Vec<Algorithm>,
        /// The token's `alg`.
        found: Algorithm,
    },
    /// No key configured for this purpose uses the token's `alg`.
    AlgorithmMismatch {
        /// The algorithms of the purpose's keys.
        expected: Vec<Algorithm>,
        /// The token's `alg`.
        found: Algorithm,
    },
    /// The header lists `crit` extensions; jwt-claims understands none, so
    /// the token must be rejected (RFC 7515 §4.1.11).
    UnsupportedCritical,
    /// A header parameter has a value jwt-claims refuses, such as
    /// `b64: false` (RFC 7797) or a `kid` that is not a string.
    UnsupportedHeader {
        /// The parameter name.
        name: &'static str,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The header has no `typ`; explicit typing is required (RFC 8725 §3.11).
    MissingType,
    /// The `typ` header names another purpose.
    WrongType {
        /// The purpose's type.
        expected: String,
        /// The token's type.
        found: String,
    },
    /// The header carries a `cty` (e.g. `JWT` for RFC 7519 §5.2 nesting)
    /// that this purpose does not declare: only a purpose declared with
    /// `wraps` accepts `cty: "JWT"`, and then requires it.
    UnexpectedContentType {
        /// The token's `cty`.
        found: String,
    },

    /// The purpose wraps a token (RFC 7519 §5.2) but the header has no
    /// `cty: "JWT"`.
    MissingContentType,

    // ----- keys and signature -----
    /// No key is configured for this purpose.
    NoKeyForPurpose {
        /// The purpose's policy name.
        purpose: String,
    },
    /// The token's `kid` names no key of this purpose.
    UnknownKey {
        /// The token's `kid`.
        kid: String,
    },
    /// The key that would verify the token has been retired (see
    /// `retired_after` on the key types).
    KeyRetired {
        /// When the key was retired, seconds since the epoch.
        retired_at: i64,
        /// The verifier's clock, seconds since the epoch.
        now: i64,
    },
    /// The purpose's remote JWK Set could not be fetched and no earlier set
    /// is available.
    KeySetUnavailable {
        /// Where the set is fetched from.
        url: String,
        /// Why the last fetch failed.
        reason: String,
    },
    /// The signature does not verify.
    InvalidSignature,

    // ----- claims -----
    /// A claim has the wrong JSON type or an out-of-range value.
    InvalidClaim {
        /// The claim.
        claim: RegisteredClaim,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// A required claim is absent. (A registered claim that is present but
    /// `null` is [`Error::InvalidClaim`].)
    MissingClaim {
        /// The claim.
        claim: RegisteredClaim,
    },
    /// The token expired: `now >= exp + leeway`.
    Expired {
        /// `exp`, seconds since the epoch.
        expired_at: i64,
        /// The verifier's clock, seconds since the epoch.
        now: i64,
    },
    /// The token is not valid yet: `now < nbf - leeway`.
    NotYetValid {
        /// `nbf`, seconds since the epoch.
        not_before: i64,
        /// The verifier's clock, seconds since the epoch.
        now: i64,
    },
    /// The token claims to be issued in the future: `iat > now + leeway`.
    IssuedInFuture {
        /// `iat`, seconds since the epoch.
        issued_at: i64,
        /// The verifier's clock, seconds since the epoch.
        now: i64,
    },
    /// The token is older than the purpose's `max_age`.
    TooOld {
        /// `iat`, seconds since the epoch.
        issued_at: i64,
        /// The maximum age in seconds.
        max_age: u64,
        /// The verifier's clock, seconds since the epoch.
        now: i64,
    },
    /// The token is addressed to other audiences.
    WrongAudience {
        /// The purpose's audiences.
        expected: Vec<String>,
        /// The token's `aud` values.
        found: Vec<String>,
    },
    /// The token was issued by someone else.
    WrongIssuer {
        /// The configured issuer.
        expected: String,
        /// The token's `iss`.
        found: String,
    },
    /// The claims do not deserialize into the purpose's type.
    InvalidClaims {
        /// What serde reported.
        reason: String,
    },

    // ----- nesting -----
    /// A nested token failed; `path` names the field (`grant`,
    /// `grants[3].inner`) and `source` the innermost cause.
    Nested {
        /// The path of the failing token inside the outer claims.
        path: String,
        /// Why it failed.
        source: Box<Error>,
    },
    /// Nested tokens go deeper than the verifier's limit.
    NestingTooDeep {
        /// The configured depth limit.
        limit: usize,
    },

    // ----- keys -----
    /// A key is too weak to be used: an HMAC secret shorter than the hash
    /// output, or an RSA modulus under 2048 bits.
    WeakKey {
        /// The algorithm the key was built for.
        algorithm: Algorithm,
        /// What is too weak.
        reason: String,
    },
    /// Key material could not be parsed or does not fit the algorithm.
    InvalidKey {
        /// The algorithm the key was built for.
        algorithm: Algorithm,
        /// What is wrong (never the key bytes).
        reason: String,
    },

    // ----- encoding and configuration -----
    /// Encoding needs an expiry: the purpose has no `ttl` and none was given.
    MissingExpiry,
    /// The claims type serialized a member the framework manages (a
    /// registered claim), or did not serialize to a JSON object.
    InvalidClaimsShape {
        /// What was wrong.
        reason: String,
    },
    /// The signer or verifier configuration is inconsistent.
    Configuration {
        /// What is wrong.
        reason: String,
    },
    /// The crypto backend failed to sign.
    SigningFailed,
}

impl Error {
    /// How many characters of a token-supplied string an error repeats.
    pub const MAX_ECHO: usize = 64;

    /// Wraps `self` as the failure of the nested token at `segment`,
    /// joining paths so the outermost field comes first.
    pub(crate) fn nested_at(self, segment: &str) -> Error {
        match self {
            Error::Nested { path, source } => {
                let sep = if path.starts_with('[') { "" } else { "." };
                Error::Nested {
                    path: format!("{segment}{sep}{path}"),
                    source,
                }
            }
            other => Error::Nested {
                path: segment.to_owned(),
                source: Box::new(other),
            },
        }
    }

    /// Says where a key error comes from (`environment variable X`,
    /// `key [2]`) in front of its reason; other errors pass unchanged.
    pub(crate) fn about(self, source: impl fmt::Display) -> Error {
        match self {
            Error::InvalidKey { algorithm, reason } => Error::InvalidKey {
                algorithm,
                reason: format!("{source}: {reason}"),
            },
            Error::WeakKey { algorithm, reason } => Error::WeakKey {
                algorithm,
                reason: format!("{source}: {reason}"),
            },
            other => other,
        }
    }

    /// The innermost cause: itself, or what failed inside a nested token.
    pub fn root_cause(&self) -> &Error {
        match self {
            Error::Nested { source, .. } => source.root_cause(),
            other => other,
        }
    }
}

/// A token-supplied string cut to [`Error::MAX_ECHO`] characters, so an
/// error can never carry a token-sized value.
pub(crate) fn echo(found: &str) -> String {
    match found.char_indices().nth(Error::MAX_ECHO) {
        Some((end, _)) => format!("{}…", &found[..end]),
        None => found.to_owned(),
    }
}

/// Seconds since the epoch, shown as an RFC 3339 UTC time.
struct Time(i64);

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = crate::registered::to_datetime(self.0);
        write!(
            f,
            "{}",
            time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    }
}

struct Quoted<'a, T>(&'a [T]);

impl<T: fmt::Display> fmt::Display for Quoted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{item}\"")?;
        }
        f.write_str("]")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TokenTooLarge { limit, found } => {
                write!(f, "token too large: {found} bytes, the limit is {limit}")
            }
            Error::WrongSegmentCount { found } => {
                write!(f, "malformed token: expected 3 segments, found {found}")
            }
            Error::InvalidBase64 { part } => {
                write!(
                    f,
                    "malformed token: {part} is not strict unpadded base64url"
                )
            }
            Error::InvalidJson { part, reason } => {
                write!(f, "malformed token: {part} is not a JSON object: {reason}")
            }
            Error::DuplicateMember { part, name } => {
                write!(f, "malformed token: {part} has member \"{name}\" twice")
            }
            Error::MissingAlgorithm => f.write_str("header has no \"alg\" string"),
            Error::UnsecuredToken => f.write_str("unsecured token (alg \"none\") rejected"),
            Error::UnsupportedAlgorithm { found } => {
                write!(f, "unsupported algorithm \"{found}\"")
            }
            Error::AlgorithmNotAllowed { allowed, found } => {
                write!(
                    f,
                    "algorithm not allowed: expected one of {}, found \"{found}\"",
                    Quoted(allowed)
                )
            }
            Error::AlgorithmMismatch { expected, found } => write!(
                f,
                "algorithm does not match the key: expected one of {}, found \"{found}\"",
                Quoted(expected)
            ),
            Error::UnsupportedCritical => {
                f.write_str("header lists \"crit\" extensions, none of which are understood")
            }
            Error::UnsupportedHeader { name, reason } => {
                write!(f, "header parameter \"{name}\" rejected: {reason}")
            }
            Error::MissingType => f.write_str("header has no \"typ\": explicit typing is required"),
            Error::WrongType { expected, found } => {
                write!(
                    f,
                    "wrong token type: expected \"{expected}\", found \"{found}\""
                )
            }
            Error::UnexpectedContentType { found } => {
                write!(
                    f,
                    "unexpected content type \"{found}\": this purpose wraps no token"
                )
            }
            Error::MissingContentType => {
                f.write_str("header has no \"cty\": \"JWT\", which a wrapping purpose requires")
            }
            Error::NoKeyForPurpose { purpose } => {
                write!(f, "no key configured for purpose \"{purpose}\"")
            }
            Error::UnknownKey { kid } => write!(f, "unknown key id \"{kid}\""),
            Error::KeyRetired { retired_at, now } => write!(
                f,
                "the key for this token was retired at {} (now {})",
                Time(*retired_at),
                Time(*now)
            ),
            Error::KeySetUnavailable { url, reason } => {
                write!(f, "JWK Set at \"{url}\" unavailable: {reason}")
            }
            Error::InvalidSignature => f.write_str("invalid signature"),
            Error::InvalidClaim { claim, reason } => {
                write!(f, "invalid \"{}\" claim: {reason}", claim.name())
            }
            Error::MissingClaim { claim } => write!(f, "missing \"{}\" claim", claim.name()),
            Error::Expired { expired_at, now } => {
                write!(
                    f,
                    "token expired at {} (now {})",
                    Time(*expired_at),
                    Time(*now)
                )
            }
            Error::NotYetValid { not_before, now } => {
                write!(
                    f,
                    "token not valid before {} (now {})",
                    Time(*not_before),
                    Time(*now)
                )
            }
            Error::IssuedInFuture { issued_at, now } => {
                write!(
                    f,
                    "token issued in the future at {} (now {})",
                    Time(*issued_at),
                    Time(*now)
                )
            }
            Error::TooOld {
                issued_at,
                max_age,
                now,
            } => write!(
                f,
                "token too old: issued at {}, max age {max_age}s (now {})",
                Time(*issued_at),
                Time(*now)
            ),
            Error::WrongAudience { expected, found } => write!(
                f,
                "wrong audience: expected {}, found {}",
                Quoted(expected),
                Quoted(found)
            ),
            Error::WrongIssuer { expected, found } => {
                write!(
                    f,
                    "wrong issuer: expected \"{expected}\", found \"{found}\""
                )
            }
            Error::InvalidClaims { reason } => write!(f, "invalid claims: {reason}"),
            Error::Nested { path, source } => write!(f, "nested token \"{path}\": {source}"),
            Error::NestingTooDeep { limit } => {
                write!(f, "nested tokens deeper than the limit of {limit}")
            }
            Error::WeakKey { algorithm, reason } => write!(f, "weak {algorithm} key: {reason}"),
            Error::InvalidKey { algorithm, reason } => {
                write!(f, "invalid {algorithm} key: {reason}")
            }
            Error::MissingExpiry => {
                f.write_str("no expiry: the purpose has no ttl and no explicit expiry was given")
            }
            Error::InvalidClaimsShape { reason } => write!(f, "cannot encode claims: {reason}"),
            Error::Configuration { reason } => write!(f, "configuration error: {reason}"),
            Error::SigningFailed => f.write_str("signing failed"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Nested { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paths_join_outermost_first() {
        let inner = Error::Expired {
            expired_at: 1,
            now: 2,
        };
        let err = inner
            .clone()
            .nested_at("inner")
            .nested_at("[3]")
            .nested_at("grants");
        assert_eq!(
            err,
            Error::Nested {
                path: "grants[3].inner".into(),
                source: Box::new(inner.clone())
            }
        );
        assert_eq!(err.root_cause(), &inner);
        assert_eq!(
            err.to_string(),
            "nested token \"grants[3].inner\": token expired at 1970-01-01T00:00:01Z (now 1970-01-01T00:00:02Z)"
        );
    }

    #[test]
    fn echo_cuts_long_strings() {
        let long = "x".repeat(10_000);
        let cut = echo(&long);
        assert_eq!(cut.chars().count(), Error::MAX_ECHO + 1);
        assert_eq!(echo("short"), "short");
    }

    #[test]
    fn audience_error_lists_both_sides() {
        let err = Error::WrongAudience {
            expected: vec!["billing".into()],
            found: vec!["reports".into()],
        };
        assert_eq!(
            err.to_string(),
            r#"wrong audience: expected ["billing"], found ["reports"]"#
        );
    }
}
