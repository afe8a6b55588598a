//! Typed keys, each bound to one algorithm when it is built.
//!
//! HMAC secrets ([`HmacKey`]) and asymmetric keys ([`PublicKey`],
//! [`PrivateKey`]) are different types, so a public key can never be used
//! as an HMAC secret (the RS256 → HS256 key-confusion attack, RFC 8725
//! §2.1). Key material is parsed once, at construction: verifying and
//! signing never re-parse it. Weak keys are refused with
//! [`Error::WeakKey`](crate::Error::WeakKey).

pub(crate) mod der;
mod ed25519;
mod hmac;
mod jwk;
mod jwks;
mod pem;
mod private;
mod provider;
mod public;
#[cfg(feature = "remote-jwks")]
pub(crate) mod remote;
pub(crate) mod source;

use core::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use self::hmac::HmacKey;
pub use self::jwks::{FetchLimits, JwkSet, SkipReason, SkippedKey};
pub use self::private::PrivateKey;
pub use self::provider::KeyProvider;
// The JWE layer's encryption keys read the same JWK members.
#[cfg(feature = "aws_lc_rs")]
pub(crate) use self::jwk::Jwk;
#[cfg(all(feature = "rust_crypto", not(feature = "aws_lc_rs")))]
pub(crate) use self::public::MAX_RSA_BITS;
pub use self::public::PublicKey;

use crate::{Algorithm, Error};

/// A key that can verify signatures: an HMAC secret or a public key.
///
/// Built with `From`, so a [`Verifier`](crate::Verifier) takes either.
// An HMAC key holds the backend's precomputed context, larger than a public
// key; keys are built once and only borrowed after, so boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum VerifyingKey {
    /// A shared HMAC secret.
    Hmac(HmacKey),
    /// An asymmetric public key.
    Public(PublicKey),
}

/// A key that can sign: an HMAC secret or a private key.
#[allow(clippy::large_enum_variant)] // as for VerifyingKey
#[derive(Clone)]
pub enum SigningKey {
    /// A shared HMAC secret.
    Hmac(HmacKey),
    /// An asymmetric private key.
    Private(PrivateKey),
}

impl VerifyingKey {
    /// The one algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            VerifyingKey::Hmac(key) => key.algorithm(),
            VerifyingKey::Public(key) => key.algorithm(),
        }
    }

    /// The key id, if one was set.
    pub fn kid(&self) -> Option<&str> {
        match self {
            VerifyingKey::Hmac(key) => key.kid(),
            VerifyingKey::Public(key) => key.kid(),
        }
    }

    /// The issuer the key belongs to, if it was bound to one: tokens it
    /// verifies must carry exactly this `iss` (RFC 8725 §3.8).
    pub fn issuer(&self) -> Option<&str> {
        self.meta().issuer.as_deref()
    }

    /// When the key stops verifying tokens, if it is being retired.
    pub fn retired_after(&self) -> Option<DateTime<Utc>> {
        self.meta()
            .retired_after
            .map(crate::jwt::registered::to_datetime)
    }

    pub(crate) fn meta(&self) -> &KeyMeta {
        match self {
            VerifyingKey::Hmac(key) => &key.meta,
            VerifyingKey::Public(key) => &key.meta,
        }
    }

    /// Checks `signature` over `message`; a mismatch is
    /// [`Error::InvalidSignature`] and says nothing more.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        let ok = match self {
            VerifyingKey::Hmac(key) => key.verify(message, signature),
            VerifyingKey::Public(key) => key.verify(message, signature),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

impl SigningKey {
    /// The one algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            SigningKey::Hmac(key) => key.algorithm(),
            SigningKey::Private(key) => key.algorithm(),
        }
    }

    /// The key id, if one was set; written to the `kid` header.
    pub fn kid(&self) -> Option<&str> {
        match self {
            SigningKey::Hmac(key) => key.kid(),
            SigningKey::Private(key) => key.kid(),
        }
    }

    /// Signs `message`, appending the signature to `out`.
    pub(crate) fn sign_into(&self, message: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        match self {
            SigningKey::Hmac(key) => {
                key.sign_into(message, out);
                Ok(())
            }
            SigningKey::Private(key) => key.sign_into(message, out),
        }
    }

    /// The key that verifies this key's signatures.
    pub fn verifying_key(&self) -> VerifyingKey {
        match self {
            SigningKey::Hmac(key) => VerifyingKey::Hmac(key.clone()),
            SigningKey::Private(key) => VerifyingKey::Public(key.public_key()),
        }
    }
}

impl From<HmacKey> for VerifyingKey {
    fn from(key: HmacKey) -> Self {
        VerifyingKey::Hmac(key)
    }
}

impl From<PublicKey> for VerifyingKey {
    fn from(key: PublicKey) -> Self {
        VerifyingKey::Public(key)
    }
}

impl From<HmacKey> for SigningKey {
    fn from(key: HmacKey) -> Self {
        SigningKey::Hmac(key)
    }
}

impl From<PrivateKey> for SigningKey {
    fn from(key: PrivateKey) -> Self {
        SigningKey::Private(key)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyingKey::Hmac(key) => key.fmt(f),
            VerifyingKey::Public(key) => key.fmt(f),
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningKey::Hmac(key) => key.fmt(f),
            SigningKey::Private(key) => key.fmt(f),
        }
    }
}

/// What a verifier knows of a key besides its material: the id that
/// selects it, the issuer it belongs to and when it retires. One struct,
/// so every verifying key type carries the same facts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyMeta {
    pub(crate) kid: Option<String>,
    pub(crate) issuer: Option<Arc<str>>,
    /// Seconds since the epoch after which the key verifies nothing.
    pub(crate) retired_after: Option<i64>,
}

impl KeyMeta {
    pub(crate) fn retire(&mut self, at: DateTime<Utc>) {
        self.retired_after = Some(at.timestamp());
    }
}

/// The builder methods and accessor for [`KeyMeta`], the same on every
/// verifying key type.
macro_rules! key_meta_methods {
    ($key:ident) => {
        impl $key {
            /// Sets the key id written to and matched against the `kid` header.
            pub fn with_kid(mut self, kid: impl Into<String>) -> $key {
                self.meta.kid = Some(kid.into());
                self
            }

            /// Binds the key to an issuer (RFC 8725 §3.8): a token it verifies
            /// must carry exactly this `iss`, even where the purpose or the
            /// verifier would accept another. A verifier trusting issuers A and
            /// B then refuses a token claiming A but signed with B's key.
            pub fn with_issuer(mut self, issuer: impl Into<String>) -> $key {
                self.meta.issuer = Some(issuer.into().into());
                self
            }

            /// Retires the key for verifying once `at` has passed by the
            /// verifier's clock. To rotate: sign with a new key, keep verifying
            /// with both, and retire the old one when the last token it signed
            /// has expired.
            pub fn retired_after(mut self, at: DateTime<Utc>) -> $key {
                self.meta.retire(at);
                self
            }

            /// The key id, if one was set.
            pub fn kid(&self) -> Option<&str> {
                self.meta.kid.as_deref()
            }
        }
    };
}

key_meta_methods!(HmacKey);
key_meta_methods!(PublicKey);

/// The `InvalidKey` error for `algorithm`.
fn invalid(algorithm: Algorithm, reason: impl Into<String>) -> Error {
    Error::InvalidKey {
        algorithm,
        reason: reason.into(),
    }
}
