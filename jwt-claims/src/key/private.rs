//! Asymmetric private keys (RS*, PS*, ES*, EdDSA) for signing.

use core::fmt;
use std::sync::Arc;

use super::pem::{self, PemKind};
use super::public::{MIN_RSA_BITS, check_rsa_public, hmac_algorithm, key_description};
use super::{PublicKey, invalid};
use crate::crypto::{Private, Rejected};
use crate::key::der;
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
    key: Arc<Private>,
    /// The public half, checked as every public key is when the key is
    /// built (without a `kid`: [`PrivateKey::public_key`] adds it).
    public: PublicKey,
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
        if algorithm.is_hmac() {
            return Err(hmac_algorithm(algorithm));
        }
        let (kind, der) = pem::decode(algorithm, pem)?;
        if matches!(kind, PemKind::Pkcs8 | PemKind::RsaPrivateKey) {
            check_rsa_private(algorithm, &der)?;
        }
        let key = match (kind, algorithm.family()) {
            (PemKind::Pkcs8, _) => Private::from_pkcs8(algorithm, &der),
            (PemKind::RsaPrivateKey, KeyFamily::Rsa) => Private::from_rsa_pkcs1(algorithm, &der),
            (PemKind::EcPrivateKey, KeyFamily::Ec) => Private::from_sec1(algorithm, &der),
            (PemKind::SubjectPublicKeyInfo | PemKind::RsaPublicKey, _) => {
                return Err(invalid(
                    algorithm,
                    "this is a public key: signing needs the private key",
                ));
            }
            _ => Err(Rejected::Malformed),
        };
        PrivateKey::new(algorithm, key)
    }

    /// Parses a DER private key: PKCS#8 for every algorithm, PKCS#1 for RSA
    /// and SEC 1 for ECDSA.
    ///
    /// # Errors
    /// As [`PrivateKey::from_pem`].
    pub fn from_der(algorithm: Algorithm, der: &[u8]) -> Result<PrivateKey, Error> {
        if algorithm.is_hmac() {
            return Err(hmac_algorithm(algorithm));
        }
        check_rsa_private(algorithm, der)?;
        let key = match (Private::from_pkcs8(algorithm, der), algorithm.family()) {
            (Err(Rejected::Malformed), KeyFamily::Rsa) => Private::from_rsa_pkcs1(algorithm, der),
            (Err(Rejected::Malformed), KeyFamily::Ec) => Private::from_sec1(algorithm, der),
            (pkcs8, _) => pkcs8,
        };
        PrivateKey::new(algorithm, key)
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

    /// Generates a fresh key for `algorithm` from the system's secure random
    /// source, for tests, examples and tools. RSA keys are 2048 bits.
    ///
    /// ```
    /// use jwt_claims::{Algorithm, PrivateKey};
    ///
    /// let key = PrivateKey::generate(Algorithm::ES256)?.with_kid("fresh");
    /// assert_eq!(key.public_key().kid(), Some("fresh"));
    /// # Ok::<(), jwt_claims::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for an HMAC algorithm (use
    /// [`HmacKey::generate`](crate::HmacKey::generate)),
    /// [`Error::Configuration`] when the backend cannot generate the key
    /// (the RustCrypto backend has no RSA generation).
    pub fn generate(algorithm: Algorithm) -> Result<PrivateKey, Error> {
        if algorithm.is_hmac() {
            return Err(hmac_algorithm(algorithm));
        }
        PrivateKey::new(algorithm, Ok(Private::generate(algorithm)?))
    }

    /// RSA from PKCS#1 DER built out of JWK members.
    pub(super) fn from_rsa_pkcs1(algorithm: Algorithm, der: &[u8]) -> Result<PrivateKey, Error> {
        check_rsa_private(algorithm, der)?;
        PrivateKey::new(algorithm, Private::from_rsa_pkcs1(algorithm, der))
    }

    /// ECDSA from the raw scalar and uncompressed public point.
    pub(super) fn from_ec_parts(
        algorithm: Algorithm,
        scalar: &[u8],
        point: &[u8],
    ) -> Result<PrivateKey, Error> {
        PrivateKey::new(algorithm, Private::from_ec_parts(algorithm, scalar, point))
    }

    /// Ed25519 from the seed and public key.
    pub(super) fn from_ed25519_parts(seed: &[u8], public: &[u8]) -> Result<PrivateKey, Error> {
        PrivateKey::new(Algorithm::EdDSA, Private::from_ed25519_parts(seed, public))
    }

    fn new(algorithm: Algorithm, key: Result<Private, Rejected>) -> Result<PrivateKey, Error> {
        let key = key.map_err(|rejected| match rejected {
            Rejected::RsaTooSmall => Error::WeakKey {
                algorithm,
                reason: format!("RSA modulus is under {MIN_RSA_BITS} bits"),
            },
            Rejected::Malformed => invalid(
                algorithm,
                format!("not a valid {} private key", key_description(algorithm)),
            ),
        })?;
        // The public half passes the checks every public key does (RSA
        // parameters, Ed25519 point), whatever the backend accepted, so
        // `public_key` cannot fail and both backends agree.
        let public = PublicKey::from_raw(algorithm, &key.public_bytes())?;
        Ok(PrivateKey {
            algorithm,
            kid: None,
            key: Arc::new(key),
            public,
        })
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
        let public = self.public.clone();
        match &self.kid {
            Some(kid) => public.with_kid(kid.clone()),
            None => public,
        }
    }

    /// The key as PKCS#8 DER; only `dangerous` exports it.
    pub(crate) fn to_pkcs8(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
        self.key.to_pkcs8()
    }

    /// The key as a private JWK; only `dangerous` exports it.
    pub(crate) fn to_private_jwk(&self) -> Result<zeroize::Zeroizing<String>, Error> {
        let pkcs8 = self.to_pkcs8()?;
        super::jwk::to_private_jwk(self.algorithm, &pkcs8, &self.key.public_bytes(), self.kid())
    }

    pub(crate) fn sign_into(&self, message: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.key.sign_into(self.algorithm, message, out)
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

/// Checks the public parameters of an RSA private key, PKCS#8 or PKCS#1
/// DER, before the backend reads it: aws-lc refuses some keys itself with
/// a vaguer error than the RustCrypto backend, so the shared check
/// ([`check_rsa_public`]) runs first and both give the same one. Anything
/// this reader cannot read is left to the backend, and the public half is
/// checked again once the backend has read the key.
fn check_rsa_private(algorithm: Algorithm, der: &[u8]) -> Result<(), Error> {
    if algorithm.family() != KeyFamily::Rsa {
        return Ok(());
    }
    let pkcs1 = match der::pkcs8(der) {
        Some((oid, _, inner)) if oid == der::RSA_ENCRYPTION => inner,
        Some(_) => return Ok(()),
        None => der,
    };
    match der::integers(pkcs1).as_deref() {
        Some([_version, modulus, exponent, ..]) => check_rsa_public(algorithm, modulus, exponent),
        _ => Ok(()),
    }
}
