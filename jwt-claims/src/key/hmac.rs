//! HMAC secrets (HS256, HS384, HS512).

use core::fmt;

use base64::Engine as _;
use zeroize::Zeroizing;

use super::{KeyMeta, invalid};
use crate::crypto::Hmac;
use crate::{Algorithm, Error};

/// A shared HMAC secret bound to one of HS256, HS384 or HS512.
///
/// The secret must be at least as long as the hash output (32, 48 or 64
/// bytes; RFC 7518 §3.2); a shorter one is [`Error::WeakKey`]. The secret
/// never appears in `Debug` output.
///
/// ```
/// use jwt_claims::{Algorithm, Error, HmacKey};
///
/// let key = HmacKey::new(Algorithm::HS256, &[7; 32])?.with_kid("2026-11");
/// assert_eq!(key.algorithm(), Algorithm::HS256);
/// assert!(!format!("{key:?}").contains("7, 7"));
///
/// let weak = HmacKey::new(Algorithm::HS256, b"secret");
/// assert!(matches!(weak, Err(Error::WeakKey { .. })));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone)]
pub struct HmacKey {
    algorithm: Algorithm,
    pub(super) meta: KeyMeta,
    key: Hmac,
    /// Kept only for the loudly named export in `dangerous`; wiped on drop.
    secret: Zeroizing<Vec<u8>>,
}

impl HmacKey {
    /// Builds an HMAC key for `algorithm` (one of the HS* algorithms).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when `algorithm` is not an HMAC algorithm,
    /// [`Error::WeakKey`] when the secret is shorter than the hash output.
    pub fn new(algorithm: Algorithm, secret: &[u8]) -> Result<HmacKey, Error> {
        let min = Self::min_secret_len(algorithm)?;
        if secret.len() < min {
            return Err(Error::WeakKey {
                algorithm,
                reason: format!(
                    "secret is {} bytes, at least {min} are required",
                    secret.len()
                ),
            });
        }
        Ok(Self::new_unchecked_length(algorithm, secret))
    }

    /// Generates a fresh secret as long as the hash output (32, 48 or 64
    /// bytes) from the system's secure random source.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when `algorithm` is not an HMAC algorithm.
    pub fn generate(algorithm: Algorithm) -> Result<HmacKey, Error> {
        let mut secret = Zeroizing::new(vec![0u8; Self::min_secret_len(algorithm)?]);
        crate::crypto::fill_random(&mut secret)?;
        HmacKey::new(algorithm, &secret)
    }

    /// Builds an HMAC key from a base64url secret (padding optional), the
    /// form secrets take in environment variables and JWKs.
    ///
    /// # Errors
    /// As [`HmacKey::new`], and [`Error::InvalidKey`] for bad base64url.
    pub fn from_base64url(algorithm: Algorithm, secret: &str) -> Result<HmacKey, Error> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(secret.trim_end_matches('='))
            .map(Zeroizing::new)
            .map_err(|_| invalid(algorithm, "secret is not base64url"))?;
        HmacKey::new(algorithm, &bytes)
    }

    /// Builds an HMAC key from a JWK with `"kty": "oct"` (RFC 7518 §6.4).
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a malformed or mismatched JWK, and as
    /// [`HmacKey::new`].
    pub fn from_jwk(algorithm: Algorithm, jwk: &str) -> Result<HmacKey, Error> {
        super::jwk::hmac_key(algorithm, jwk)
    }

    /// The length an HMAC secret needs for `algorithm`.
    pub(crate) fn min_secret_len(algorithm: Algorithm) -> Result<usize, Error> {
        match algorithm {
            Algorithm::HS256 => Ok(32),
            Algorithm::HS384 => Ok(48),
            Algorithm::HS512 => Ok(64),
            other => Err(invalid(
                other,
                "not an HMAC algorithm: use PublicKey or PrivateKey for asymmetric algorithms",
            )),
        }
    }

    /// Builds the key without the length rule; callers check it first, or
    /// are the loudly named opt-out in [`crate::dangerous`].
    pub(crate) fn new_unchecked_length(algorithm: Algorithm, secret: &[u8]) -> HmacKey {
        HmacKey {
            algorithm,
            meta: KeyMeta::default(),
            secret: Zeroizing::new(secret.to_vec()),
            key: Hmac::new(algorithm, secret),
        }
    }

    /// The one algorithm this key signs and verifies with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub(crate) fn to_jwk(&self) -> Zeroizing<String> {
        super::jwk::to_hmac_jwk(self.algorithm, &self.secret, self.kid())
    }

    /// Constant-time comparison of the MAC.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key.verify(message, signature)
    }

    pub(crate) fn sign_into(&self, message: &[u8], out: &mut Vec<u8>) {
        self.key.sign_into(message, out);
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.meta.kid)
            .field("issuer", &self.meta.issuer)
            .field("secret", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_secrets_shorter_than_the_hash_output() {
        for (alg, min) in [
            (Algorithm::HS256, 32),
            (Algorithm::HS384, 48),
            (Algorithm::HS512, 64),
        ] {
            let err = HmacKey::new(alg, &vec![1; min - 1]).unwrap_err();
            assert_eq!(
                err,
                Error::WeakKey {
                    algorithm: alg,
                    reason: format!("secret is {} bytes, at least {min} are required", min - 1)
                }
            );
            assert!(HmacKey::new(alg, &vec![1; min]).is_ok());
        }
    }

    #[test]
    fn rejects_asymmetric_algorithms() {
        assert!(matches!(
            HmacKey::new(Algorithm::RS256, &[0; 64]),
            Err(Error::InvalidKey {
                algorithm: Algorithm::RS256,
                ..
            })
        ));
    }

    #[test]
    fn debug_redacts_the_secret() {
        let key = HmacKey::new(Algorithm::HS256, b"0123456789abcdef0123456789abcdef").unwrap();
        let debug = format!("{key:?}");
        assert!(debug.contains("[redacted]"));
        assert!(!debug.contains("0123456789"));
    }

    #[test]
    fn base64url_secret_decodes_with_or_without_padding() {
        let raw = [0xfb_u8; 32];
        let b64 = base64::engine::general_purpose::URL_SAFE.encode(raw);
        let a = HmacKey::from_base64url(Algorithm::HS256, &b64).unwrap();
        let b = HmacKey::from_base64url(Algorithm::HS256, b64.trim_end_matches('=')).unwrap();
        let mut mac = Vec::new();
        a.sign_into(b"m", &mut mac);
        assert!(b.verify(b"m", &mac));
    }
}
