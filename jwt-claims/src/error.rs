//! The one error type of jwt-claims.
//!
//! Claim and purpose errors say what was expected and what was found, so an
//! operator can tell a misrouted token from an attack. Signature errors stay
//! plain: saying *why* a signature failed would hand an attacker an oracle.
//! No message ever contains key material, an expected MAC or a whole token;
//! strings copied from a token are cut to [`Error::MAX_ECHO`] characters.

use core::fmt;

use crate::{Algorithm, ConfigError, RegisteredClaim};

/// A part of a compact JWS (`header.payload.signature`) or JWE
/// (`header.encrypted_key.iv.ciphertext.tag`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Part {
    /// The protected header (first segment).
    Header,
    /// The payload (second segment).
    Payload,
    /// The signature (third segment).
    Signature,
    /// A JWE's encrypted key (second segment).
    EncryptedKey,
    /// A JWE's initialization vector (third segment).
    Iv,
    /// A JWE's ciphertext (fourth segment).
    Ciphertext,
    /// A JWE's authentication tag (fifth segment).
    Tag,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
            Part::EncryptedKey => "encrypted key",
            Part::Iv => "initialization vector",
            Part::Ciphertext => "ciphertext",
            Part::Tag => "authentication tag",
        })
    }
}

/// What an [`Error`] means for whoever answers the request: the few classes
/// a service acts on, stable across releases (see [`Error::kind`]).
///
/// New [`Error`] variants are given one of these kinds, so a service that
/// maps kinds to answers (401, 503, 500) never puts a new variant in the
/// wrong bucket.
///
/// ```
/// use jwt_claims::{Error, ErrorKind};
///
/// let status = |err: &Error| match err.kind() {
///     ErrorKind::Expired | ErrorKind::NotYetValid | ErrorKind::Invalid => 401,
///     ErrorKind::Unavailable => 503,
///     ErrorKind::Misconfigured => 500,
/// };
/// assert_eq!(status(&Error::InvalidSignature), 401);
/// assert_eq!(status(&Error::Expired { expired_at: 1, now: 2 }), 401);
/// assert_eq!(ErrorKind::Expired.description(), "the token expired");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The token expired (or is older than its purpose's `max_age`): a
    /// client gets a new one, e.g. by refreshing.
    Expired,
    /// The token is not valid yet (`nbf`, or an `iat` in the future):
    /// clocks disagree, or it was used too early.
    NotYetValid,
    /// Every other fault of the token: malformed, wrongly signed, for
    /// another purpose, revoked, replayed.
    Invalid,
    /// A key source or a token store did not answer: try again later. The
    /// token may well be good.
    Unavailable,
    /// The server's own configuration or keys are wrong, or it was asked
    /// to mint a token it must not.
    Misconfigured,
}

impl ErrorKind {
    /// A fixed description, safe in any header (`WWW-Authenticate`'s
    /// `error_description`, RFC 6750 §3: printable ASCII without `"` or
    /// a backslash) and in any log: it holds nothing from the token.
    pub const fn description(self) -> &'static str {
        match self {
            ErrorKind::Expired => "the token expired",
            ErrorKind::NotYetValid => "the token is not valid yet",
            ErrorKind::Invalid => "the token is invalid",
            ErrorKind::Unavailable => "the key source or token store is unavailable",
            ErrorKind::Misconfigured => "the server is misconfigured",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
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
    /// The token is not three `.`-separated segments (a JWS), or five (a
    /// JWE) where an encrypted token is expected.
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
    /// A private claim the purpose requires with an exact value
    /// ([`Policy::with_claim`](crate::Policy::with_claim)) is absent or
    /// has another value.
    ClaimMismatch {
        /// The claim's member name.
        name: String,
        /// The value the purpose requires.
        expected: String,
        /// The token's value (as JSON when not a string), `None` when the
        /// claim is absent.
        found: Option<String>,
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

    // ----- state (one-time tokens, refresh families, revocation) -----
    /// The token was revoked: denied by its `jti`, issued before its
    /// subject's "log out everywhere", or of a revoked refresh family.
    Revoked,
    /// A one-time token was presented again.
    Replayed,
    /// A refresh token that was already rotated was presented again
    /// outside the grace window: its family is now revoked (RFC 9700
    /// §4.14.2).
    RefreshReused,
    /// The store behind one-time tokens, refresh families or revocation
    /// did not answer, or refused a new entry (full): verification fails
    /// closed.
    StoreUnavailable {
        /// What the store reported (never a token or a key).
        reason: String,
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
    /// The text is not a JWK Set (RFC 7517 §5): not JSON, not an object
    /// with a `"keys"` array, or with a member given twice. (A key of the
    /// set that cannot be used is skipped, not an error: see
    /// [`JwkSet::skipped`](crate::JwkSet::skipped).)
    InvalidKeySet {
        /// What is wrong; text from the input is escaped and cut.
        reason: String,
    },

    // ----- encryption (JWE) -----
    /// A JWE header names an algorithm jwt-claims refuses by design
    /// (`RSA1_5`, `PBES2-*`) or does not implement; `reason` says which.
    UnsupportedEncryption {
        /// The header member: `"alg"` or `"enc"`.
        member: &'static str,
        /// The value found (escaped and cut).
        found: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A JWE's `alg` is not that of any decryption key of the purpose, or
    /// its `enc` is not in the purpose's allow-list.
    EncryptionNotAllowed {
        /// The header member: `"alg"` or `"enc"`.
        member: &'static str,
        /// The algorithm found.
        found: String,
    },
    /// The JWE did not decrypt: one error for every failure after the
    /// header (key unwrap, key agreement, tag, padding, lengths), so that
    /// an answer tells nothing about which.
    DecryptionFailed,
    /// The purpose is encrypted and the token is a plain JWS.
    NotEncrypted,
    /// The token is a JWE and the purpose is not encrypted.
    UnexpectedEncryption,
    /// The encrypted token decrypted, and the token inside it failed.
    Encrypted {
        /// Why the inner token failed.
        source: Box<Error>,
    },
    /// An encryption or decryption key could not be parsed or does not
    /// fit its algorithm.
    InvalidEncryptionKey {
        /// The key management algorithm (`"ECDH-ES"`, `"A256KW"`, ...).
        algorithm: &'static str,
        /// What is wrong (never key material).
        reason: String,
    },
    /// An encryption key is too weak: an AES key of the wrong size, an
    /// RSA modulus under 2048 bits.
    WeakEncryptionKey {
        /// The key management algorithm.
        algorithm: &'static str,
        /// What is too weak.
        reason: String,
    },
    /// The crypto backend failed to encrypt.
    EncryptionFailed,

    // ----- encoding and configuration -----
    /// Encoding needs an expiry: the purpose has no `ttl` and none was given.
    MissingExpiry,
    /// The claims type serialized a member the framework manages (a
    /// registered claim), or did not serialize to a JSON object.
    InvalidClaimsShape {
        /// What was wrong.
        reason: String,
    },
    /// The claims type serialized one member name twice (a field and a
    /// flattened map's key, or two flattened maps sharing a key). Claim
    /// names must be unique (RFC 7519 §4): readers that keep the last
    /// value would see a different token than the verifier, which refuses
    /// it.
    DuplicateClaim {
        /// The repeated member name.
        name: String,
    },
    /// The signer, verifier, key source or policy configuration is
    /// inconsistent; what exactly is typed in [`ConfigError`].
    Configuration(ConfigError),
    /// The crypto backend failed to sign.
    SigningFailed,
}

impl Error {
    /// How many characters of a token-supplied string an error repeats.
    pub const MAX_ECHO: usize = 64;

    /// What this error means for the answer to a request; see
    /// [`ErrorKind`]. A nested token's failure has the kind of its cause.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Expired { .. } | Error::TooOld { .. } => ErrorKind::Expired,
            Error::NotYetValid { .. } | Error::IssuedInFuture { .. } => ErrorKind::NotYetValid,
            Error::TokenTooLarge { .. }
            | Error::WrongSegmentCount { .. }
            | Error::InvalidBase64 { .. }
            | Error::InvalidJson { .. }
            | Error::DuplicateMember { .. }
            | Error::MissingAlgorithm
            | Error::UnsecuredToken
            | Error::UnsupportedAlgorithm { .. }
            | Error::AlgorithmNotAllowed { .. }
            | Error::AlgorithmMismatch { .. }
            | Error::UnsupportedCritical
            | Error::UnsupportedHeader { .. }
            | Error::MissingType
            | Error::WrongType { .. }
            | Error::UnexpectedContentType { .. }
            | Error::MissingContentType
            | Error::UnknownKey { .. }
            | Error::KeyRetired { .. }
            | Error::InvalidSignature
            | Error::InvalidClaim { .. }
            | Error::MissingClaim { .. }
            | Error::WrongAudience { .. }
            | Error::WrongIssuer { .. }
            | Error::ClaimMismatch { .. }
            | Error::InvalidClaims { .. }
            | Error::NestingTooDeep { .. }
            | Error::Revoked
            | Error::Replayed
            | Error::RefreshReused
            | Error::UnsupportedEncryption { .. }
            | Error::EncryptionNotAllowed { .. }
            | Error::DecryptionFailed
            | Error::NotEncrypted
            | Error::UnexpectedEncryption => ErrorKind::Invalid,
            Error::KeySetUnavailable { .. } | Error::StoreUnavailable { .. } => {
                ErrorKind::Unavailable
            }
            Error::NoKeyForPurpose { .. }
            | Error::WeakKey { .. }
            | Error::InvalidKey { .. }
            | Error::InvalidKeySet { .. }
            | Error::MissingExpiry
            | Error::InvalidClaimsShape { .. }
            | Error::DuplicateClaim { .. }
            | Error::Configuration(_)
            | Error::SigningFailed
            | Error::InvalidEncryptionKey { .. }
            | Error::WeakEncryptionKey { .. }
            | Error::EncryptionFailed => ErrorKind::Misconfigured,
            Error::Nested { source, .. } | Error::Encrypted { source } => source.kind(),
        }
    }

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
            Error::Nested { source, .. } | Error::Encrypted { source } => source.root_cause(),
            other => other,
        }
    }
}

/// A token-supplied string made safe to show: escaped, and cut to
/// [`Error::MAX_ECHO`] characters.
///
/// Errors reach logs and headers before any signature is checked, so what
/// an attacker wrote must not forge a log line or smuggle a token:
/// - control and non-ASCII characters are written as `\u{..}` (CR, LF
///   and ESC cannot start a new log line or a terminal sequence);
/// - at most [`Error::MAX_ECHO`] characters are kept, then `…`;
/// - a run of base64url characters and dots is cut at its second dot
///   when one of its segments has 20 or more characters: every
///   compact JWS has such a segment (its header), so no error ever holds
///   three segments of a token joined by dots, while issuers such as
///   `auth.example.com` stay whole.
pub(crate) fn echo(found: &str) -> String {
    let mut out = String::with_capacity(found.len().min(Error::MAX_ECHO + 8));
    echo_into(&mut out, found, Error::MAX_ECHO);
    out
}

/// A message that quotes token-supplied text (serde's, a server's) made
/// safe to show: every quoted part (between `"` or `` ` ``) as [`echo`]
/// shows a string, the rest escaped and token-cut the same way, the whole
/// at most `limit` characters.
pub(crate) fn echo_message(message: &str, limit: usize) -> String {
    let mut out = String::with_capacity(message.len().min(limit + 8));
    let mut quoted = false;
    let mut rest = message;
    while !rest.is_empty() {
        let end = rest.find(['"', '`']).unwrap_or(rest.len());
        let (part, after) = rest.split_at(end);
        let room = limit.saturating_sub(out.chars().count());
        let part_limit = if quoted {
            room.min(Error::MAX_ECHO)
        } else {
            room
        };
        if echo_into(&mut out, part, part_limit) && !quoted {
            return out;
        }
        if let Some(delimiter) = after.chars().next() {
            out.push(delimiter);
            quoted = !quoted;
            rest = &after[delimiter.len_utf8()..];
        } else {
            rest = after;
        }
    }
    out
}

/// Appends `found` escaped and token-cut, at most `limit` characters of
/// it, then `…` if it was longer. `true` when it was cut at the limit.
fn echo_into(out: &mut String, found: &str, limit: usize) -> bool {
    let mut kept = 0;
    for piece in Pieces::new(found) {
        for c in piece.text.chars() {
            if kept == limit {
                out.push('…');
                return true;
            }
            if c.is_ascii() && !c.is_ascii_control() {
                out.push(c);
            } else {
                use core::fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            kept += 1;
        }
        if piece.cut {
            out.push('…');
        }
    }
    false
}

/// A string in pieces: runs of base64url characters and dots (cut before
/// their third segment when they look like a token) and the text between.
struct Pieces<'s> {
    rest: &'s str,
}

/// One piece; `cut` when the rest of a token-like run was dropped.
struct Piece<'s> {
    text: &'s str,
    cut: bool,
}

impl<'s> Pieces<'s> {
    /// The shortest segment length that makes a dotted run look like a
    /// token: `{"alg":"HS256"}`, the smallest JOSE header, is 20 base64url
    /// characters.
    const TOKEN_SEGMENT: usize = 20;

    fn new(text: &'s str) -> Pieces<'s> {
        Pieces { rest: text }
    }
}

impl<'s> Iterator for Pieces<'s> {
    type Item = Piece<'s>;

    fn next(&mut self) -> Option<Piece<'s>> {
        if self.rest.is_empty() {
            return None;
        }
        let in_run = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
        let bytes = self.rest.as_bytes();
        let run_len = bytes.iter().take_while(|&&b| in_run(b)).count();
        if run_len == 0 {
            let text_len = self
                .rest
                .char_indices()
                .find(|&(_, c)| c.is_ascii() && in_run(c as u8))
                .map_or(self.rest.len(), |(i, _)| i);
            let (text, rest) = self.rest.split_at(text_len);
            self.rest = rest;
            return Some(Piece { text, cut: false });
        }
        let (run, rest) = self.rest.split_at(run_len);
        self.rest = rest;
        let token_like = run
            .split('.')
            .any(|segment| segment.len() >= Pieces::TOKEN_SEGMENT);
        let second_dot = run.match_indices('.').nth(1).map(|(i, _)| i);
        Some(match second_dot {
            // Cut at the second dot itself: at most two segments show.
            Some(end) if token_like => Piece {
                text: &run[..end],
                cut: true,
            },
            _ => Piece {
                text: run,
                cut: false,
            },
        })
    }
}

/// Seconds since the epoch, shown as an RFC 3339 UTC time.
struct Time(i64);

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = crate::jwt::registered::to_datetime(self.0);
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
            Error::ClaimMismatch {
                name,
                expected,
                found: Some(found),
            } => write!(
                f,
                "wrong \"{name}\" claim: expected \"{expected}\", found \"{found}\""
            ),
            Error::ClaimMismatch {
                name,
                expected,
                found: None,
            } => write!(f, "missing \"{name}\" claim: expected \"{expected}\""),
            Error::InvalidClaims { reason } => write!(f, "invalid claims: {reason}"),
            Error::Nested { path, source } => write!(f, "nested token \"{path}\": {source}"),
            Error::NestingTooDeep { limit } => {
                write!(f, "nested tokens deeper than the limit of {limit}")
            }
            Error::Revoked => f.write_str("the token was revoked"),
            Error::Replayed => f.write_str("the one-time token was already used"),
            Error::RefreshReused => {
                f.write_str("the refresh token was already rotated: its family is revoked")
            }
            Error::StoreUnavailable { reason } => {
                write!(f, "the token store is unavailable: {reason}")
            }
            Error::WeakKey { algorithm, reason } => write!(f, "weak {algorithm} key: {reason}"),
            Error::InvalidKey { algorithm, reason } => {
                write!(f, "invalid {algorithm} key: {reason}")
            }
            Error::InvalidKeySet { reason } => write!(f, "invalid JWK Set: {reason}"),
            Error::MissingExpiry => {
                f.write_str("no expiry: the purpose has no ttl and no explicit expiry was given")
            }
            Error::InvalidClaimsShape { reason } => write!(f, "cannot encode claims: {reason}"),
            Error::DuplicateClaim { name } => write!(
                f,
                "cannot encode claims: member \"{name}\" is written twice (claim names must be unique)"
            ),
            Error::Configuration(err) => write!(f, "configuration error: {err}"),
            Error::SigningFailed => f.write_str("signing failed"),
            Error::UnsupportedEncryption {
                member,
                found,
                reason,
            } => write!(f, "JWE \"{member}\" \"{found}\": {reason}"),
            Error::EncryptionNotAllowed { member, found } => {
                write!(
                    f,
                    "JWE \"{member}\" \"{found}\" is not allowed for this purpose"
                )
            }
            Error::DecryptionFailed => f.write_str("the encrypted token did not decrypt"),
            Error::NotEncrypted => {
                f.write_str("the purpose is encrypted, and the token is not (a JWS, not a JWE)")
            }
            Error::UnexpectedEncryption => {
                f.write_str("the token is encrypted (a JWE), and the purpose is not")
            }
            Error::Encrypted { source } => write!(f, "inside the encrypted token: {source}"),
            Error::InvalidEncryptionKey { algorithm, reason } => {
                write!(f, "invalid {algorithm} key: {reason}")
            }
            Error::WeakEncryptionKey { algorithm, reason } => {
                write!(f, "weak {algorithm} key: {reason}")
            }
            Error::EncryptionFailed => f.write_str("encryption failed"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Nested { source, .. } | Error::Encrypted { source } => Some(&**source),
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

    /// One value of every variant, each with the kind it must have. The
    /// match in [`Error::kind`] has no wildcard, so a new variant cannot
    /// compile without a kind; this table pins which.
    fn every_variant() -> Vec<(Error, ErrorKind)> {
        use ErrorKind::*;
        let s = || String::from("x");
        vec![
            (Error::TokenTooLarge { limit: 1, found: 2 }, Invalid),
            (Error::WrongSegmentCount { found: 1 }, Invalid),
            (Error::InvalidBase64 { part: Part::Header }, Invalid),
            (
                Error::InvalidJson {
                    part: Part::Payload,
                    reason: s(),
                },
                Invalid,
            ),
            (
                Error::DuplicateMember {
                    part: Part::Header,
                    name: s(),
                },
                Invalid,
            ),
            (Error::MissingAlgorithm, Invalid),
            (Error::UnsecuredToken, Invalid),
            (Error::UnsupportedAlgorithm { found: s() }, Invalid),
            (
                Error::AlgorithmNotAllowed {
                    allowed: vec![Algorithm::ES256],
                    found: Algorithm::HS256,
                },
                Invalid,
            ),
            (
                Error::AlgorithmMismatch {
                    expected: vec![Algorithm::ES256],
                    found: Algorithm::HS256,
                },
                Invalid,
            ),
            (Error::UnsupportedCritical, Invalid),
            (
                Error::UnsupportedHeader {
                    name: "b64",
                    reason: "r",
                },
                Invalid,
            ),
            (Error::MissingType, Invalid),
            (
                Error::WrongType {
                    expected: s(),
                    found: s(),
                },
                Invalid,
            ),
            (Error::UnexpectedContentType { found: s() }, Invalid),
            (Error::MissingContentType, Invalid),
            (Error::NoKeyForPurpose { purpose: s() }, Misconfigured),
            (Error::UnknownKey { kid: s() }, Invalid),
            (
                Error::KeyRetired {
                    retired_at: 1,
                    now: 2,
                },
                Invalid,
            ),
            (
                Error::KeySetUnavailable {
                    url: s(),
                    reason: s(),
                },
                Unavailable,
            ),
            (Error::InvalidSignature, Invalid),
            (
                Error::InvalidClaim {
                    claim: RegisteredClaim::Audience,
                    reason: "r",
                },
                Invalid,
            ),
            (
                Error::MissingClaim {
                    claim: RegisteredClaim::Subject,
                },
                Invalid,
            ),
            (
                Error::Expired {
                    expired_at: 1,
                    now: 2,
                },
                Expired,
            ),
            (
                Error::NotYetValid {
                    not_before: 2,
                    now: 1,
                },
                NotYetValid,
            ),
            (
                Error::IssuedInFuture {
                    issued_at: 2,
                    now: 1,
                },
                NotYetValid,
            ),
            (
                Error::TooOld {
                    issued_at: 1,
                    max_age: 1,
                    now: 3,
                },
                Expired,
            ),
            (
                Error::WrongAudience {
                    expected: vec![],
                    found: vec![],
                },
                Invalid,
            ),
            (
                Error::WrongIssuer {
                    expected: s(),
                    found: s(),
                },
                Invalid,
            ),
            (
                Error::ClaimMismatch {
                    name: s(),
                    expected: s(),
                    found: None,
                },
                Invalid,
            ),
            (Error::InvalidClaims { reason: s() }, Invalid),
            (
                Error::Nested {
                    path: s(),
                    source: Box::new(Error::InvalidSignature),
                },
                Invalid,
            ),
            (Error::NestingTooDeep { limit: 4 }, Invalid),
            (Error::Revoked, Invalid),
            (Error::Replayed, Invalid),
            (Error::RefreshReused, Invalid),
            (Error::StoreUnavailable { reason: s() }, Unavailable),
            (
                Error::WeakKey {
                    algorithm: Algorithm::HS256,
                    reason: s(),
                },
                Misconfigured,
            ),
            (
                Error::InvalidKey {
                    algorithm: Algorithm::HS256,
                    reason: s(),
                },
                Misconfigured,
            ),
            (Error::InvalidKeySet { reason: s() }, Misconfigured),
            (Error::MissingExpiry, Misconfigured),
            (Error::InvalidClaimsShape { reason: s() }, Misconfigured),
            (Error::DuplicateClaim { name: s() }, Misconfigured),
            (
                Error::Configuration(ConfigError::NoVerifyingKey),
                Misconfigured,
            ),
            (Error::SigningFailed, Misconfigured),
            (
                Error::UnsupportedEncryption {
                    member: "alg",
                    found: s(),
                    reason: "",
                },
                Invalid,
            ),
            (
                Error::EncryptionNotAllowed {
                    member: "enc",
                    found: s(),
                },
                Invalid,
            ),
            (Error::DecryptionFailed, Invalid),
            (Error::NotEncrypted, Invalid),
            (Error::UnexpectedEncryption, Invalid),
            (
                Error::Encrypted {
                    source: Box::new(Error::Expired {
                        expired_at: 0,
                        now: 1,
                    }),
                },
                Expired,
            ),
            (
                Error::InvalidEncryptionKey {
                    algorithm: "A128KW",
                    reason: s(),
                },
                Misconfigured,
            ),
            (
                Error::WeakEncryptionKey {
                    algorithm: "A128KW",
                    reason: s(),
                },
                Misconfigured,
            ),
            (Error::EncryptionFailed, Misconfigured),
        ]
    }

    #[test]
    fn every_variant_has_exactly_the_kind_it_is_listed_with() {
        for (err, kind) in every_variant() {
            assert_eq!(err.kind(), kind, "{err:?}");
        }
    }

    #[test]
    fn a_nested_failure_has_the_kind_of_its_innermost_cause() {
        let unavailable = Error::KeySetUnavailable {
            url: "u".into(),
            reason: "down".into(),
        };
        let err = unavailable.nested_at("inner").nested_at("grant");
        assert_eq!(err.kind(), ErrorKind::Unavailable);
        let expired = Error::Expired {
            expired_at: 1,
            now: 2,
        }
        .nested_at("grant");
        assert_eq!(expired.kind(), ErrorKind::Expired);
    }

    #[test]
    fn kind_descriptions_fit_an_rfc_6750_error_description() {
        for (_, kind) in every_variant() {
            let text = kind.description();
            // RFC 6750 §3: error-description = *( %x20-21 / %x23-5B / %x5D-7E )
            assert!(
                text.bytes()
                    .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E)),
                "{text}"
            );
            assert_eq!(kind.to_string(), text);
        }
    }

    #[test]
    fn echo_cuts_long_strings() {
        let long = "x".repeat(10_000);
        let cut = echo(&long);
        assert_eq!(cut.chars().count(), Error::MAX_ECHO + 1);
        assert_eq!(echo("short"), "short");
    }

    #[test]
    fn echo_escapes_control_and_non_ascii_characters() {
        assert_eq!(echo("a\r\nb\u{1b}[31m"), "a\\u{d}\\u{a}b\\u{1b}[31m");
        assert_eq!(echo("ünï\u{202e}"), "\\u{fc}n\\u{ef}\\u{202e}");
        assert_eq!(echo("tab\there"), "tab\\u{9}here");
        // Escaping is idempotent: an escaped string is plain ASCII.
        assert_eq!(echo(&echo("x\ny")), echo("x\ny"));
    }

    #[test]
    fn echo_counts_an_escape_as_one_character_of_the_limit() {
        let cut = echo(&"\n".repeat(100));
        assert_eq!(cut, format!("{}…", "\\u{a}".repeat(Error::MAX_ECHO)));
    }

    #[test]
    fn echo_message_cuts_each_quoted_part_and_the_whole() {
        let value = "v".repeat(100);
        let message = format!("invalid type: string \"{value}\", expected u64 at line 1 column 9");
        assert_eq!(
            echo_message(&message, 160),
            format!(
                "invalid type: string \"{}…\", expected u64 at line 1 column 9",
                "v".repeat(Error::MAX_ECHO)
            )
        );
        assert_eq!(
            echo_message("unknown field `r\nole`", 160),
            "unknown field `r\\u{a}ole`"
        );
        assert_eq!(
            echo_message(&"w".repeat(500), 160),
            format!("{}…", "w".repeat(160))
        );
    }

    #[test]
    fn echo_never_shows_three_segments_of_a_token() {
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6ImFjY2VzcyJ9.eyJleHAiOjF9.c2lnbmF0dXJl";
        assert_eq!(
            echo(token),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6ImFjY2VzcyJ9.eyJleHAiOjF9…"
        );
        assert_eq!(
            echo(&format!("see {token} here")),
            "see eyJhbGciOiJIUzI1NiIsInR5cCI6ImFjY2VzcyJ9.eyJleHAiOjF9… here"
        );
        // Found by fuzzing: empty segments count too, so not even an empty
        // third segment shows.
        assert_eq!(echo("fzFzcyE38wMI0iOltdMD..x"), "fzFzcyE38wMI0iOltdMD.…");
        // Dotted names with short labels are not tokens and stay whole.
        assert_eq!(echo("https://auth.example.com"), "https://auth.example.com");
        assert_eq!(
            echo("cognito-idp.us-east-1.amazonaws.com"),
            "cognito-idp.us-east-1.amazonaws.com"
        );
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
