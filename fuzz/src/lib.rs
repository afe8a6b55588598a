//! What the fuzz targets share: the purposes they decode, how fuzzer bytes
//! become tokens, and the properties every outcome must have.
//!
//! A token whose signature fails is rejected before its payload is read,
//! so random bytes alone would never reach the claims layer or the nested
//! tokens. Inputs therefore come in two modes (the low bit of the first
//! byte): raw, the rest of the input is the token; or crafted, the rest is
//! up to [`MAX_LEVELS`] levels separated by `0xFF`, each a header and a
//! payload separated by `0xFE`, every level signed with [`SECRET`] by
//! HMAC-SHA256 whatever its header says. The innermost (last) level is
//! signed first; each outer level's payload has every `$$` replaced by the
//! token of the level below, so nested tokens are validly signed at every
//! depth and can sit anywhere in the JSON.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_claims::{Claims, Error, FixedClock, HmacKey, Nested, Verifier};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The HMAC secret every level is signed with and the verifier holds.
pub const SECRET: &[u8; 32] = b"jwt-claims fuzzing secret 32 b!!";

/// The instant the verifier lives at.
pub const NOW: i64 = 1_700_000_000;

/// The issuer the verifier expects.
pub const ISSUER: &str = "https://auth.example.com";

/// The most levels a crafted input builds.
pub const MAX_LEVELS: usize = 8;

/// The placeholder for the token of the level below.
const PLACEHOLDER: &str = "$$";

/// The largest payload a crafted level may grow to: twice the verifier's
/// size limit, so oversized tokens are still tried. Without a cap, levels
/// of many placeholders each would grow the token exponentially.
const MAX_CRAFTED_PAYLOAD: usize = 2 * jwt_claims::jws::DEFAULT_MAX_TOKEN_SIZE;

// ----- purposes -----

/// The innermost grant.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "scope", aud = "fuzz", ttl = "5m")]
pub struct Scope {
    /// What is granted.
    pub scope: String,
}

/// A delegation, optionally carrying a scope token.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "delegation", aud = "fuzz", ttl = "5m", max_age = "10m")]
pub struct Delegation {
    /// On whose behalf.
    pub on_behalf_of: String,
    /// A nested scope token.
    #[jwt(nested)]
    pub inner: Option<Nested<Scope>>,
}

/// An access token with nested tokens at depths 2 and 3.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = ["fuzz", "other"], ttl = "15m", require = ["sub"])]
pub struct Access {
    /// A number.
    pub org_id: u64,
    /// One nested delegation.
    #[jwt(nested)]
    pub grant: Option<Nested<Delegation>>,
    /// Several nested delegations.
    #[jwt(nested)]
    pub grants: Vec<Nested<Delegation>>,
}

/// A token that may carry another of its kind, as deep as the input goes.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "chain", aud = "fuzz", ttl = "5m", leeway = "30s")]
pub struct Chain {
    /// A number.
    pub link: u32,
    /// The next link.
    #[jwt(nested)]
    pub next: Option<Nested<Chain>>,
}

/// A wrapping purpose (RFC 7519 §5.2): the payload is an access token.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "gateway", wraps)]
pub struct Gateway {
    /// The wrapped token.
    #[jwt(nested)]
    pub inner: Nested<Access>,
}

/// A purpose with a `#[serde(flatten)]` catch-all and its own issuer.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "flex", aud = "fuzz", iss = "https://partner.example.com", ttl = "15m", require = ["jti", "iat"])]
pub struct Flexible {
    /// A number.
    pub org_id: u64,
    /// Everything else.
    #[serde(flatten)]
    pub extra: HashMap<String, Value>,
}

/// The verifier every decode target uses: [`SECRET`] for every purpose.
pub fn verifier() -> Verifier {
    Verifier::builder()
        .issuer(ISSUER)
        .clock(FixedClock::at_timestamp(NOW))
        .shared_key(HmacKey::new(jwt_claims::Algorithm::HS256, SECRET).expect("32 bytes"))
        .build()
        .expect("a valid verifier")
}

// ----- fuzzer bytes to tokens -----

/// The token an input (after its first byte) stands for, in the mode the
/// first byte's low bit picks; `None` when a raw token is not UTF-8 or a
/// crafted one grows past [`MAX_CRAFTED_PAYLOAD`].
pub fn token(mode: u8, rest: &[u8]) -> Option<String> {
    if mode & 1 == 1 {
        return std::str::from_utf8(rest).ok().map(str::to_owned);
    }
    let levels: Vec<&[u8]> = rest.split(|&b| b == 0xFF).take(MAX_LEVELS).collect();
    let mut below: Option<String> = None;
    for level in levels.iter().rev() {
        let (header, payload) = match level.iter().position(|&b| b == 0xFE) {
            Some(at) => (&level[..at], &level[at + 1..]),
            None => (&level[..0], *level),
        };
        let payload = match &below {
            Some(token) => replace(payload, PLACEHOLDER.as_bytes(), token.as_bytes())?,
            None => payload.to_vec(),
        };
        below = Some(sign(header, &payload));
    }
    below
}

/// `header.payload.signature` with HMAC-SHA256 over [`SECRET`].
pub fn sign(header: &[u8], payload: &[u8]) -> String {
    let mut token = URL_SAFE_NO_PAD.encode(header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, SECRET);
    let tag = aws_lc_rs::hmac::sign(&key, token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(tag.as_ref(), &mut token);
    token
}

/// `haystack` with every `needle` replaced, or `None` past
/// [`MAX_CRAFTED_PAYLOAD`].
fn replace(haystack: &[u8], needle: &[u8], with: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
        if out.len() > MAX_CRAFTED_PAYLOAD {
            return None;
        }
    }
    Some(out)
}

// ----- properties of every outcome -----

/// The longest error message accepted: token-supplied strings in errors
/// are cut short (`Error::MAX_ECHO`, serde reasons at 160 characters), so
/// no message may grow with the token.
pub const MAX_MESSAGE: usize = 2048;

/// What every rejection must satisfy: a bounded message that never
/// repeats a whole (long) token, and a `Display` and `Debug` that do not
/// panic.
pub fn check_rejection(err: &Error, token: &str) {
    let message = err.to_string();
    assert!(
        message.len() <= MAX_MESSAGE,
        "an error message of {} bytes: {message}",
        message.len()
    );
    if token.len() > 160 {
        assert!(!message.contains(token), "the error repeats the token");
    }
    let debug = format!("{err:?}");
    // No error holds three dot-joined segments of a token (one of them as
    // long as a JOSE header), in its message or its Debug form; and every
    // token-supplied string in it is escaped: no control character.
    for shown in [&message, &debug] {
        if let Some(run) = token_like_run(shown) {
            panic!("an error holds a token-like run {run:?}: {shown}");
        }
        assert!(
            !shown.chars().any(|c| c.is_control()),
            "an error holds a control character: {shown:?}"
        );
    }
    let _ = err.root_cause();
}

/// A run of base64url characters and dots with three or more segments, one
/// of them 20 characters or longer: what a compact JWS looks like.
fn token_like_run(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .find(|run| run.split('.').count() >= 3 && run.split('.').any(|s| s.len() >= 20))
}
