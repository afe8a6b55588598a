//! Asymmetric public keys (RS*, PS*, ES*, EdDSA) for verification.

use core::fmt;

use super::pem::{self, PemKind};
use super::{KeyMeta, invalid};
use std::sync::Arc;

use crate::crypto::Public;
use crate::key::der;
use crate::{Algorithm, Error, KeyFamily};

/// The smallest RSA modulus accepted, in bits (RFC 7518 §3.3, §3.5).
pub(crate) const MIN_RSA_BITS: usize = 2048;

/// The largest RSA modulus the backends verify with, in bits.
pub(crate) const MAX_RSA_BITS: usize = 8192;

/// A public key bound to one asymmetric algorithm, parsed once.
///
/// ```
/// use jwt_claims::{Algorithm, PublicKey};
///
/// // RFC 7515 Appendix A.3's P-256 key, as a JWK.
/// let jwk = r#"{"kty":"EC","crv":"P-256",
///   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
///   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
/// let key = PublicKey::from_jwk(Algorithm::ES256, jwk)?;
/// assert_eq!(key.algorithm(), Algorithm::ES256);
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone)]
pub struct PublicKey {
    algorithm: Algorithm,
    pub(super) meta: KeyMeta,
    key: Public,
    /// The key in one raw form (PKCS#1 for RSA, the uncompressed point for
    /// ECDSA, the 32 bytes of Ed25519), for JWK export and thumbprints.
    raw: Arc<[u8]>,
}

impl PublicKey {
    /// Parses a PEM public key: `PUBLIC KEY` (SubjectPublicKeyInfo) for
    /// every algorithm, or `RSA PUBLIC KEY` (PKCS#1) for RSA.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the PEM is malformed, holds a private key
    /// or certificate, or a key of another type or curve;
    /// [`Error::WeakKey`] for an RSA modulus under 2048 bits.
    pub fn from_pem(algorithm: Algorithm, pem: &[u8]) -> Result<PublicKey, Error> {
        let (kind, der) = pem::decode(algorithm, pem)?;
        if kind.is_private() {
            return Err(invalid(
                algorithm,
                "this is a private key: load it with PrivateKey and call public_key()",
            ));
        }
        if kind == PemKind::RsaPublicKey && algorithm.family() != KeyFamily::Rsa {
            return Err(invalid(
                algorithm,
                "an RSA PUBLIC KEY cannot verify this algorithm",
            ));
        }
        PublicKey::from_der(algorithm, &der)
    }

    /// Parses a DER public key: SubjectPublicKeyInfo for every algorithm,
    /// PKCS#1 RSAPublicKey for RSA.
    ///
    /// # Errors
    /// As [`PublicKey::from_pem`].
    pub fn from_der(algorithm: Algorithm, der: &[u8]) -> Result<PublicKey, Error> {
        let (oid, curve) = der::key_oids(algorithm).ok_or_else(|| hmac_algorithm(algorithm))?;
        let raw = match der::spki(der) {
            Some((found, params, raw)) if found == oid && params == curve => raw,
            Some(_) => {
                return Err(invalid(
                    algorithm,
                    format!(
                        "the SubjectPublicKeyInfo holds another kind of key than {}",
                        key_description(algorithm)
                    ),
                ));
            }
            None => der,
        };
        PublicKey::from_raw(algorithm, raw)
    }

    /// Parses a public JWK (RFC 7517, RFC 7518 §6). Its `kid` becomes the
    /// key's id; `alg`, `use` and `key_ops`, when present, must allow
    /// verifying with `algorithm`.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a malformed, private or mismatched JWK,
    /// [`Error::WeakKey`] for an RSA modulus under 2048 bits.
    pub fn from_jwk(algorithm: Algorithm, jwk: &str) -> Result<PublicKey, Error> {
        super::jwk::public_key(algorithm, jwk)
    }

    /// Builds a key from raw public bytes: an uncompressed EC point, raw
    /// Ed25519 bytes, or PKCS#1 DER for RSA.
    pub(super) fn from_raw(algorithm: Algorithm, raw: &[u8]) -> Result<PublicKey, Error> {
        let not_valid = || {
            invalid(
                algorithm,
                format!("not a valid {} public key", key_description(algorithm)),
            )
        };
        if algorithm.family() == KeyFamily::Rsa {
            let (modulus, exponent) = der::rsa_public_integers(raw).ok_or_else(not_valid)?;
            check_rsa_public(algorithm, modulus, exponent)?;
        }
        // `raw` is kept as the key's one form, which JWK export and
        // thumbprints split into x and y. The backend also parses
        // compressed points, whose halves are not x and y: refuse them.
        if algorithm.family() == KeyFamily::Ec {
            let coordinate = if algorithm == Algorithm::ES384 {
                48
            } else {
                32
            };
            match raw.first() {
                Some(0x02 | 0x03) => {
                    return Err(invalid(
                        algorithm,
                        "compressed EC points are not supported: give the uncompressed point",
                    ));
                }
                Some(0x04) if raw.len() == 1 + 2 * coordinate => {}
                _ => return Err(not_valid()),
            }
        }
        // An Ed25519 public key is 32 bytes (RFC 8032 §5.1.5). The backend
        // also takes other encodings (aws-lc an SPKI with trailing bytes),
        // which `raw` would then hold: JWK export and thumbprints would see
        // the wrong bytes. Found by fuzz/import_key.
        if algorithm.family() == KeyFamily::Okp {
            let bytes: &[u8; 32] = raw.try_into().map_err(|_| not_valid())?;
            super::ed25519::check_public_key(bytes)
                .map_err(|refused| invalid(algorithm, refused.reason()))?;
        }
        let key = Public::parse(algorithm, raw).ok_or_else(not_valid)?;
        Ok(PublicKey {
            algorithm,
            meta: KeyMeta::default(),
            key,
            raw: raw.into(),
        })
    }

    /// This key as a public JWK (RFC 7517, RFC 7518 §6, RFC 8037): `kty`,
    /// the key's members, `alg`, `use: "sig"` and `kid` when set. Only
    /// public material exists in a `PublicKey`, so nothing secret can leak.
    ///
    /// ```
    /// use jwt_claims::{Algorithm, PublicKey};
    ///
    /// let jwk = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    /// let key = PublicKey::from_jwk(Algorithm::EdDSA, jwk)?.with_kid("k1");
    /// assert_eq!(
    ///     key.to_jwk(),
    ///     r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","alg":"EdDSA","use":"sig","kid":"k1"}"#
    /// );
    /// # Ok::<(), jwt_claims::Error>(())
    /// ```
    pub fn to_jwk(&self) -> String {
        super::jwk::to_public_jwk(self.algorithm, &self.raw, self.kid())
    }

    /// The key's RFC 7638 JWK thumbprint: SHA-256 over its required
    /// members, base64url. A stable `kid` for a key that has none.
    ///
    /// ```
    /// use jwt_claims::{Algorithm, PublicKey};
    ///
    /// // RFC 8037 Appendix A.3.
    /// let jwk = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    /// let key = PublicKey::from_jwk(Algorithm::EdDSA, jwk)?;
    /// assert_eq!(key.thumbprint(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    /// # Ok::<(), jwt_claims::Error>(())
    /// ```
    pub fn thumbprint(&self) -> String {
        super::jwk::thumbprint(self.algorithm, &self.raw)
    }

    /// Sets the key id to the key's RFC 7638 thumbprint.
    pub fn with_thumbprint_kid(self) -> PublicKey {
        let kid = self.thumbprint();
        self.with_kid(kid)
    }

    /// The one algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key.verify(message, signature)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.meta.kid)
            .field("issuer", &self.meta.issuer)
            .finish_non_exhaustive()
    }
}

/// The error for an HMAC algorithm given to an asymmetric key type.
pub(super) fn hmac_algorithm(algorithm: Algorithm) -> Error {
    invalid(
        algorithm,
        "an HMAC algorithm needs an HmacKey, not an asymmetric key",
    )
}

/// What kind of key `algorithm` needs, for error messages.
pub(super) fn key_description(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::ES256 => "P-256",
        Algorithm::ES384 => "P-384",
        Algorithm::EdDSA => "Ed25519",
        _ => "RSA",
    }
}

/// The largest RSA public exponent accepted, in bits: aws-lc's limit, and
/// the `rsa` crate's (2^33 - 1).
const MAX_RSA_EXPONENT_BITS: usize = 33;

/// The one check of an RSA key's public parameters, run on every public and
/// private RSA key before a backend sees it, so that both backends accept
/// and refuse the same keys with the same error. `modulus` and `exponent`
/// are unsigned big-endian integers without leading zero octets.
///
/// The modulus is 2048 to 8192 bits and odd (a product of two odd primes);
/// the exponent is odd, at least 3 and at most 33 bits, so it is also below
/// the modulus. An exponent of 1 would make every signature equal the
/// padded digest itself: anyone could sign.
pub(super) fn check_rsa_public(
    algorithm: Algorithm,
    modulus: &[u8],
    exponent: &[u8],
) -> Result<(), Error> {
    check_rsa_bits(algorithm, der::bit_length(modulus))?;
    if modulus.last().is_none_or(|low| low & 1 == 0) {
        return Err(invalid(algorithm, "RSA modulus is even"));
    }
    let exponent_bits = der::bit_length(exponent);
    if exponent_bits > MAX_RSA_EXPONENT_BITS {
        return Err(invalid(
            algorithm,
            format!(
                "RSA public exponent is {exponent_bits} bits, \
                 at most {MAX_RSA_EXPONENT_BITS} are supported"
            ),
        ));
    }
    let value = exponent
        .iter()
        .fold(0u64, |value, &octet| value << 8 | u64::from(octet));
    if value % 2 == 0 {
        return Err(invalid(
            algorithm,
            format!("RSA public exponent {value} is even"),
        ));
    }
    if value < 3 {
        return Err(invalid(
            algorithm,
            format!("RSA public exponent is {value}, at least 3 is required"),
        ));
    }
    Ok(())
}

fn check_rsa_bits(algorithm: Algorithm, bits: usize) -> Result<(), Error> {
    if bits < MIN_RSA_BITS {
        return Err(Error::WeakKey {
            algorithm,
            reason: format!("RSA modulus is {bits} bits, at least {MIN_RSA_BITS} are required"),
        });
    }
    // The backends verify RSA signatures up to 8192 bits only; a larger key
    // would build and then fail every token.
    if bits > MAX_RSA_BITS {
        return Err(invalid(
            algorithm,
            format!("RSA modulus is {bits} bits, at most {MAX_RSA_BITS} are supported"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_compressed_ec_points_whose_halves_are_not_x_and_y() {
        // RFC 7515 A.3's P-256 key: x, and y's parity in the prefix.
        let x = crate::base64url::decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU").unwrap();
        let y = crate::base64url::decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0").unwrap();
        let compressed = [&[0x02 | (y[31] & 1)][..], &x].concat();
        assert_eq!(
            PublicKey::from_der(Algorithm::ES256, &compressed).map(drop),
            Err(invalid(
                Algorithm::ES256,
                "compressed EC points are not supported: give the uncompressed point"
            ))
        );
        let uncompressed = [&[0x04][..], &x, &y].concat();
        let key = PublicKey::from_der(Algorithm::ES256, &uncompressed).unwrap();
        assert!(
            key.to_jwk()
                .contains(r#""x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU""#)
        );
    }
}
