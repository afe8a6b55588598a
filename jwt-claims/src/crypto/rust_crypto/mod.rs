//! The RustCrypto backend: jsonwebtoken's pure-Rust provider.
//!
//! jsonwebtoken's verifiers and signers are not `Send`, so a key keeps the
//! provider's key type and asks the provider for a verifier per call; keys
//! are still validated once, at construction. This backend trades speed
//! for building without a C compiler.
//!
//! RSA public keys are the exception: they are parsed once into the `rsa`
//! crate's key, with a size limit of 8192 bits as on aws-lc-rs. The
//! provider builds its RSA key per call with the `rsa` crate's default
//! limit of 4096 bits, so an 8192-bit key would build and then verify
//! nothing, not even its own signatures.

use std::sync::Arc;

use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use jsonwebtoken::jwk::EllipticCurve;
use jsonwebtoken::{DecodingKey, EncodingKey};
use rsa::{BigUint, RsaPublicKey};

use crate::{Algorithm, ConfigError, Error, KeyFamily};

/// The backend's name, for diagnostics.
pub(crate) const BACKEND: &str = "rust-crypto";

fn provider_algorithm(algorithm: Algorithm) -> jsonwebtoken::Algorithm {
    use jsonwebtoken::Algorithm as J;
    match algorithm {
        Algorithm::HS256 => J::HS256,
        Algorithm::HS384 => J::HS384,
        Algorithm::HS512 => J::HS512,
        Algorithm::RS256 => J::RS256,
        Algorithm::RS384 => J::RS384,
        Algorithm::RS512 => J::RS512,
        Algorithm::PS256 => J::PS256,
        Algorithm::PS384 => J::PS384,
        Algorithm::PS512 => J::PS512,
        Algorithm::ES256 => J::ES256,
        Algorithm::ES384 => J::ES384,
        Algorithm::EdDSA => J::EdDSA,
    }
}

fn verify_with(algorithm: Algorithm, key: &DecodingKey, message: &[u8], signature: &[u8]) -> bool {
    match (DEFAULT_PROVIDER.verifier_factory)(&provider_algorithm(algorithm), key) {
        Ok(verifier) => verifier.verify(message, &signature.to_vec()).is_ok(),
        Err(_) => false,
    }
}

/// A keyed HMAC.
#[derive(Clone)]
pub(crate) struct Hmac {
    algorithm: Algorithm,
    signing: EncodingKey,
    verifying: DecodingKey,
}

impl Hmac {
    pub(crate) fn new(algorithm: Algorithm, secret: &[u8]) -> Hmac {
        Hmac {
            algorithm,
            signing: EncodingKey::from_secret(secret),
            verifying: DecodingKey::from_secret(secret),
        }
    }

    /// Constant-time comparison of the MAC (the `hmac` crate's `verify_slice`).
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        verify_with(self.algorithm, &self.verifying, message, tag)
    }

    pub(crate) fn sign_into(&self, message: &[u8], out: &mut Vec<u8>) {
        let signer =
            (DEFAULT_PROVIDER.signer_factory)(&provider_algorithm(self.algorithm), &self.signing)
                .expect("an HMAC signer accepts any secret");
        out.extend(signer.try_sign(message).expect("HMAC signing cannot fail"));
    }
}

/// A validated public key.
#[derive(Clone)]
pub(crate) struct Public {
    algorithm: Algorithm,
    key: PublicKind,
}

#[derive(Clone)]
enum PublicKind {
    /// Parsed once; see the module documentation.
    Rsa(Arc<RsaPublicKey>),
    /// EC and Ed25519 keys, which the provider checks for us.
    Provider(DecodingKey),
}

impl Public {
    /// Reads a raw public key: PKCS#1 DER (RSA), an uncompressed point
    /// (ECDSA) or Ed25519 bytes.
    pub(crate) fn parse(algorithm: Algorithm, raw: &[u8]) -> Option<Public> {
        let key = match algorithm.family() {
            KeyFamily::Rsa => {
                // The caller has checked the parameters (size, parity,
                // exponent) already, the same way for both backends; the
                // `rsa` crate checks them again, with the same limits.
                let (n, e) = crate::key::der::rsa_public_integers(raw)?;
                let key = RsaPublicKey::new_with_max_size(
                    BigUint::from_bytes_be(n),
                    BigUint::from_bytes_be(e),
                    crate::key::MAX_RSA_BITS,
                )
                .ok()?;
                return Some(Public {
                    algorithm,
                    key: PublicKind::Rsa(Arc::new(key)),
                });
            }
            KeyFamily::Ec => {
                let len = if algorithm == Algorithm::ES384 {
                    97
                } else {
                    65
                };
                if raw.len() != len || raw[0] != 0x04 {
                    return None;
                }
                DecodingKey::from_ec_der(raw)
            }
            KeyFamily::Okp if raw.len() == 32 => DecodingKey::from_ed_der(raw),
            _ => return None,
        };
        // Building a verifier parses the EC and Ed25519 key: a point off
        // the curve is refused here rather than at the first token. (RSA
        // integers were read by the caller.)
        (DEFAULT_PROVIDER.verifier_factory)(&provider_algorithm(algorithm), &key).ok()?;
        Some(Public {
            algorithm,
            key: PublicKind::Provider(key),
        })
    }

    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.key {
            PublicKind::Rsa(key) => verify_rsa(self.algorithm, key, message, signature),
            PublicKind::Provider(key) => verify_with(self.algorithm, key, message, signature),
        }
    }
}

/// RSASSA-PKCS1-v1_5 or RSASSA-PSS (salt as long as the hash, RFC 7518
/// §3.5) over the message's digest.
fn verify_rsa(algorithm: Algorithm, key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
    use rsa::sha2::{Digest, Sha256, Sha384, Sha512};
    use rsa::{Pkcs1v15Sign, Pss};
    let verified = match algorithm {
        Algorithm::RS256 => key.verify(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(message),
            signature,
        ),
        Algorithm::RS384 => key.verify(
            Pkcs1v15Sign::new::<Sha384>(),
            &Sha384::digest(message),
            signature,
        ),
        Algorithm::RS512 => key.verify(
            Pkcs1v15Sign::new::<Sha512>(),
            &Sha512::digest(message),
            signature,
        ),
        Algorithm::PS256 => key.verify(Pss::new::<Sha256>(), &Sha256::digest(message), signature),
        Algorithm::PS384 => key.verify(Pss::new::<Sha384>(), &Sha384::digest(message), signature),
        Algorithm::PS512 => key.verify(Pss::new::<Sha512>(), &Sha512::digest(message), signature),
        _ => return false,
    };
    verified.is_ok()
}

/// A validated private key and its public half.
pub(crate) struct Private {
    key: EncodingKey,
    public: Vec<u8>,
    /// RSA keys are held as PKCS#1, the others as PKCS#8.
    rsa: bool,
}

/// Why a private key was refused.
pub(crate) enum Rejected {
    Malformed,
    /// Never produced here: the caller checks the size first.
    #[allow(dead_code)]
    RsaTooSmall,
}

impl Private {
    /// PKCS#8 for every family.
    pub(crate) fn from_pkcs8(algorithm: Algorithm, der: &[u8]) -> Result<Private, Rejected> {
        let (oid, curve) = crate::key::der::key_oids(algorithm).ok_or(Rejected::Malformed)?;
        let (found, params, inner) = crate::key::der::pkcs8(der).ok_or(Rejected::Malformed)?;
        if found != oid || (algorithm.family() == KeyFamily::Ec && params != curve) {
            return Err(Rejected::Malformed);
        }
        let utils = &DEFAULT_PROVIDER.key_utils;
        match algorithm.family() {
            KeyFamily::Rsa => Private::from_rsa_pkcs1(algorithm, inner),
            KeyFamily::Ec => {
                let (_, x, y) =
                    (utils.ec_pub_components_from_private_key)(der, provider_algorithm(algorithm))
                        .map_err(|_| Rejected::Malformed)?;
                let public = [&[0x04][..], &x, &y].concat();
                Ok(Private {
                    key: EncodingKey::from_ec_der(der),
                    public,
                    rsa: false,
                })
            }
            _ => {
                let public =
                    (utils.ed_pub_components_from_private_key)(der, &EllipticCurve::Ed25519)
                        .map_err(|_| Rejected::Malformed)?;
                Ok(Private {
                    key: EncodingKey::from_ed_der(der),
                    public,
                    rsa: false,
                })
            }
        }
    }

    /// PKCS#1 RSAPrivateKey for RSA.
    pub(crate) fn from_rsa_pkcs1(_: Algorithm, der: &[u8]) -> Result<Private, Rejected> {
        let (n, e) = (DEFAULT_PROVIDER
            .key_utils
            .rsa_pub_components_from_private_key)(der)
        .map_err(|_| Rejected::Malformed)?;
        Ok(Private {
            key: EncodingKey::from_rsa_der(der),
            public: crate::key::der::integer_sequence(&[&n, &e]),
            rsa: true,
        })
    }

    /// SEC 1 ECPrivateKey for ECDSA.
    pub(crate) fn from_sec1(algorithm: Algorithm, der: &[u8]) -> Result<Private, Rejected> {
        let (_, curve) = crate::key::der::key_oids(algorithm).ok_or(Rejected::Malformed)?;
        Private::from_pkcs8(
            algorithm,
            &crate::key::der::pkcs8_from_sec1(curve.ok_or(Rejected::Malformed)?, der),
        )
    }

    /// ECDSA from the raw scalar and the uncompressed public point, which
    /// must match.
    pub(crate) fn from_ec_parts(
        algorithm: Algorithm,
        scalar: &[u8],
        point: &[u8],
    ) -> Result<Private, Rejected> {
        let (_, curve) = crate::key::der::key_oids(algorithm).ok_or(Rejected::Malformed)?;
        let der =
            crate::key::der::pkcs8_from_ec_parts(curve.ok_or(Rejected::Malformed)?, scalar, point);
        let key = Private::from_pkcs8(algorithm, &der)?;
        if key.public != point {
            return Err(Rejected::Malformed);
        }
        Ok(key)
    }

    /// Ed25519 from the seed and the public key, which must match.
    pub(crate) fn from_ed25519_parts(seed: &[u8], public: &[u8]) -> Result<Private, Rejected> {
        let key = Private::from_pkcs8(
            Algorithm::EdDSA,
            &crate::key::der::pkcs8_from_ed25519_seed(seed),
        )?;
        if key.public != public {
            return Err(Rejected::Malformed);
        }
        Ok(key)
    }

    /// A fresh key pair from the system's secure random source. The
    /// RustCrypto provider cannot generate RSA keys.
    pub(crate) fn generate(algorithm: Algorithm) -> Result<Private, Error> {
        let failed = |why: &str| {
            Error::from(ConfigError::KeyGenerationFailed {
                algorithm,
                reason: why.into(),
            })
        };
        let mut secret = zeroize::Zeroizing::new(vec![
            0u8;
            if algorithm == Algorithm::ES384 {
                48
            } else {
                32
            }
        ]);
        // A random scalar is outside the EC group order with negligible
        // probability; a few tries make failure practically impossible.
        for _ in 0..8 {
            fill_random(&mut secret)?;
            let key = match algorithm.family() {
                KeyFamily::Okp => Private::from_pkcs8(
                    algorithm,
                    &crate::key::der::pkcs8_from_ed25519_seed(&secret),
                ),
                KeyFamily::Ec => {
                    let (_, curve) =
                        crate::key::der::key_oids(algorithm).ok_or_else(|| failed("no curve"))?;
                    let sec1 = crate::key::der::ec_private_key(&secret);
                    Private::from_pkcs8(
                        algorithm,
                        &crate::key::der::pkcs8_from_sec1(
                            curve.ok_or_else(|| failed("no curve"))?,
                            &sec1,
                        ),
                    )
                }
                _ => return Err(failed("use the aws_lc_rs backend to generate RSA keys")),
            };
            if let Ok(key) = key {
                return Ok(key);
            }
        }
        Err(failed("no valid key after 8 tries"))
    }

    /// The public key: PKCS#1 for RSA, the uncompressed point for ECDSA,
    /// raw bytes for Ed25519.
    pub(crate) fn public_bytes(&self) -> Vec<u8> {
        self.public.clone()
    }

    /// The key as PKCS#8, for the loudly named export in `dangerous`. RSA
    /// keys are held as PKCS#1 and wrapped here.
    pub(crate) fn to_pkcs8(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
        let der = self.key.as_bytes();
        Ok(zeroize::Zeroizing::new(if self.rsa {
            crate::key::der::pkcs8_from_rsa_pkcs1(der)
        } else {
            der.to_vec()
        }))
    }

    pub(crate) fn sign_into(
        &self,
        algorithm: Algorithm,
        message: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let signer = (DEFAULT_PROVIDER.signer_factory)(&provider_algorithm(algorithm), &self.key)
            .map_err(|_| Error::SigningFailed)?;
        out.extend(signer.try_sign(message).map_err(|_| Error::SigningFailed)?);
        Ok(())
    }
}

/// Fills `buf` from the operating system's secure random source.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::getrandom(buf).map_err(|_| Error::SigningFailed)
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    (DEFAULT_PROVIDER.key_utils.compute_digest)(data, jsonwebtoken::jwk::ThumbprintHash::SHA256)
        .expect("the RustCrypto provider computes SHA-256 of any input")
}
