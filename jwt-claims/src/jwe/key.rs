//! Encryption and decryption keys: their own types, bound to one key
//! management algorithm and parsed once. A signing key is never a
//! decryption key, nor the reverse: the types do not convert.

use core::fmt;
use std::path::Path;
use std::sync::Arc;

use aws_lc_rs::agreement;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    KeySize, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey,
    PublicEncryptingKey,
};
use serde_json::Value;
use zeroize::Zeroizing;

use super::KeyManagement;
use crate::Error;
use crate::base64url;
use crate::key::source::{read_env, read_file};
use crate::key::{Jwk, der};

/// The smallest RSA modulus accepted, in bits.
const MIN_RSA_BITS: usize = 2048;

/// id-X25519, 1.3.101.110.
const X25519_OID: &[u8] = &[0x2b, 0x65, 0x6e];

/// The curve of an ECDH-ES key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Curve {
    /// NIST P-256 (`"crv": "P-256"`).
    P256,
    /// NIST P-384 (`"crv": "P-384"`).
    P384,
    /// X25519 (`"crv": "X25519"`, RFC 8037).
    X25519,
}

impl Curve {
    /// The JWK `crv` name.
    pub const fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::X25519 => "X25519",
        }
    }

    pub(crate) fn agreement(self) -> &'static agreement::Algorithm {
        match self {
            Curve::P256 => &agreement::ECDH_P256,
            Curve::P384 => &agreement::ECDH_P384,
            Curve::X25519 => &agreement::X25519,
        }
    }

    /// The length of a coordinate (of `x` for X25519).
    pub(crate) const fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 | Curve::X25519 => 32,
            Curve::P384 => 48,
        }
    }

    fn from_name(name: &str) -> Option<Curve> {
        [Curve::P256, Curve::P384, Curve::X25519]
            .into_iter()
            .find(|curve| curve.name() == name)
    }

    fn kty(self) -> &'static str {
        match self {
            Curve::X25519 => "OKP",
            Curve::P256 | Curve::P384 => "EC",
        }
    }

    /// The public key as the bytes aws-lc-rs takes: `04 || x || y` for
    /// the NIST curves, `x` for X25519.
    pub(crate) fn point(self, x: &[u8], y: Option<&[u8]>) -> Option<Vec<u8>> {
        let len = self.coordinate_len();
        if x.len() != len {
            return None;
        }
        match (self, y) {
            (Curve::X25519, None) => Some(x.to_vec()),
            (Curve::P256 | Curve::P384, Some(y)) if y.len() == len => {
                let mut point = Vec::with_capacity(1 + 2 * len);
                point.push(0x04);
                point.extend_from_slice(x);
                point.extend_from_slice(y);
                Some(point)
            }
            _ => None,
        }
    }

    /// The public JWK members (`kty`, `crv`, `x`, `y`) of `point`.
    pub(crate) fn jwk_members(self, point: &[u8]) -> String {
        let len = self.coordinate_len();
        let (x, y) = match self {
            Curve::X25519 => (point, None),
            Curve::P256 | Curve::P384 => (&point[1..=len], Some(&point[1 + len..])),
        };
        let mut out = format!(r#""kty":"{}","crv":"{}","x":""#, self.kty(), self.name());
        base64url::encode_into(x, &mut out);
        out.push('"');
        if let Some(y) = y {
            out.push_str(r#","y":""#);
            base64url::encode_into(y, &mut out);
            out.push('"');
        }
        out
    }
}

/// A key that decrypts JWEs of one key management algorithm: a shared
/// secret (`dir`, `A128KW`, `A256KW`), an ECDH private key (P-256, P-384,
/// X25519) or an RSA private key (`RSA-OAEP`, `RSA-OAEP-256`).
///
/// Cloning is cheap (the parsed key is shared); the key material never
/// appears in `Debug` output.
///
/// ```
/// use jwt_claims::jwe::{DecryptionKey, KeyManagement};
///
/// let key = DecryptionKey::generate(KeyManagement::EcdhEsA256Kw)?.with_kid("billing-enc-1");
/// let public = key.encryption_key(); // for the services that encrypt to it
/// assert_eq!(public.algorithm(), KeyManagement::EcdhEsA256Kw);
/// assert_eq!(public.kid(), Some("billing-enc-1"));
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone)]
pub struct DecryptionKey {
    algorithm: KeyManagement,
    kid: Option<String>,
    secret: Arc<Secret>,
    /// What [`DecryptionKey::encryption_key`] hands out, built once.
    public: Arc<Recipient>,
}

pub(crate) enum Secret {
    Symmetric(Zeroizing<Vec<u8>>),
    Ecdh {
        curve: Curve,
        key: agreement::PrivateKey,
        point: Vec<u8>,
    },
    Rsa(OaepPrivateDecryptingKey),
}

/// A key that encrypts JWEs to one recipient, for one key management
/// algorithm: the shared secret, or the recipient's public key.
///
/// ```
/// use jwt_claims::jwe::{EncryptionKey, KeyManagement};
///
/// // The recipient's published P-256 key (RFC 7518 Appendix C's Bob).
/// let jwk = r#"{"kty":"EC","crv":"P-256",
///   "x":"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
///   "y":"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck"}"#;
/// let key = EncryptionKey::from_jwk(KeyManagement::EcdhEs, jwk)?;
/// assert_eq!(key.algorithm(), KeyManagement::EcdhEs);
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone)]
pub struct EncryptionKey {
    algorithm: KeyManagement,
    kid: Option<String>,
    recipient: Arc<Recipient>,
}

pub(crate) enum Recipient {
    Symmetric(Zeroizing<Vec<u8>>),
    Ecdh {
        curve: Curve,
        point: Vec<u8>,
    },
    Rsa {
        key: OaepPublicEncryptingKey,
        /// Its SubjectPublicKeyInfo, for the public JWK.
        spki: Vec<u8>,
    },
}

fn invalid(algorithm: KeyManagement, reason: impl Into<String>) -> Error {
    Error::InvalidEncryptionKey {
        algorithm: algorithm.name(),
        reason: reason.into(),
    }
}

fn weak(algorithm: KeyManagement, reason: impl Into<String>) -> Error {
    Error::WeakEncryptionKey {
        algorithm: algorithm.name(),
        reason: reason.into(),
    }
}

/// Which kind of key an algorithm takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Symmetric,
    Ecdh,
    Rsa,
}

fn family(algorithm: KeyManagement) -> Family {
    match algorithm {
        KeyManagement::Dir | KeyManagement::A128Kw | KeyManagement::A256Kw => Family::Symmetric,
        KeyManagement::EcdhEs | KeyManagement::EcdhEsA128Kw | KeyManagement::EcdhEsA256Kw => {
            Family::Ecdh
        }
        KeyManagement::RsaOaep | KeyManagement::RsaOaep256 => Family::Rsa,
    }
}

/// A shared secret's length is exact: 16 or 32 bytes for the AES key
/// wraps, a content encryption key's length (16, 32 or 64) for `dir`.
fn check_secret(algorithm: KeyManagement, secret: &[u8]) -> Result<(), Error> {
    let fits = match algorithm.wrap_key_len() {
        Some(len) => secret.len() == len,
        None => matches!(secret.len(), 16 | 32 | 64),
    };
    if fits {
        return Ok(());
    }
    let wanted = match algorithm.wrap_key_len() {
        Some(16) => "16 bytes",
        Some(_) => "32 bytes",
        None => {
            "16, 32 or 64 bytes (the content encryption key of A128GCM; A256GCM or A128CBC-HS256; A256CBC-HS512)"
        }
    };
    Err(weak(
        algorithm,
        format!(
            "the key is {} bytes; {algorithm} takes {wanted}",
            secret.len()
        ),
    ))
}

fn parse_jwk(algorithm: KeyManagement, json: &str) -> Result<Jwk, Error> {
    let crate::json::Unique(value) = serde_json::from_str(json).map_err(|err| {
        invalid(
            algorithm,
            format!("not a valid JWK: {}", crate::json::reason(&err)),
        )
    })?;
    let jwk: Jwk = serde_json::from_value(value).map_err(|err| {
        invalid(
            algorithm,
            format!("not a valid JWK: {}", crate::json::reason(&err)),
        )
    })?;
    // A `dir` key may name the content encryption it is the key of
    // (RFC 7520 §5.6's does: "alg": "A128GCM").
    let names_its_enc = algorithm == KeyManagement::Dir
        && jwk
            .alg
            .as_deref()
            .is_some_and(|alg| super::ContentEncryption::from_name(alg).is_ok());
    if let Some(alg) = &jwk.alg
        && alg != algorithm.name()
        && !names_its_enc
    {
        return Err(invalid(
            algorithm,
            format!("the JWK is for \"{}\"", crate::error::echo(alg)),
        ));
    }
    if let Some(use_) = &jwk.use_
        && use_ != "enc"
    {
        return Err(invalid(
            algorithm,
            format!(
                "the JWK's \"use\" is \"{}\", not \"enc\"",
                crate::error::echo(use_)
            ),
        ));
    }
    Ok(jwk)
}

fn member(
    algorithm: KeyManagement,
    name: &str,
    value: &Option<String>,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let value = value
        .as_deref()
        .ok_or_else(|| invalid(algorithm, format!("the JWK has no \"{name}\"")))?;
    base64url::decode(value)
        .map(Zeroizing::new)
        .ok_or_else(|| invalid(algorithm, format!("the JWK's \"{name}\" is not base64url")))
}

fn jwk_curve(algorithm: KeyManagement, jwk: &Jwk) -> Result<Curve, Error> {
    let curve = jwk
        .crv
        .as_deref()
        .and_then(Curve::from_name)
        .ok_or_else(|| invalid(algorithm, "the JWK's \"crv\" is not P-256, P-384 or X25519"))?;
    if jwk.kty != curve.kty() {
        return Err(invalid(
            algorithm,
            format!("a {} key has \"kty\": \"{}\"", curve.name(), curve.kty()),
        ));
    }
    Ok(curve)
}

fn jwk_point(algorithm: KeyManagement, curve: Curve, jwk: &Jwk) -> Result<Vec<u8>, Error> {
    let x = member(algorithm, "x", &jwk.x)?;
    let y = match curve {
        Curve::X25519 => None,
        _ => Some(member(algorithm, "y", &jwk.y)?),
    };
    let point = curve
        .point(&x, y.as_deref().map(|y| &y[..]))
        .ok_or_else(|| {
            invalid(
                algorithm,
                format!("the JWK's coordinates do not fit {}", curve.name()),
            )
        })?;
    check_point(algorithm, curve, &point)?;
    Ok(point)
}

/// A public point must be on its curve (and not of small order, for
/// X25519): checked once, when the key is built.
fn check_point(algorithm: KeyManagement, curve: Curve, point: &[u8]) -> Result<(), Error> {
    if curve == Curve::X25519 {
        return if super::management::is_small_order_x25519(point) {
            Err(invalid(
                algorithm,
                "the X25519 public key is of small order",
            ))
        } else {
            Ok(())
        };
    }
    let unparsed = agreement::UnparsedPublicKey::new(curve.agreement(), point);
    agreement::ParsedPublicKey::try_from(&unparsed)
        .map(|_| ())
        .map_err(|_| invalid(algorithm, format!("the point is not on {}", curve.name())))
}

fn rsa_public(algorithm: KeyManagement, spki: &[u8]) -> Result<Recipient, Error> {
    // aws-lc-rs refuses moduli outside 2048..=8192 bits; a smaller one is
    // told apart from a broken key by reading its modulus, as for a
    // private key.
    let key = PublicEncryptingKey::from_der(spki).map_err(|_| {
        match der::spki(spki)
            .and_then(|(_, _, pkcs1)| der::rsa_public_integers(pkcs1))
            .map(|(n, _)| der::bit_length(n))
        {
            Some(bits) if bits < MIN_RSA_BITS => weak(
                algorithm,
                format!("the RSA modulus is {bits} bits, under {MIN_RSA_BITS}"),
            ),
            _ => invalid(
                algorithm,
                "not an RSA public key aws-lc-rs accepts (2048 to 8192 bits)",
            ),
        }
    })?;
    if key.key_size_bits() < MIN_RSA_BITS {
        return Err(weak(
            algorithm,
            format!(
                "the RSA modulus is {} bits, under {MIN_RSA_BITS}",
                key.key_size_bits()
            ),
        ));
    }
    let key = OaepPublicEncryptingKey::new(key)
        .map_err(|_| invalid(algorithm, "not an RSA public key"))?;
    Ok(Recipient::Rsa {
        key,
        spki: spki.to_vec(),
    })
}

fn rsa_private(algorithm: KeyManagement, pkcs8: &[u8]) -> Result<(Secret, Recipient), Error> {
    // aws-lc-rs refuses moduli outside 2048..=8192 bits; a smaller one is
    // told apart from a broken key by reading its modulus.
    let key = PrivateDecryptingKey::from_pkcs8(pkcs8).map_err(|_| {
        match der::pkcs8(pkcs8)
            .and_then(|(_, _, pkcs1)| der::integers(pkcs1))
            .and_then(|integers| integers.get(1).map(|n| der::bit_length(n)))
        {
            Some(bits) if bits < MIN_RSA_BITS => weak(
                algorithm,
                format!("the RSA modulus is {bits} bits, under {MIN_RSA_BITS}"),
            ),
            _ => invalid(algorithm, "not an RSA private key aws-lc-rs accepts"),
        }
    })?;
    let public_der = key
        .public_key()
        .as_der()
        .map_err(|_| invalid(algorithm, "the RSA public key cannot be encoded"))?
        .as_ref()
        .to_vec();
    let public = rsa_public(algorithm, &public_der)?;
    let key = OaepPrivateDecryptingKey::new(key)
        .map_err(|_| invalid(algorithm, "not an RSA private key"))?;
    Ok((Secret::Rsa(key), public))
}

fn ecdh_private(algorithm: KeyManagement, curve: Curve, scalar: &[u8]) -> Result<Secret, Error> {
    let key = agreement::PrivateKey::from_private_key(curve.agreement(), scalar)
        .map_err(|_| invalid(algorithm, format!("not a {} private key", curve.name())))?;
    let point = key
        .compute_public_key()
        .map_err(|_| invalid(algorithm, "the public key cannot be computed"))?
        .as_ref()
        .to_vec();
    check_point(algorithm, curve, &point)?;
    Ok(Secret::Ecdh { curve, key, point })
}

fn expect_family(algorithm: KeyManagement, wanted: Family, what: &str) -> Result<(), Error> {
    if family(algorithm) == wanted {
        Ok(())
    } else {
        Err(invalid(
            algorithm,
            format!("{algorithm} does not take {what}"),
        ))
    }
}

impl DecryptionKey {
    /// A key of `secret`; `public` is its public half, given for RSA and
    /// derived for the others.
    fn new(
        algorithm: KeyManagement,
        secret: Secret,
        public: Option<Recipient>,
    ) -> Result<DecryptionKey, Error> {
        let public = match (public, &secret) {
            (Some(public), _) => public,
            (None, Secret::Symmetric(secret)) => Recipient::Symmetric(secret.clone()),
            (None, Secret::Ecdh { curve, point, .. }) => Recipient::Ecdh {
                curve: *curve,
                point: point.clone(),
            },
            (None, Secret::Rsa(_)) => {
                return Err(invalid(algorithm, "the RSA public key is missing"));
            }
        };
        Ok(DecryptionKey {
            algorithm,
            kid: None,
            secret: Arc::new(secret),
            public: Arc::new(public),
        })
    }

    /// A shared secret for `dir` (16, 32 or 64 bytes: the content
    /// encryption key itself), `A128KW` (16) or `A256KW` (32).
    ///
    /// # Errors
    /// [`Error::WeakEncryptionKey`] for a secret of another length;
    /// [`Error::InvalidEncryptionKey`] for an algorithm that takes no
    /// shared secret.
    pub fn from_secret(algorithm: KeyManagement, secret: &[u8]) -> Result<DecryptionKey, Error> {
        expect_family(algorithm, Family::Symmetric, "a shared secret")?;
        check_secret(algorithm, secret)?;
        DecryptionKey::new(
            algorithm,
            Secret::Symmetric(Zeroizing::new(secret.to_vec())),
            None,
        )
    }

    /// A private key from a JWK: `oct` (`k`) for the shared-secret
    /// algorithms, `EC` (P-256, P-384) or `OKP` (X25519) with `d` for
    /// ECDH-ES, `RSA` with every CRT member for RSA-OAEP. `alg` and `use`,
    /// when present, must say this algorithm and `enc`.
    ///
    /// # Errors
    /// [`Error::InvalidEncryptionKey`] for a JWK that does not fit;
    /// [`Error::WeakEncryptionKey`] for a short secret or RSA modulus.
    pub fn from_jwk(algorithm: KeyManagement, jwk: &str) -> Result<DecryptionKey, Error> {
        let parsed = parse_jwk(algorithm, jwk)?;
        let secret = match family(algorithm) {
            Family::Symmetric => {
                if parsed.kty != "oct" {
                    return Err(invalid(
                        algorithm,
                        "a shared secret is a JWK of \"kty\": \"oct\"",
                    ));
                }
                let k = member(algorithm, "k", &parsed.k)?;
                check_secret(algorithm, &k)?;
                (Secret::Symmetric(k), None)
            }
            Family::Ecdh => {
                let curve = jwk_curve(algorithm, &parsed)?;
                let d = member(algorithm, "d", &parsed.d)?;
                let secret = ecdh_private(algorithm, curve, &d)?;
                if let Secret::Ecdh { point, .. } = &secret
                    && jwk_point(algorithm, curve, &parsed)? != *point
                {
                    return Err(invalid(
                        algorithm,
                        "the JWK's public point is not its private key's",
                    ));
                }
                (secret, None)
            }
            Family::Rsa => {
                if parsed.kty != "RSA" {
                    return Err(invalid(
                        algorithm,
                        "an RSA key is a JWK of \"kty\": \"RSA\"",
                    ));
                }
                if parsed.oth.is_some() {
                    return Err(invalid(
                        algorithm,
                        "multi-prime RSA keys (\"oth\") are not supported",
                    ));
                }
                let mut integers = vec![Zeroizing::new(vec![0])];
                for (name, value) in [
                    ("n", &parsed.n),
                    ("e", &parsed.e),
                    ("d", &parsed.d),
                    ("p", &parsed.p),
                    ("q", &parsed.q),
                    ("dp", &parsed.dp),
                    ("dq", &parsed.dq),
                    ("qi", &parsed.qi),
                ] {
                    integers.push(member(algorithm, name, value)?);
                }
                let refs: Vec<&[u8]> = integers.iter().map(|integer| integer.as_slice()).collect();
                let pkcs1 = Zeroizing::new(der::integer_sequence(&refs));
                let (secret, public) = rsa_private(algorithm, &der::pkcs8_from_rsa_pkcs1(&pkcs1))?;
                (secret, Some(public))
            }
        };
        let key = DecryptionKey::new(algorithm, secret.0, secret.1)?;
        Ok(match parsed.kid {
            Some(kid) => key.with_kid(kid),
            None => key,
        })
    }

    /// A private key from DER: PKCS#8 for every key type, PKCS#1
    /// `RSAPrivateKey` for RSA, SEC 1 `ECPrivateKey` for P-256 and P-384.
    ///
    /// # Errors
    /// [`Error::InvalidEncryptionKey`] for DER that is not such a key of
    /// the algorithm's type; [`Error::WeakEncryptionKey`] for an RSA
    /// modulus under 2048 bits.
    pub fn from_der(algorithm: KeyManagement, der_bytes: &[u8]) -> Result<DecryptionKey, Error> {
        let secret = match family(algorithm) {
            Family::Symmetric => {
                return Err(invalid(
                    algorithm,
                    "a shared secret has no DER form: use from_secret",
                ));
            }
            Family::Rsa => {
                let (secret, public) = match der::pkcs8(der_bytes) {
                    Some(_) => rsa_private(algorithm, der_bytes)?,
                    None => rsa_private(algorithm, &der::pkcs8_from_rsa_pkcs1(der_bytes))?,
                };
                (secret, Some(public))
            }
            Family::Ecdh => {
                let (curve, scalar) = ec_private_der(der_bytes).ok_or_else(|| {
                    invalid(algorithm, "not a P-256, P-384 or X25519 private key")
                })?;
                (ecdh_private(algorithm, curve, scalar)?, None)
            }
        };
        DecryptionKey::new(algorithm, secret.0, secret.1)
    }

    /// A private key from PEM (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC
    /// PRIVATE KEY`), as [`DecryptionKey::from_der`] reads.
    ///
    /// # Errors
    /// As [`DecryptionKey::from_der`]; [`Error::InvalidEncryptionKey`] for
    /// text that is not PEM or holds a public key.
    pub fn from_pem(algorithm: KeyManagement, pem: &[u8]) -> Result<DecryptionKey, Error> {
        let (tag, der_bytes) = read_pem(algorithm, pem)?;
        if !matches!(
            tag.as_str(),
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY"
        ) {
            return Err(invalid(
                algorithm,
                format!("a PEM \"{tag}\" is not a private key"),
            ));
        }
        DecryptionKey::from_der(algorithm, &der_bytes)
    }

    /// A fresh key from the system's secure random source: a secret of
    /// the algorithm's size (32 bytes for `dir`: A256GCM's key), a P-256
    /// key for ECDH-ES, a 2048-bit RSA key.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the random source or the backend
    /// fails.
    pub fn generate(algorithm: KeyManagement) -> Result<DecryptionKey, Error> {
        let failed = || invalid(algorithm, "the backend could not generate a key");
        let secret = match family(algorithm) {
            Family::Symmetric => {
                let mut secret = Zeroizing::new(vec![0; algorithm.wrap_key_len().unwrap_or(32)]);
                crate::crypto::fill_random(&mut secret)?;
                (Secret::Symmetric(secret), None)
            }
            Family::Ecdh => {
                let key =
                    agreement::PrivateKey::generate(&agreement::ECDH_P256).map_err(|_| failed())?;
                let point = key
                    .compute_public_key()
                    .map_err(|_| failed())?
                    .as_ref()
                    .to_vec();
                let secret = Secret::Ecdh {
                    curve: Curve::P256,
                    key,
                    point,
                };
                (secret, None)
            }
            Family::Rsa => {
                let key = PrivateDecryptingKey::generate(KeySize::Rsa2048).map_err(|_| failed())?;
                let pkcs8 = key.as_der().map_err(|_| failed())?;
                let (secret, public) = rsa_private(algorithm, pkcs8.as_ref())?;
                (secret, Some(public))
            }
        };
        DecryptionKey::new(algorithm, secret.0, secret.1)
    }

    /// Loads a key from an environment variable holding a JWK, PEM, or
    /// (for the shared-secret algorithms) the secret as base64url.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the variable is unset or not UTF-8;
    /// as the constructor for its format otherwise.
    pub fn from_env(algorithm: KeyManagement, var: &str) -> Result<DecryptionKey, Error> {
        load_env(algorithm, var)
    }

    /// Loads a key from a file of a JWK, PEM, DER, or (for the
    /// shared-secret algorithms) the secret as base64url.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the file cannot be read; as the
    /// constructor for its format otherwise.
    pub fn from_file(
        algorithm: KeyManagement,
        path: impl AsRef<Path>,
    ) -> Result<DecryptionKey, Error> {
        load_file(algorithm, path.as_ref())
    }

    fn from_text(algorithm: KeyManagement, bytes: &[u8]) -> Result<DecryptionKey, Error> {
        match Format::of(bytes) {
            Format::Jwk => DecryptionKey::from_jwk(algorithm, text(algorithm, bytes)?),
            Format::Pem => DecryptionKey::from_pem(algorithm, bytes),
            Format::Binary | Format::Other => {
                let secret =
                    base64url::decode(text(algorithm, bytes)?.trim().trim_end_matches('='))
                        .map(Zeroizing::new)
                        .ok_or_else(|| {
                            invalid(algorithm, "neither a JWK, PEM nor a base64url secret")
                        })?;
                DecryptionKey::from_secret(algorithm, &secret)
            }
        }
    }

    /// This key with `kid`: a JWE naming a `kid` is decrypted only by the
    /// key of that `kid`.
    pub fn with_kid(mut self, kid: impl Into<String>) -> DecryptionKey {
        self.kid = Some(kid.into());
        self
    }

    /// The key management algorithm the key is bound to.
    pub fn algorithm(&self) -> KeyManagement {
        self.algorithm
    }

    /// The key's `kid`, if it has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The curve, for an ECDH-ES key.
    pub fn curve(&self) -> Option<Curve> {
        match &*self.secret {
            Secret::Ecdh { curve, .. } => Some(*curve),
            _ => None,
        }
    }

    /// The key that encrypts to this one: the public key (or, for a
    /// shared secret, the same secret), with the same `kid`.
    pub fn encryption_key(&self) -> EncryptionKey {
        EncryptionKey {
            algorithm: self.algorithm,
            kid: self.kid.clone(),
            recipient: self.public.clone(),
        }
    }

    pub(crate) fn secret(&self) -> &Secret {
        &self.secret
    }
}

impl EncryptionKey {
    /// A shared secret for `dir`, `A128KW` or `A256KW`, as
    /// [`DecryptionKey::from_secret`] takes it.
    ///
    /// # Errors
    /// As [`DecryptionKey::from_secret`].
    pub fn from_secret(algorithm: KeyManagement, secret: &[u8]) -> Result<EncryptionKey, Error> {
        DecryptionKey::from_secret(algorithm, secret).map(|key| key.encryption_key())
    }

    /// The recipient's key from a JWK: public members suffice (private
    /// members, when present, are not kept).
    ///
    /// # Errors
    /// [`Error::InvalidEncryptionKey`] for a JWK that does not fit (a
    /// point off its curve included); [`Error::WeakEncryptionKey`].
    pub fn from_jwk(algorithm: KeyManagement, jwk: &str) -> Result<EncryptionKey, Error> {
        let parsed = parse_jwk(algorithm, jwk)?;
        let recipient = match family(algorithm) {
            Family::Symmetric => {
                return DecryptionKey::from_jwk(algorithm, jwk).map(|key| key.encryption_key());
            }
            Family::Ecdh => {
                let curve = jwk_curve(algorithm, &parsed)?;
                Recipient::Ecdh {
                    curve,
                    point: jwk_point(algorithm, curve, &parsed)?,
                }
            }
            Family::Rsa => {
                if parsed.kty != "RSA" {
                    return Err(invalid(
                        algorithm,
                        "an RSA key is a JWK of \"kty\": \"RSA\"",
                    ));
                }
                let n = member(algorithm, "n", &parsed.n)?;
                let e = member(algorithm, "e", &parsed.e)?;
                let pkcs1 = der::integer_sequence(&[&n, &e]);
                rsa_public(algorithm, &rsa_spki(&pkcs1))?
            }
        };
        Ok(EncryptionKey {
            algorithm,
            kid: parsed.kid,
            recipient: Arc::new(recipient),
        })
    }

    /// The recipient's public key from SubjectPublicKeyInfo DER (RSA,
    /// P-256, P-384, X25519).
    ///
    /// # Errors
    /// [`Error::InvalidEncryptionKey`] for DER that is not such a key;
    /// [`Error::WeakEncryptionKey`] for an RSA modulus under 2048 bits.
    pub fn from_der(algorithm: KeyManagement, der_bytes: &[u8]) -> Result<EncryptionKey, Error> {
        let not = || {
            invalid(
                algorithm,
                "not a SubjectPublicKeyInfo of the algorithm's key type",
            )
        };
        let (oid, params, bits) = der::spki(der_bytes).ok_or_else(not)?;
        let recipient = match family(algorithm) {
            Family::Symmetric => {
                return Err(invalid(
                    algorithm,
                    "a shared secret has no DER form: use from_secret",
                ));
            }
            Family::Rsa if oid == der::RSA_ENCRYPTION => rsa_public(algorithm, der_bytes)?,
            Family::Ecdh => {
                let curve = match (oid, params) {
                    (der::EC_PUBLIC_KEY, Some(der::P256)) => Curve::P256,
                    (der::EC_PUBLIC_KEY, Some(der::P384)) => Curve::P384,
                    (X25519_OID, None) => Curve::X25519,
                    _ => return Err(not()),
                };
                let point = bits.to_vec();
                let len = curve.coordinate_len();
                let fits = match curve {
                    Curve::X25519 => point.len() == len,
                    _ => point.len() == 1 + 2 * len && point[0] == 0x04,
                };
                if !fits {
                    return Err(invalid(
                        algorithm,
                        format!("not an uncompressed {} point", curve.name()),
                    ));
                }
                check_point(algorithm, curve, &point)?;
                Recipient::Ecdh { curve, point }
            }
            Family::Rsa => return Err(not()),
        };
        Ok(EncryptionKey {
            algorithm,
            kid: None,
            recipient: Arc::new(recipient),
        })
    }

    /// The recipient's public key from PEM (`PUBLIC KEY`).
    ///
    /// # Errors
    /// As [`EncryptionKey::from_der`].
    pub fn from_pem(algorithm: KeyManagement, pem: &[u8]) -> Result<EncryptionKey, Error> {
        let (tag, der_bytes) = read_pem(algorithm, pem)?;
        if tag != "PUBLIC KEY" {
            return Err(invalid(
                algorithm,
                format!("a PEM \"{tag}\" is not a public key"),
            ));
        }
        EncryptionKey::from_der(algorithm, &der_bytes)
    }

    /// Loads a key from an environment variable holding a JWK, PEM, or
    /// (for the shared-secret algorithms) the secret as base64url.
    ///
    /// # Errors
    /// As [`DecryptionKey::from_env`].
    pub fn from_env(algorithm: KeyManagement, var: &str) -> Result<EncryptionKey, Error> {
        load_env(algorithm, var)
    }

    /// Loads a key from a file of a JWK, PEM, DER, or (for the
    /// shared-secret algorithms) the secret as base64url.
    ///
    /// # Errors
    /// As [`DecryptionKey::from_file`].
    pub fn from_file(
        algorithm: KeyManagement,
        path: impl AsRef<Path>,
    ) -> Result<EncryptionKey, Error> {
        load_file(algorithm, path.as_ref())
    }

    fn from_text(algorithm: KeyManagement, bytes: &[u8]) -> Result<EncryptionKey, Error> {
        match Format::of(bytes) {
            Format::Jwk => EncryptionKey::from_jwk(algorithm, text(algorithm, bytes)?),
            Format::Pem => EncryptionKey::from_pem(algorithm, bytes),
            Format::Binary | Format::Other => {
                DecryptionKey::from_text(algorithm, bytes).map(|key| key.encryption_key())
            }
        }
    }

    /// This key with `kid`, written in the header of every JWE it
    /// encrypts.
    pub fn with_kid(mut self, kid: impl Into<String>) -> EncryptionKey {
        self.kid = Some(kid.into());
        self
    }

    /// The key management algorithm the key is bound to.
    pub fn algorithm(&self) -> KeyManagement {
        self.algorithm
    }

    /// The key's `kid`, if it has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The curve, for an ECDH-ES key.
    pub fn curve(&self) -> Option<Curve> {
        match &*self.recipient {
            Recipient::Ecdh { curve, .. } => Some(*curve),
            _ => None,
        }
    }

    /// The public key as a JWK (`use: "enc"`, `alg`, `kid`), to publish
    /// for the services that encrypt to it; `None` for a shared secret,
    /// which is never published.
    pub fn to_public_jwk(&self) -> Option<String> {
        let members = match &*self.recipient {
            Recipient::Symmetric(_) => return None,
            Recipient::Ecdh { curve, point } => curve.jwk_members(point),
            Recipient::Rsa { spki, .. } => {
                let (_, _, pkcs1) = der::spki(spki)?;
                let (n, e) = der::rsa_public_integers(pkcs1)?;
                let mut out = r#""kty":"RSA","n":""#.to_owned();
                base64url::encode_into(n, &mut out);
                out.push_str(r#"","e":""#);
                base64url::encode_into(e, &mut out);
                out.push('"');
                out
            }
        };
        let mut jwk = format!(
            "{{{members},\"use\":\"enc\",\"alg\":\"{}\"",
            self.algorithm.name()
        );
        if let Some(kid) = &self.kid {
            jwk.push_str(",\"kid\":");
            jwk.push_str(&Value::String(kid.clone()).to_string());
        }
        jwk.push('}');
        Some(jwk)
    }

    pub(crate) fn recipient(&self) -> &Recipient {
        &self.recipient
    }
}

/// SubjectPublicKeyInfo of an RSA `RSAPublicKey`.
fn rsa_spki(pkcs1: &[u8]) -> Vec<u8> {
    let mut algorithm = der::tlv(0x06, der::RSA_ENCRYPTION);
    algorithm.extend_from_slice(&[0x05, 0x00]);
    let mut bits = vec![0u8];
    bits.extend_from_slice(pkcs1);
    let mut body = der::tlv(0x30, &algorithm);
    body.extend_from_slice(&der::tlv(0x03, &bits));
    der::tlv(0x30, &body)
}

/// The curve and private scalar of a PKCS#8 or SEC 1 ECDH private key.
fn ec_private_der(der_bytes: &[u8]) -> Option<(Curve, &[u8])> {
    if let Some((oid, params, key)) = der::pkcs8(der_bytes) {
        return match (oid, params) {
            (der::EC_PUBLIC_KEY, Some(der::P256)) => {
                Some((Curve::P256, der::ec_private_scalar(key)?))
            }
            (der::EC_PUBLIC_KEY, Some(der::P384)) => {
                Some((Curve::P384, der::ec_private_scalar(key)?))
            }
            // A CurvePrivateKey is an OCTET STRING of 32 bytes, as Ed25519's.
            (X25519_OID, None) => Some((Curve::X25519, der::ed25519_seed(key)?)),
            _ => None,
        };
    }
    let scalar = der::ec_private_scalar(der_bytes)?;
    match scalar.len() {
        32 => Some((Curve::P256, scalar)),
        48 => Some((Curve::P384, scalar)),
        _ => None,
    }
}

/// Either kind of key, as the environment and files give it.
trait Load: Sized {
    fn from_text(algorithm: KeyManagement, bytes: &[u8]) -> Result<Self, Error>;
    fn from_der(algorithm: KeyManagement, der: &[u8]) -> Result<Self, Error>;
}

impl Load for DecryptionKey {
    fn from_text(algorithm: KeyManagement, bytes: &[u8]) -> Result<Self, Error> {
        DecryptionKey::from_text(algorithm, bytes)
    }

    fn from_der(algorithm: KeyManagement, der: &[u8]) -> Result<Self, Error> {
        DecryptionKey::from_der(algorithm, der)
    }
}

impl Load for EncryptionKey {
    fn from_text(algorithm: KeyManagement, bytes: &[u8]) -> Result<Self, Error> {
        EncryptionKey::from_text(algorithm, bytes)
    }

    fn from_der(algorithm: KeyManagement, der: &[u8]) -> Result<Self, Error> {
        EncryptionKey::from_der(algorithm, der)
    }
}

/// A key from the environment variable `var`: a JWK, PEM or base64url.
fn load_env<K: Load>(algorithm: KeyManagement, var: &str) -> Result<K, Error> {
    let text = read_env(var, |var| std::env::var_os(var))?;
    K::from_text(algorithm, text.as_bytes())
}

/// A key from the file at `path`: DER, or text as in the environment.
fn load_file<K: Load>(algorithm: KeyManagement, path: &Path) -> Result<K, Error> {
    let bytes = read_file(path)?;
    match Format::of(&bytes) {
        Format::Binary => K::from_der(algorithm, &bytes),
        _ => K::from_text(algorithm, &bytes),
    }
}

/// How a key's text or file is written.
enum Format {
    Jwk,
    Pem,
    Binary,
    Other,
}

impl Format {
    fn of(bytes: &[u8]) -> Format {
        let trimmed = bytes.trim_ascii_start();
        if trimmed.starts_with(b"{") {
            Format::Jwk
        } else if trimmed.starts_with(b"-----BEGIN") {
            Format::Pem
        } else if core::str::from_utf8(bytes).is_err() || bytes.first() == Some(&0x30) {
            Format::Binary
        } else {
            Format::Other
        }
    }
}

fn text(algorithm: KeyManagement, bytes: &[u8]) -> Result<&str, Error> {
    core::str::from_utf8(bytes).map_err(|_| invalid(algorithm, "the key text is not UTF-8"))
}

fn read_pem(algorithm: KeyManagement, input: &[u8]) -> Result<(String, Zeroizing<Vec<u8>>), Error> {
    let parsed = pem::parse(input).map_err(|_| invalid(algorithm, "not PEM"))?;
    Ok((
        parsed.tag().to_owned(),
        Zeroizing::new(parsed.into_contents()),
    ))
}

impl fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptionKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("curve", &self.curve())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("curve", &self.curve())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RSA public JWK of a `bits`-bit modulus (not a product of two
    /// primes: only its length is read before it is refused).
    fn rsa_public_jwk(bits: usize) -> String {
        let mut n = vec![0xc5; bits / 8];
        n[bits / 8 - 1] |= 1;
        let mut jwk = r#"{"kty":"RSA","e":"AQAB","n":""#.to_owned();
        base64url::encode_into(&n, &mut jwk);
        jwk.push_str(r#""}"#);
        jwk
    }

    #[test]
    fn a_short_rsa_public_key_is_weak_not_invalid() {
        for bits in [1024, 2040] {
            assert_eq!(
                EncryptionKey::from_jwk(KeyManagement::RsaOaep256, &rsa_public_jwk(bits))
                    .unwrap_err(),
                Error::WeakEncryptionKey {
                    algorithm: "RSA-OAEP-256",
                    reason: format!("the RSA modulus is {bits} bits, under 2048"),
                }
            );
        }
        // Too long is not weak: aws-lc-rs's limit, an invalid key.
        assert!(matches!(
            EncryptionKey::from_jwk(KeyManagement::RsaOaep256, &rsa_public_jwk(8200)),
            Err(Error::InvalidEncryptionKey { .. })
        ));
    }
}
