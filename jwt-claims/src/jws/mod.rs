//! The JWS layer: compact serialization, header rules and signatures, with
//! the raw payload bytes out.
//!
//! The JWT claims layer ([`Verifier`](crate::Verifier)) runs on top of this
//! one. Use it directly for payloads that are not JWT claims (webhook
//! bodies, the RFC 7515 and RFC 7520 examples) with the same strictness:
//! size limit first, strict base64url, no duplicate header members, no
//! `alg: none`, no `crit`, the algorithm bound to the key, and keys taken
//! only from configuration, never from `jwk`, `jku`, `x5u` or `x5c`.
//!
//! ```
//! use jwt_claims::jws::{self, JwsVerifier};
//! use jwt_claims::{Algorithm, HmacKey};
//!
//! let key = HmacKey::new(Algorithm::HS256, &[42; 32])?;
//! let token = jws::sign(&key.clone().into(), Some("webhook"), br#"{"event":"paid"}"#)?;
//!
//! let verified = JwsVerifier::new(key)?.with_type("webhook").verify(&token)?;
//! assert_eq!(verified.payload(), br#"{"event":"paid"}"#);
//! assert_eq!(verified.header().token_type(), Some("webhook"));
//! # Ok::<(), jwt_claims::Error>(())
//! ```

mod compact;
mod header;

use crate::error::{Part, echo};
use crate::key::{SigningKey, VerifyingKey};
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::{Algorithm, Error, Policy, base64url};

/// The default size limit: 64 KiB.
pub const DEFAULT_MAX_TOKEN_SIZE: usize = 64 * 1024;

/// The longest signature any supported algorithm makes (RSA-8192).
const MAX_SIGNATURE_LEN: usize = 1024;

/// The longest HMAC, ECDSA or Ed25519 signature (HS512, ES384: 64 and 96
/// bytes) fits this.
const SMALL_SIGNATURE_LEN: usize = 128;

/// Headers up to this size decode on the stack.
const INLINE_HEADER_LEN: usize = 256;

/// How the `typ` header is checked.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TypeRule<'r> {
    /// Required, and must name this policy's type.
    Policy(&'r Policy),
    /// Required, and must name this type (RFC 7515 §4.1.9 comparison).
    Exactly(&'r str),
    /// Not checked.
    Any,
}

/// What the `cty` header may say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContentTypeRule {
    /// No `cty`: a claims set. Any `cty` signals a nested JWT (RFC 7519
    /// §5.2) or another payload the purpose did not declare.
    Absent,
    /// `cty: "JWT"` required: the payload is a token (a wrapping purpose).
    NestedJwt,
    /// Not checked (the plain JWS layer).
    Any,
}

/// Everything the JWS layer checks a token against.
pub(crate) struct Rules<'r> {
    pub(crate) algorithms: &'r [Algorithm],
    pub(crate) typ: TypeRule<'r>,
    /// What the `cty` header may say.
    pub(crate) content_type: ContentTypeRule,
    /// Where the purpose's keys come from; asked only once the token's
    /// structure and header have passed.
    pub(crate) keys: &'r dyn KeySource,
    /// The purpose name reported when there are no keys.
    pub(crate) purpose: &'r str,
    /// Whether to copy `typ` and `cty` out (the public JWS API wants them).
    pub(crate) collect_header: bool,
    /// The verifier's clock, seconds since the epoch: retired keys verify
    /// nothing.
    pub(crate) now: i64,
}

/// What the JWS layer hands the claims layer: the checked header and the
/// verified payload bytes.
pub(crate) struct Checked {
    pub(crate) header: JwsHeader,
    pub(crate) payload: Vec<u8>,
    /// The issuer the verifying key is bound to, if any.
    pub(crate) key_issuer: Option<Arc<str>>,
}

/// The keys of one purpose, as the JWS layer asks for them.
///
/// Configured keys answer at once; a remote JWK Set may fetch. The JWS
/// layer asks only after a token's size, structure and header have
/// passed, so unauthenticated garbage never causes key-source work.
pub(crate) trait KeySource {
    /// The current keys.
    fn current(&self) -> Result<Keys<'_>, Error>;

    /// A token named a `kid` the current keys lack: `true` when the source
    /// fetched a newer set worth trying (within its own rate limit).
    fn refresh_for_unknown_kid(&self) -> bool {
        false
    }
}

/// Keys a [`KeySource`] hands out: borrowed, or a shared snapshot.
pub(crate) enum Keys<'k> {
    Borrowed(&'k [VerifyingKey]),
    #[cfg_attr(not(feature = "remote-jwks"), allow(dead_code))]
    Shared(Arc<[VerifyingKey]>),
}

impl core::ops::Deref for Keys<'_> {
    type Target = [VerifyingKey];

    fn deref(&self) -> &[VerifyingKey] {
        match self {
            Keys::Borrowed(keys) => keys,
            Keys::Shared(keys) => keys,
        }
    }
}

impl KeySource for Vec<VerifyingKey> {
    fn current(&self) -> Result<Keys<'_>, Error> {
        Ok(Keys::Borrowed(self))
    }
}

/// Runs the JWS checks in order: size, segments and base64url, header
/// (`alg`, `crit`, `b64`, `kid`, allow-list, `typ`, `cty`), then the key,
/// then the signature. Nothing in the payload is read before the
/// signature verifies, and no key source is asked before the header
/// passes.
pub(crate) fn verify(token: &str, limit: usize, rules: &Rules<'_>) -> Result<Checked, Error> {
    let segments = compact::split(token, limit)?;

    let mut inline = [0u8; INLINE_HEADER_LEN];
    let heap;
    let header_bytes = if segments.header.len() * 3 / 4 <= INLINE_HEADER_LEN {
        base64url::decode_slice(segments.header, &mut inline)
    } else {
        heap = base64url::decode(segments.header);
        heap.as_deref()
    }
    .ok_or_else(|| segments.malformed(Part::Header))?;
    let mut payload = Vec::new();
    base64url::decode_into(segments.payload, &mut payload)
        .ok_or_else(|| segments.malformed(Part::Payload))?;
    // Only RSA signatures need the large buffer; zeroing it is not free.
    let mut small = [0u8; SMALL_SIGNATURE_LEN];
    let mut large;
    let signature_buf: &mut [u8] = if segments.signature.len() * 3 / 4 <= SMALL_SIGNATURE_LEN {
        &mut small
    } else {
        large = [0u8; MAX_SIGNATURE_LEN];
        &mut large
    };
    let signature = match base64url::decode_slice(segments.signature, signature_buf) {
        Some(signature) => signature,
        None if base64url::decode(segments.signature).is_some() => {
            return Err(Error::InvalidSignature);
        }
        None => return Err(segments.malformed(Part::Signature)),
    };

    let header = header::parse(header_bytes)?;
    let algorithm = header.algorithm()?;
    if header.crit {
        return Err(Error::UnsupportedCritical);
    }
    if header.b64 {
        return Err(Error::UnsupportedHeader {
            name: "b64",
            reason: "unencoded payloads (RFC 7797) are not supported",
        });
    }
    let kid = header.kid.as_str("kid")?;
    if !rules.algorithms.is_empty() && !rules.algorithms.contains(&algorithm) {
        return Err(Error::AlgorithmNotAllowed {
            allowed: rules.algorithms.to_vec(),
            found: algorithm,
        });
    }
    let typ = header.typ.as_str("typ")?;
    check_type(rules.typ, typ)?;
    let cty = header.cty.as_str("cty")?;
    match (rules.content_type, cty) {
        (ContentTypeRule::Any, _) | (ContentTypeRule::Absent, None) => {}
        (ContentTypeRule::NestedJwt, Some(cty)) if crate::policy::same_media_type("JWT", cty) => {}
        (ContentTypeRule::NestedJwt, None) => return Err(Error::MissingContentType),
        (_, Some(cty)) => return Err(Error::UnexpectedContentType { found: echo(cty) }),
    }

    let mut keys = rules.keys.current()?;
    let mut selected = select_key(&keys, algorithm, kid, rules.purpose, rules.now);
    // The issuer may have rotated: a source that can refresh does so (at
    // most once per its cooldown, so made-up kids cannot make it fetch per
    // request), and the new set gets one more look.
    if matches!(selected, Err(Error::UnknownKey { .. })) && rules.keys.refresh_for_unknown_kid() {
        keys = rules.keys.current()?;
        selected = select_key(&keys, algorithm, kid, rules.purpose, rules.now);
    }
    let key = &keys[selected?];

    key.verify(segments.signing_input.as_bytes(), signature)?;

    let owned = |s: Option<&str>| s.map(str::to_owned);
    let header = JwsHeader {
        algorithm,
        kid: owned(kid),
        typ: if rules.collect_header {
            owned(typ)
        } else {
            None
        },
        cty: if rules.collect_header {
            owned(cty)
        } else {
            None
        },
    };
    let key_issuer = key.meta().issuer.clone();
    Ok(Checked {
        header,
        payload,
        key_issuer,
    })
}

/// Picks the key for `algorithm` among the purpose's keys.
///
/// A `kid` in the token must name one of them: an unknown `kid` is
/// [`Error::UnknownKey`], never a fallback to trying every key. Without a
/// `kid`, the first key configured for the algorithm that is not retired
/// is used. A retired key verifies nothing ([`Error::KeyRetired`]).
///
/// Returns the key's index in `keys`.
fn select_key(
    keys: &[VerifyingKey],
    algorithm: Algorithm,
    kid: Option<&str>,
    purpose: &str,
    now: i64,
) -> Result<usize, Error> {
    if keys.is_empty() {
        return Err(Error::NoKeyForPurpose {
            purpose: purpose.to_owned(),
        });
    }
    let mut candidates = keys
        .iter()
        .enumerate()
        .filter(|(_, key)| key.algorithm() == algorithm)
        .peekable();
    if candidates.peek().is_none() {
        let mut expected: Vec<Algorithm> = Vec::new();
        for key in keys {
            if !expected.contains(&key.algorithm()) {
                expected.push(key.algorithm());
            }
        }
        return Err(Error::AlgorithmMismatch {
            expected,
            found: algorithm,
        });
    }
    let retired = |key: &VerifyingKey| key.meta().retired_after.filter(|&at| now > at);
    let (index, key) = match kid {
        Some(kid) => candidates
            .find(|(_, key)| key.kid() == Some(kid))
            .ok_or_else(|| Error::UnknownKey { kid: echo(kid) })?,
        None => {
            let mut first_retired = None;
            match candidates.find(|(_, key)| {
                first_retired = first_retired.or(retired(key));
                retired(key).is_none()
            }) {
                Some(found) => found,
                None => {
                    let retired_at = first_retired.expect("every candidate was retired");
                    return Err(Error::KeyRetired { retired_at, now });
                }
            }
        }
    };
    match retired(key) {
        Some(retired_at) => Err(Error::KeyRetired { retired_at, now }),
        None => Ok(index),
    }
}

/// Refuses two keys of one algorithm with the same `kid` among one
/// purpose's keys: the `kid` would name either, and which one verifies
/// would depend on the order of configuration.
pub(crate) fn check_key_ids(keys: &[VerifyingKey], purpose: &str) -> Result<(), Error> {
    for (i, key) in keys.iter().enumerate() {
        let Some(kid) = key.kid() else { continue };
        if keys[..i]
            .iter()
            .any(|other| other.kid() == Some(kid) && other.algorithm() == key.algorithm())
        {
            return Err(Error::Configuration {
                reason: format!(
                    "purpose \"{purpose}\" has two {} keys with kid \"{}\"",
                    key.algorithm(),
                    echo(kid)
                ),
            });
        }
    }
    Ok(())
}

fn check_type(rule: TypeRule<'_>, found: Option<&str>) -> Result<(), Error> {
    let accepted = match rule {
        TypeRule::Any => return Ok(()),
        // The exact spelling first: the usual case, and cheaper than the
        // case-insensitive media-type comparison it implies.
        TypeRule::Policy(policy) => match (policy.token_type(), found) {
            (Some(expected), _) => (
                expected,
                found.map(|typ| typ == expected || policy.accepts_type(typ)),
            ),
            // An untyped third-party purpose: no `typ`, or the generic one.
            (None, None) => return Ok(()),
            (None, Some(typ)) => ("JWT", Some(policy.accepts_type(typ))),
        },
        TypeRule::Exactly(expected) => (
            expected,
            found.map(|typ| crate::policy::same_media_type(expected, typ)),
        ),
    };
    match (accepted, found) {
        ((_, Some(true)), _) => Ok(()),
        ((expected, Some(false)), Some(found)) => Err(Error::WrongType {
            expected: expected.to_owned(),
            found: echo(found),
        }),
        _ => Err(Error::MissingType),
    }
}

/// Builds `header.payload.signature` from `json`: the header JSON in its
/// first `header_len` bytes, the payload after. The signature is made into
/// `json`'s allocation once both are encoded, so a token costs two
/// allocations, `json` and the token itself.
pub(crate) fn sign_json(
    mut json: Vec<u8>,
    header_len: usize,
    key: &SigningKey,
) -> Result<String, Error> {
    let (header, payload) = json.split_at(header_len);
    let mut token = String::with_capacity(json.len() * 4 / 3 + 96);
    base64url::encode_into(header, &mut token);
    token.push('.');
    base64url::encode_into(payload, &mut token);
    json.clear();
    key.sign_into(token.as_bytes(), &mut json)?;
    token.push('.');
    base64url::encode_into(&json, &mut token);
    Ok(token)
}

/// Appends the header JSON for `key`, with `typ` and optional `cty`, to
/// `out`: `{"alg":…,"typ":…,"cty":…,"kid":…}`, absent members left out,
/// strings escaped by serde_json, as a derived `Serialize` would write it.
pub(crate) fn write_header_json(
    out: &mut Vec<u8>,
    key: &SigningKey,
    typ: Option<&str>,
    cty: Option<&str>,
) {
    // Algorithm names are plain ASCII: nothing to escape.
    out.extend_from_slice(b"{\"alg\":\"");
    out.extend_from_slice(key.algorithm().name().as_bytes());
    out.push(b'"');
    for (name, value) in [("typ", typ), ("cty", cty), ("kid", key.kid())] {
        if let Some(value) = value {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            serde_json::to_writer(&mut *out, value).expect("writing to a Vec cannot fail");
        }
    }
    out.push(b'}');
}

/// Signs `payload` under the header for `key`, `typ` and `cty`.
pub(crate) fn sign_payload(
    key: &SigningKey,
    typ: Option<&str>,
    cty: Option<&str>,
    payload: &[u8],
) -> Result<String, Error> {
    let mut json = Vec::with_capacity(payload.len() + 96);
    write_header_json(&mut json, key, typ, cty);
    let header_len = json.len();
    json.extend_from_slice(payload);
    sign_json(json, header_len, key)
}

/// Signs `payload` as a compact JWS with `typ` (if any) and the key's
/// `alg` and `kid` in the header.
///
/// # Errors
/// [`Error::SigningFailed`] if the crypto backend fails.
pub fn sign(key: &SigningKey, typ: Option<&str>, payload: &[u8]) -> Result<String, Error> {
    sign_payload(key, typ, None, payload)
}

/// The checked header of a verified JWS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JwsHeader {
    algorithm: Algorithm,
    kid: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
}

impl JwsHeader {
    /// The `alg` the signature was verified with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The `kid` that selected the key, if the token had one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The `typ`, if any.
    pub fn token_type(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// The `cty`, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.cty.as_deref()
    }

    pub(crate) fn into_kid(self) -> Option<String> {
        self.kid
    }
}

/// A JWS whose header passed every rule and whose signature verified.
#[derive(Clone, Debug)]
pub struct VerifiedJws {
    header: JwsHeader,
    payload: Vec<u8>,
}

impl VerifiedJws {
    /// The checked header.
    pub fn header(&self) -> &JwsHeader {
        &self.header
    }

    /// The verified payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The verified payload bytes, owned.
    pub fn into_payload(self) -> Vec<u8> {
        self.payload
    }
}

/// Verifies compact JWSs whose payload is not (necessarily) a JWT claims
/// set.
///
/// By default any `typ` is accepted, since the JWS layer has no notion of
/// purpose; [`JwsVerifier::with_type`] requires one. Everything else is as
/// strict as the JWT layer.
#[derive(Clone)]
pub struct JwsVerifier {
    keys: Vec<VerifyingKey>,
    typ: Option<String>,
    algorithms: Vec<Algorithm>,
    max_size: usize,
    clock: Arc<dyn Clock>,
}

impl core::fmt::Debug for JwsVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JwsVerifier")
            .field("keys", &self.keys)
            .field("typ", &self.typ)
            .field("algorithms", &self.algorithms)
            .field("max_size", &self.max_size)
            .finish_non_exhaustive()
    }
}

impl JwsVerifier {
    /// A verifier with one key.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the key is bound to an issuer: a JWS
    /// payload has no `iss` to hold it to.
    pub fn new(key: impl Into<VerifyingKey>) -> Result<JwsVerifier, Error> {
        JwsVerifier {
            keys: Vec::new(),
            typ: None,
            algorithms: Vec::new(),
            max_size: DEFAULT_MAX_TOKEN_SIZE,
            clock: Arc::new(SystemClock),
        }
        .with_key(key)
    }

    /// Adds another key (selected by `alg` and `kid`).
    ///
    /// # Errors
    /// [`Error::Configuration`] when the key is bound to an issuer, or when
    /// a key of the same algorithm already has its `kid`: a `kid` must
    /// name one key.
    pub fn with_key(mut self, key: impl Into<VerifyingKey>) -> Result<JwsVerifier, Error> {
        let key = key.into();
        if key.issuer().is_some() {
            return Err(Error::Configuration {
                reason: "an issuer-bound key cannot verify a plain JWS, whose payload has no \"iss\" to check"
                    .into(),
            });
        }
        self.keys.push(key);
        check_key_ids(&self.keys, "jws")?;
        Ok(self)
    }

    /// Requires the `typ` header to name `typ` (RFC 7515 §4.1.9 comparison).
    pub fn with_type(mut self, typ: impl Into<String>) -> JwsVerifier {
        self.typ = Some(typ.into());
        self
    }

    /// Restricts `alg` to these algorithms.
    pub fn with_algorithms(
        mut self,
        algorithms: impl IntoIterator<Item = Algorithm>,
    ) -> JwsVerifier {
        self.algorithms = algorithms.into_iter().collect();
        self
    }

    /// The clock keys' retirement is judged by; [`SystemClock`] by default.
    pub fn with_clock(mut self, clock: impl Clock) -> JwsVerifier {
        self.clock = Arc::new(clock);
        self
    }

    /// Sets the size limit in bytes (default [`DEFAULT_MAX_TOKEN_SIZE`]).
    pub fn with_max_size(mut self, bytes: usize) -> JwsVerifier {
        self.max_size = bytes;
        self
    }

    /// Verifies `token` and returns its header and payload.
    ///
    /// # Errors
    /// The structural, header and signature variants of [`Error`].
    pub fn verify(&self, token: &str) -> Result<VerifiedJws, Error> {
        let rules = Rules {
            algorithms: &self.algorithms,
            typ: self.typ.as_deref().map_or(TypeRule::Any, TypeRule::Exactly),
            content_type: ContentTypeRule::Any,
            keys: &self.keys,
            purpose: "jws",
            collect_header: true,
            now: self.clock.now().timestamp(),
        };
        let Checked {
            header, payload, ..
        } = verify(token, self.max_size, &rules)?;
        Ok(VerifiedJws { header, payload })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HmacKey;

    /// What [`write_header_json`] replaced: a derived `Serialize`.
    fn derived_header_json(key: &SigningKey, typ: Option<&str>, cty: Option<&str>) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct Header<'a> {
            alg: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            typ: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cty: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            kid: Option<&'a str>,
        }
        serde_json::to_vec(&Header {
            alg: key.algorithm().name(),
            typ,
            cty,
            kid: key.kid(),
        })
        .unwrap()
    }

    #[test]
    fn header_json_is_what_a_derived_serialize_writes() {
        let plain: SigningKey = HmacKey::new(Algorithm::HS384, &[1; 48]).unwrap().into();
        let with_kid: SigningKey = HmacKey::new(Algorithm::HS256, &[1; 32])
            .unwrap()
            .with_kid("k\"1\\\u{7}é")
            .into();
        for key in [&plain, &with_kid] {
            for typ in [None, Some("at+jwt"), Some("a\"b\\c\n\u{1f}\u{2028}😀")] {
                for cty in [None, Some("JWT")] {
                    let mut written = Vec::new();
                    write_header_json(&mut written, key, typ, cty);
                    assert_eq!(
                        String::from_utf8(written).unwrap(),
                        String::from_utf8(derived_header_json(key, typ, cty)).unwrap()
                    );
                }
            }
        }
    }

    #[test]
    fn signs_header_and_payload_from_one_buffer() {
        let key = HmacKey::new(Algorithm::HS256, &[2; 32]).unwrap();
        let token = sign(&key.clone().into(), Some("webhook"), br#"{"event":"paid"}"#).unwrap();
        let verified = JwsVerifier::new(key)
            .unwrap()
            .with_type("webhook")
            .verify(&token)
            .unwrap();
        assert_eq!(verified.payload(), br#"{"event":"paid"}"#);
        assert_eq!(token.split('.').count(), 3);
    }
}
