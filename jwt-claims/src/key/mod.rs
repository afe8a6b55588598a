//! Typed keys, each bound to one algorithm when it is built.
//!
//! HMAC secrets ([`HmacKey`]) and asymmetric keys ([`PublicKey`],
//! [`PrivateKey`]) are different types, so a public key can never be used
//! as an HMAC secret (the RS256 → HS256 key-confusion attack, RFC 8725
//! §2.1). Key material is parsed once, at construction: verifying and
//! signing never re-parse it. Weak keys are refused with
//! [`Error::WeakKey`](crate::Error::WeakKey).

mod hmac;
mod jwk;
mod jwks;
mod pem;
mod private;
mod public;
mod source;

use core::fmt;

pub use self::hmac::HmacKey;
pub use self::jwks::JwkSet;
pub use self::private::PrivateKey;
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

/// The `InvalidKey` error for `algorithm`.
fn invalid(algorithm: Algorithm, reason: impl Into<String>) -> Error {
    Error::InvalidKey {
        algorithm,
        reason: reason.into(),
    }
}
