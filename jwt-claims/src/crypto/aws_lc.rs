//! The aws-lc-rs backend: parsed keys held for the key's lifetime.

use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair, ParsedPublicKey,
    RsaEncoding, RsaKeyPair, VerificationAlgorithm,
};

use crate::{Algorithm, ConfigError, Error, KeyFamily};

/// The backend's name, for diagnostics.
pub(crate) const BACKEND: &str = "aws-lc-rs";

/// A keyed HMAC.
#[derive(Clone)]
pub(crate) struct Hmac(hmac::Key);

impl Hmac {
    pub(crate) fn new(algorithm: Algorithm, secret: &[u8]) -> Hmac {
        let hash = match algorithm {
            Algorithm::HS384 => hmac::HMAC_SHA384,
            Algorithm::HS512 => hmac::HMAC_SHA512,
            _ => hmac::HMAC_SHA256,
        };
        Hmac(hmac::Key::new(hash, secret))
    }

    /// Constant-time comparison of the MAC.
    pub(crate) fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        hmac::verify(&self.0, message, tag).is_ok()
    }

    pub(crate) fn sign_into(&self, message: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(hmac::sign(&self.0, message).as_ref());
    }
}

/// A parsed public key.
#[derive(Clone)]
pub(crate) struct Public(ParsedPublicKey);

impl Public {
    /// Parses a raw public key: PKCS#1 DER (RSA), an uncompressed point
    /// (ECDSA) or Ed25519 bytes. `None` when it is not one for `algorithm`.
    pub(crate) fn parse(algorithm: Algorithm, bytes: &[u8]) -> Option<Public> {
        ParsedPublicKey::new(verification_algorithm(algorithm)?, bytes)
            .ok()
            .map(Public)
    }

    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.0.verify_sig(message, signature).is_ok()
    }
}

fn verification_algorithm(algorithm: Algorithm) -> Option<&'static dyn VerificationAlgorithm> {
    Some(match algorithm {
        Algorithm::RS256 => &sig::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::PS256 => &sig::RSA_PSS_2048_8192_SHA256,
        Algorithm::PS384 => &sig::RSA_PSS_2048_8192_SHA384,
        Algorithm::PS512 => &sig::RSA_PSS_2048_8192_SHA512,
        Algorithm::ES256 => &sig::ECDSA_P256_SHA256_FIXED,
        Algorithm::ES384 => &sig::ECDSA_P384_SHA384_FIXED,
        Algorithm::EdDSA => &sig::ED25519,
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => return None,
    })
}

/// A parsed private key.
pub(crate) enum Private {
    Rsa(RsaKeyPair, &'static dyn RsaEncoding),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

/// Why a private key was refused.
pub(crate) enum Rejected {
    Malformed,
    RsaTooSmall,
}

impl From<aws_lc_rs::error::KeyRejected> for Rejected {
    fn from(err: aws_lc_rs::error::KeyRejected) -> Self {
        match err.description_() {
            "TooSmall" => Rejected::RsaTooSmall,
            _ => Rejected::Malformed,
        }
    }
}

impl Private {
    /// PKCS#8 for every family.
    pub(crate) fn from_pkcs8(algorithm: Algorithm, der: &[u8]) -> Result<Private, Rejected> {
        Ok(match algorithm.family() {
            KeyFamily::Rsa => Private::Rsa(RsaKeyPair::from_pkcs8(der)?, rsa_encoding(algorithm)),
            KeyFamily::Ec => Private::Ec(EcdsaKeyPair::from_pkcs8(ecdsa_signing(algorithm), der)?),
            // Accepts PKCS#8 v1 (no embedded public key), which OpenSSL writes.
            KeyFamily::Okp => Private::Ed(Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)?),
            KeyFamily::Hmac => return Err(Rejected::Malformed),
        })
    }

    /// PKCS#1 RSAPrivateKey for RSA.
    pub(crate) fn from_rsa_pkcs1(algorithm: Algorithm, der: &[u8]) -> Result<Private, Rejected> {
        Ok(Private::Rsa(
            RsaKeyPair::from_der(der)?,
            rsa_encoding(algorithm),
        ))
    }

    /// SEC 1 ECPrivateKey for ECDSA.
    pub(crate) fn from_sec1(algorithm: Algorithm, der: &[u8]) -> Result<Private, Rejected> {
        Ok(Private::Ec(EcdsaKeyPair::from_private_key_der(
            ecdsa_signing(algorithm),
            der,
        )?))
    }

    /// ECDSA from the raw scalar and the uncompressed public point, which
    /// must match.
    pub(crate) fn from_ec_parts(
        algorithm: Algorithm,
        scalar: &[u8],
        point: &[u8],
    ) -> Result<Private, Rejected> {
        Ok(Private::Ec(EcdsaKeyPair::from_private_key_and_public_key(
            ecdsa_signing(algorithm),
            scalar,
            point,
        )?))
    }

    /// Ed25519 from the seed and the public key, which must match.
    pub(crate) fn from_ed25519_parts(seed: &[u8], public: &[u8]) -> Result<Private, Rejected> {
        Ok(Private::Ed(Ed25519KeyPair::from_seed_and_public_key(
            seed, public,
        )?))
    }

    /// A fresh key pair from the system's secure random source. RSA keys
    /// are 2048 bits, the size RFC 7518 §3.3 requires at least.
    pub(crate) fn generate(algorithm: Algorithm) -> Result<Private, Error> {
        let failed = || {
            Error::from(ConfigError::KeyGenerationFailed {
                algorithm,
                reason: "the backend refused".into(),
            })
        };
        Ok(match algorithm.family() {
            KeyFamily::Rsa => Private::Rsa(
                RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).map_err(|_| failed())?,
                rsa_encoding(algorithm),
            ),
            KeyFamily::Ec => {
                Private::Ec(EcdsaKeyPair::generate(ecdsa_signing(algorithm)).map_err(|_| failed())?)
            }
            KeyFamily::Okp => Private::Ed(Ed25519KeyPair::generate().map_err(|_| failed())?),
            KeyFamily::Hmac => return Err(failed()),
        })
    }

    /// The public key in a form [`Public::parse`] reads: PKCS#1 for RSA,
    /// the uncompressed point for ECDSA, raw bytes for Ed25519.
    pub(crate) fn public_bytes(&self) -> Vec<u8> {
        match self {
            Private::Rsa(pair, _) => pair.public_key().as_ref().to_vec(),
            Private::Ec(pair) => pair.public_key().as_ref().to_vec(),
            Private::Ed(pair) => pair.public_key().as_ref().to_vec(),
        }
    }

    /// The key as PKCS#8 (v1), for the loudly named export in `dangerous`.
    pub(crate) fn to_pkcs8(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
        use aws_lc_rs::encoding::AsDer;
        let failed = |_| Error::from(ConfigError::KeyExportFailed);
        let der = match self {
            Private::Rsa(pair, _) => {
                AsDer::<aws_lc_rs::encoding::Pkcs8V1Der<'static>>::as_der(pair)
                    .map(|der| der.as_ref().to_vec())
                    .map_err(failed)?
            }
            Private::Ec(pair) => pair
                .to_pkcs8v1()
                .map(|doc| doc.as_ref().to_vec())
                .map_err(failed)?,
            Private::Ed(pair) => pair
                .to_pkcs8v1()
                .map(|doc| doc.as_ref().to_vec())
                .map_err(failed)?,
        };
        Ok(zeroize::Zeroizing::new(der))
    }

    pub(crate) fn sign_into(
        &self,
        _: Algorithm,
        message: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        match self {
            Private::Rsa(pair, encoding) => {
                let start = out.len();
                out.resize(start + pair.public_modulus_len(), 0);
                pair.sign(*encoding, &SystemRandom::new(), message, &mut out[start..])
                    .map_err(|_| Error::SigningFailed)
            }
            Private::Ec(pair) => {
                let signature = pair
                    .sign(&SystemRandom::new(), message)
                    .map_err(|_| Error::SigningFailed)?;
                out.extend_from_slice(signature.as_ref());
                Ok(())
            }
            Private::Ed(pair) => {
                out.extend_from_slice(pair.sign(message).as_ref());
                Ok(())
            }
        }
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

/// Fills `buf` from the operating system's secure random source.
pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), Error> {
    aws_lc_rs::rand::fill(buf).map_err(|_| Error::SigningFailed)
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data)
        .as_ref()
        .to_vec()
}
