//! Verifying a compact JWS: the checks in their order, key selection, and
//! the key sources the checks ask last.

use std::sync::Arc;

use super::{JwsHeader, compact, header};
use crate::error::{Part, echo};
use crate::key::VerifyingKey;
use crate::{Algorithm, ConfigError, Error, Policy, base64url};

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
        (ContentTypeRule::NestedJwt, Some(cty))
            if crate::jwt::policy::same_media_type("JWT", cty) => {}
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
            return Err(ConfigError::DuplicateKeyId {
                purpose: purpose.to_owned(),
                algorithm: key.algorithm(),
                kid: echo(kid),
            }
            .into());
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
            found.map(|typ| crate::jwt::policy::same_media_type(expected, typ)),
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
