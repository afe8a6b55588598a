//! Asymmetric private keys (RS*, PS*, ES*, EdDSA) for signing.

use core::fmt;
use std::sync::Arc;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair, RsaEncoding, RsaKeyPair};

use super::pem::{self, PemKind};
use super::public::{check_rsa_bits, key_description};
use super::{PublicKey, invalid};
use crate::{Algorithm, Error, KeyFamily};

/// A private key bound to one asymmetric algorithm, parsed once.
///
/// Cloning is cheap (the parsed key is shared). The key material never
/// appears in `Debug` output.
///
/// ```
/// use jwt_claims::{Algorithm, PrivateKey};
///
/// // RFC 8037 Appendix A.1's Ed25519 key, as a JWK.
/// let jwk = r#"{"kty":"OKP","crv":"Ed25519",
///   "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
///   "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
/// let key = PrivateKey::from_jwk(Algorithm::EdDSA, jwk)?;
/// assert_eq!(key.public_key().algorithm(), Algorithm::EdDSA);
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone)]
pub struct PrivateKey {
    algorithm: Algorithm,
    kid: Option<String>,
    pair: Arc<Pair>,
}

enum Pair {
    Rsa(RsaKeyPair, &'static dyn RsaEncoding),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

impl PrivateKey {
    /// Parses a PEM private key: `PRIVATE KEY` (PKCS#8) for every
    /// algorithm, `RSA PRIVATE KEY` (PKCS#1) for RSA, `EC PRIVATE KEY`
    /// (SEC 1) for ECDSA.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the PEM is malformed, holds a public key,
    /// or a key of another type or curve; [`Error::WeakKey`] for an RSA
    /// modulus under 2048 bits.
    pub fn from_pem(algorithm: Algorithm, pem: &[u8]) -> Result<PrivateKey, Error> {
        let (kind, der) = pem::decode(algorithm, pem)?;
        match (kind, algorithm.family()) {
            (PemKind::Pkcs8, _) => PrivateKey::from_pkcs8(algorithm, &der),
            (PemKind::RsaPrivateKey, KeyFamily::Rsa) | (PemKind::EcPrivateKey, KeyFamily::Ec) => {
                PrivateKey::from_der(algorithm, &der)
            }
            (PemKind::SubjectPublicKeyInfo | PemKind::RsaPublicKey, _) => {
                Err(invalid(algorithm, "this is a public key: signing needs the private key"))
            }
            _ => Err(invalid(algorithm, format!("not a {} private key", key_description(algorithm)))),
        }
    }

    /// Parses a DER private key: PKCS#8 for every algorithm, PKCS#1 for RSA
    /// and SEC 1 for ECDSA.
    ///
    /// # Errors
    /// As [`PrivateKey::from_pem`].
    pub fn from_der(algorithm: Algorithm, der: &[u8]) -> Result<PrivateKey, Error> {
        if let Ok(key) = PrivateKey::from_pkcs8(algorithm, der) {
            return Ok(key);
        }
        let pair = match algorithm.family() {
            KeyFamily::Rsa => Pair::Rsa(RsaKeyPair::from_der(der).map_err(|e| rejected(algorithm, e))?, rsa_encoding(algorithm)),
            KeyFamily::Ec => Pair::Ec(
                EcdsaKeyPair::from_private_key_der(ecdsa_signing(algorithm), der).map_err(|e| rejected(algorithm, e))?,
            ),
            KeyFamily::Okp => Pair::Ed(Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|e| rejected(algorithm, e))?),
            KeyFamily::Hmac => return Err(hmac_algorithm(algorithm)),
        };
        PrivateKey::new(algorithm, pair)
    }

    fn from_pkcs8(algorithm: Algorithm, der: &[u8]) -> Result<PrivateKey, Error> {
        let pair = match algorithm.family() {
            KeyFamily::Rsa => Pair::Rsa(RsaKeyPair::from_pkcs8(der).map_err(|e| rejected(algorithm, e))?, rsa_encoding(algorithm)),
            KeyFamily::Ec => {
                Pair::Ec(EcdsaKeyPair::from_pkcs8(ecdsa_signing(algorithm), der).map_err(|e| rejected(algorithm, e))?)
            }
            // Accepts PKCS#8 v1 (no embedded public key), which OpenSSL writes.
            KeyFamily::Okp => Pair::Ed(Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|e| rejected(algorithm, e))?),
            KeyFamily::Hmac => return Err(hmac_algorithm(algorithm)),
        };
        PrivateKey::new(algorithm, pair)
    }

    /// Parses a private JWK (RFC 7517, RFC 7518 §6). Its `kid` becomes the
    /// key's id; `alg`, `use` and `key_ops`, when present, must allow
    /// signing with `algorithm`.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for a malformed, public-only or mismatched JWK,
    /// [`Error::WeakKey`] for an RSA modulus under 2048 bits.
    pub fn from_jwk(algorithm: Algorithm, jwk: &str) -> Result<PrivateKey, Error> {
        super::jwk::private_key(algorithm, jwk)
    }

    /// RSA from PKCS#1 DER built out of JWK members.
    pub(super) fn from_rsa_pkcs1(algorithm: Algorithm, der: &[u8]) -> Result<PrivateKey, Error> {
        let pair = RsaKeyPair::from_der(der).map_err(|e| rejected(algorithm, e))?;
        PrivateKey::new(algorithm, Pair::Rsa(pair, rsa_encoding(algorithm)))
    }

    /// ECDSA from the raw scalar and uncompressed public point.
    pub(super) fn from_ec_parts(algorithm: Algorithm, scalar: &[u8], point: &[u8]) -> Result<PrivateKey, Error> {
        let pair = EcdsaKeyPair::from_private_key_and_public_key(ecdsa_signing(algorithm), scalar, point)
            .map_err(|e| rejected(algorithm, e))?;
        PrivateKey::new(algorithm, Pair::Ec(pair))
    }

    /// Ed25519 from the seed and public key.
    pub(super) fn from_ed25519_parts(seed: &[u8], public: &[u8]) -> Result<PrivateKey, Error> {
        let pair = Ed25519KeyPair::from_seed_and_public_key(seed, public).map_err(|e| rejected(Algorithm::EdDSA, e))?;
        PrivateKey::new(Algorithm::EdDSA, Pair::Ed(pair))
    }

    fn new(algorithm: Algorithm, pair: Pair) -> Result<PrivateKey, Error> {
        if let Pair::Rsa(rsa, _) = &pair {
            check_rsa_bits(algorithm, rsa.public_modulus_len() * 8)?;
        }
        Ok(PrivateKey { algorithm, kid: None, pair: Arc::new(pair) })
    }

    /// Sets the key id written to the `kid` header.
    pub fn with_kid(mut self, kid: impl Into<String>) -> PrivateKey {
        self.kid = Some(kid.into());
        self
    }

    /// The one algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The key id, if one was set.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The matching public key, with the same algorithm and `kid`.
    pub fn public_key(&self) -> PublicKey {
        let bytes: &[u8] = match &*self.pair {
            Pair::Rsa(pair, _) => pair.public_key().as_ref(),
            Pair::Ec(pair) => pair.public_key().as_ref(),
            Pair::Ed(pair) => pair.public_key().as_ref(),
        };
        let public = PublicKey::from_raw(self.algorithm, bytes)
            .expect("a key pair's own public key always parses for its algorithm");
        match &self.kid {
            Some(kid) => public.with_kid(kid.clone()),
            None => public,
        }
    }

    pub(crate) fn sign_into(&self, message: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        match &*self.pair {
            Pair::Rsa(pair, encoding) => {
                let start = out.len();
                out.resize(start + pair.public_modulus_len(), 0);
                pair.sign(*encoding, &SystemRandom::new(), message, &mut out[start..])
                    .map_err(|_| Error::SigningFailed)
            }
            Pair::Ec(pair) => {
                let signature = pair.sign(&SystemRandom::new(), message).map_err(|_| Error::SigningFailed)?;
                out.extend_from_slice(signature.as_ref());
                Ok(())
            }
            Pair::Ed(pair) => {
                out.extend_from_slice(pair.sign(message).as_ref());
                Ok(())
            }
        }
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("key", &"[redacted]")
            .finish()
    }
}

fn rsa_encoding(algorithm: Algorithm) -> &'static dyn RsaEncoding {
    match algorithm {
        Algorithm::RS384 => &sig::RSA_PKCS1_SHA384,
        Algorithm::RS512 => &sig::RSA_PKCS1_SHA512,
        Algorithm::PS256 => &sig::RSA_PSS_SHA256,
        Algorithm::PS384 => &sig::RSA_PSS_SHA384,
        Algorithm::PS512 => &sig::RSA_PSS_SHA512,
        _ => &sig::RSA_PKCS1_SHA256,
    }
}

fn ecdsa_signing(algorithm: Algorithm) -> &'static EcdsaSigningAlgorithm {
    match algorithm {
        Algorithm::ES384 => &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        _ => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
    }
}

fn hmac_algorithm(algorithm: Algorithm) -> Error {
    invalid(algorithm, "an HMAC algorithm needs an HmacKey, not an asymmetric key")
}

/// Maps aws-lc's rejection to our error; a too-small RSA key is weak, not
/// malformed.
fn rejected(algorithm: Algorithm, err: aws_lc_rs::error::KeyRejected) -> Error {
    match err.description_() {
        "TooSmall" => Error::WeakKey {
            algorithm,
            reason: format!("RSA modulus is under {} bits", super::public::MIN_RSA_BITS),
        },
        _ => invalid(algorithm, format!("not a valid {} private key", key_description(algorithm))),
    }
}
