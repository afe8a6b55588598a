//! The RustCrypto backend: jsonwebtoken's pure-Rust provider.
//!
//! jsonwebtoken's verifiers and signers are not `Send`, so a key keeps the
//! provider's key type and asks the provider for a verifier per call; keys
//! are still validated once, at construction. This backend trades speed
//! for building without a C compiler.

mod asn1;

use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use jsonwebtoken::jwk::EllipticCurve;
use jsonwebtoken::{DecodingKey, EncodingKey};

use crate::{Algorithm, Error, KeyFamily};

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
    key: DecodingKey,
    rsa_bits: Option<usize>,
}

impl Public {
    /// Reads SubjectPublicKeyInfo DER, PKCS#1 DER (RSA), an uncompressed
    /// point (ECDSA) or raw Ed25519 bytes.
    pub(crate) fn parse(algorithm: Algorithm, bytes: &[u8]) -> Option<Public> {
        let (oid, curve) = key_oids(algorithm)?;
        let raw = match asn1::spki(bytes) {
            Some((found, params, key)) if found == oid && params == curve => key,
            Some(_) => return None,
            None => bytes,
        };
        let (key, rsa_bits) = match algorithm.family() {
            KeyFamily::Rsa => (
                DecodingKey::from_rsa_der(raw),
                Some(asn1::rsa_public_modulus_bits(raw)?),
            ),
            KeyFamily::Ec => {
                let len = if algorithm == Algorithm::ES384 {
                    97
                } else {
                    65
                };
                if raw.len() != len || raw[0] != 0x04 {
                    return None;
                }
                (DecodingKey::from_ec_der(raw), None)
            }
            KeyFamily::Okp if raw.len() == 32 => (DecodingKey::from_ed_der(raw), None),
            _ => return None,
        };
        // Building a verifier parses the EC and Ed25519 key: a point off
        // the curve is refused here rather than at the first token.
        (DEFAULT_PROVIDER.verifier_factory)(&provider_algorithm(algorithm), &key).ok()?;
        Some(Public {
            algorithm,
            key,
            rsa_bits,
        })
    }

    /// The RSA modulus size in bits.
    pub(crate) fn rsa_bits(&self) -> Option<usize> {
        self.rsa_bits
    }

    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        verify_with(self.algorithm, &self.key, message, signature)
    }
}

/// The SubjectPublicKeyInfo algorithm and curve OIDs of `algorithm`.
fn key_oids(algorithm: Algorithm) -> Option<(&'static [u8], Option<&'static [u8]>)> {
    Some(match algorithm.family() {
        KeyFamily::Rsa => (asn1::RSA_ENCRYPTION, None),
        KeyFamily::Ec if algorithm == Algorithm::ES384 => (asn1::EC_PUBLIC_KEY, Some(asn1::P384)),
        KeyFamily::Ec => (asn1::EC_PUBLIC_KEY, Some(asn1::P256)),
        KeyFamily::Okp => (asn1::ED25519, None),
        KeyFamily::Hmac => return None,
    })
}

/// A validated private key and its public half.
pub(crate) struct Private {
    key: EncodingKey,
    public: Vec<u8>,
    rsa_bits: Option<usize>,
}

/// Why a private key was refused.
pub(crate) enum Rejected {
    Malformed,
    /// Never produced here: the size is checked by the caller.
    #[allow(dead_code)]
    RsaTooSmall,
}

impl Private {
    /// PKCS#8 for every family.
    pub(crate) fn from_pkcs8(algorithm: Algorithm, der: &[u8]) -> Result<Private, Rejected> {
        let (oid, curve) = key_oids(algorithm).ok_or(Rejected::Malformed)?;
        let (found, params, inner) = asn1::pkcs8(der).ok_or(Rejected::Malformed)?;
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
                    rsa_bits: None,
                })
            }
            _ => {
                let public =
                    (utils.ed_pub_components_from_private_key)(der, &EllipticCurve::Ed25519)
                        .map_err(|_| Rejected::Malformed)?;
                Ok(Private {
                    key: EncodingKey::from_ed_der(der),
                    public,
                    rsa_bits: None,
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
            public: crate::der::integer_sequence(&[&n, &e]),
            rsa_bits: Some(asn1::bit_length(&n)),
        })
    }

    /// SEC 1 ECPrivateKey for ECDSA.
    pub(crate) fn from_sec1(algorithm: Algorithm, der: &[u8]) -> Result<Private, Rejected> {
        let (_, curve) = key_oids(algorithm).ok_or(Rejected::Malformed)?;
        Private::from_pkcs8(
            algorithm,
            &asn1::pkcs8_from_sec1(curve.ok_or(Rejected::Malformed)?, der),
        )
    }

    /// ECDSA from the raw scalar and the uncompressed public point, which
    /// must match.
    pub(crate) fn from_ec_parts(
        algorithm: Algorithm,
        scalar: &[u8],
        point: &[u8],
    ) -> Result<Private, Rejected> {
        let (_, curve) = key_oids(algorithm).ok_or(Rejected::Malformed)?;
        let der = asn1::pkcs8_from_ec_parts(curve.ok_or(Rejected::Malformed)?, scalar, point);
        let key = Private::from_pkcs8(algorithm, &der)?;
        if key.public != point {
            return Err(Rejected::Malformed);
        }
        Ok(key)
    }

    /// Ed25519 from the seed and the public key, which must match.
    pub(crate) fn from_ed25519_parts(seed: &[u8], public: &[u8]) -> Result<Private, Rejected> {
        let key = Private::from_pkcs8(Algorithm::EdDSA, &asn1::pkcs8_from_ed25519_seed(seed))?;
        if key.public != public {
            return Err(Rejected::Malformed);
        }
        Ok(key)
    }

    /// The public key: PKCS#1 for RSA, the uncompressed point for ECDSA,
    /// raw bytes for Ed25519.
    pub(crate) fn public_bytes(&self) -> Vec<u8> {
        self.public.clone()
    }

    /// The RSA modulus size in bits; `None` for other families.
    pub(crate) fn rsa_bits(&self) -> Option<usize> {
        self.rsa_bits
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
