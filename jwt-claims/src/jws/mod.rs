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
mod sign;
mod verify;

use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::key::VerifyingKey;
use crate::{Algorithm, ConfigError, Error};

// The JWE header reads its usual shape with the same scanner.
#[cfg(feature = "aws_lc_rs")]
pub(crate) use self::header::flat_string;
pub use self::sign::sign;
pub(crate) use self::sign::{sign_json, sign_payload, write_header_json};
pub(crate) use self::verify::{
    Checked, ContentTypeRule, KeySource, Keys, Rules, TypeRule, check_key_ids, verify,
};

/// The default size limit: 64 KiB.
pub const DEFAULT_MAX_TOKEN_SIZE: usize = 64 * 1024;

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
            return Err(ConfigError::IssuerBoundJwsKey.into());
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
    use crate::key::SigningKey;

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
