//! Key management (RFC 7518 §4): how the content encryption key (CEK) is
//! wrapped for, agreed with, or shared by the recipient; and the Concat
//! KDF of ECDH-ES (§4.6.2).

use aws_lc_rs::agreement::{self, UnparsedPublicKey};
use aws_lc_rs::digest;
use aws_lc_rs::key_wrap::{AES_128, AES_256, AesKek, KeyWrap};
use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm};
use zeroize::Zeroizing;

use super::key::{Curve, Recipient, Secret};
use super::{ContentEncryption, DecryptionKey, EncryptionKey, KeyManagement};
use crate::Error;

/// What the sender's key management produced: the CEK, the JWE Encrypted
/// Key, and, for ECDH-ES, the ephemeral public key for the header.
pub(crate) struct Wrapped {
    pub(crate) cek: Zeroizing<Vec<u8>>,
    pub(crate) encrypted_key: Vec<u8>,
    pub(crate) epk: Option<(Curve, Vec<u8>)>,
}

/// The ECDH-ES inputs a header carries: the ephemeral key and the party
/// infos.
pub(crate) struct Agreement<'a> {
    pub(crate) epk: Option<&'a (Curve, Vec<u8>)>,
    pub(crate) apu: &'a [u8],
    pub(crate) apv: &'a [u8],
}

/// Test hooks: the randomness a published example fixes.
#[derive(Default)]
pub(crate) struct Fixed<'a> {
    pub(crate) cek: Option<&'a [u8]>,
    pub(crate) ephemeral: Option<&'a DecryptionKey>,
}

fn random(len: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut bytes = Zeroizing::new(vec![0; len]);
    crate::crypto::fill_random(&mut bytes).map_err(|_| Error::EncryptionFailed)?;
    Ok(bytes)
}

fn oaep(alg: KeyManagement) -> &'static OaepAlgorithm {
    match alg {
        KeyManagement::RsaOaep => &OAEP_SHA1_MGF1SHA1,
        _ => &OAEP_SHA256_MGF1SHA256,
    }
}

fn kek(key: &[u8]) -> Option<AesKek> {
    match key.len() {
        16 => AesKek::new(&AES_128, key).ok(),
        32 => AesKek::new(&AES_256, key).ok(),
        _ => None,
    }
}

fn wrap(key: &[u8], cek: &[u8]) -> Result<Vec<u8>, Error> {
    let kek = kek(key).ok_or(Error::EncryptionFailed)?;
    let mut out = vec![0; cek.len() + 8];
    let len = kek
        .wrap(cek, &mut out)
        .map_err(|_| Error::EncryptionFailed)?
        .len();
    out.truncate(len);
    Ok(out)
}

fn unwrap(key: &[u8], wrapped: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let kek = kek(key)?;
    let mut out = Zeroizing::new(vec![0; wrapped.len()]);
    let len = kek.unwrap(wrapped, &mut out).ok()?.len();
    out.truncate(len);
    Some(out)
}

/// The sender's side: a CEK for `enc` and how the recipient gets it.
pub(crate) fn wrap_for(
    key: &EncryptionKey,
    enc: ContentEncryption,
    apu: &[u8],
    apv: &[u8],
    fixed: &Fixed<'_>,
) -> Result<Wrapped, Error> {
    let alg = key.algorithm();
    let new_cek = || match fixed.cek {
        Some(cek) => Ok(Zeroizing::new(cek.to_vec())),
        None => random(enc.key_len()),
    };
    match key.recipient() {
        Recipient::Symmetric(secret) if alg == KeyManagement::Dir => {
            if secret.len() != enc.key_len() {
                return Err(Error::EncryptionNotAllowed {
                    member: "enc",
                    found: enc.name().to_owned(),
                });
            }
            Ok(Wrapped {
                cek: secret.clone(),
                encrypted_key: Vec::new(),
                epk: None,
            })
        }
        Recipient::Symmetric(secret) => {
            let cek = new_cek()?;
            let encrypted_key = wrap(secret, &cek)?;
            Ok(Wrapped {
                cek,
                encrypted_key,
                epk: None,
            })
        }
        Recipient::Rsa { key: public, .. } => {
            let cek = new_cek()?;
            let mut out = vec![0; public.ciphertext_size()];
            let len = public
                .encrypt(oaep(alg), &cek, &mut out, None)
                .map_err(|_| Error::EncryptionFailed)?
                .len();
            out.truncate(len);
            Ok(Wrapped {
                cek,
                encrypted_key: out,
                epk: None,
            })
        }
        Recipient::Ecdh { curve, point } => {
            let ephemeral = match fixed.ephemeral.map(DecryptionKey::secret) {
                Some(Secret::Ecdh { key, point, .. }) => (clone_key(key, *curve)?, point.clone()),
                _ => {
                    let key = agreement::PrivateKey::generate(curve.agreement())
                        .map_err(|_| Error::EncryptionFailed)?;
                    let public = key
                        .compute_public_key()
                        .map_err(|_| Error::EncryptionFailed)?
                        .as_ref()
                        .to_vec();
                    (key, public)
                }
            };
            let derived = agree(alg, enc, *curve, &ephemeral.0, point, apu, apv)
                .ok_or(Error::EncryptionFailed)?;
            let (cek, encrypted_key) = if alg == KeyManagement::EcdhEs {
                (derived, Vec::new())
            } else {
                let cek = new_cek()?;
                let encrypted_key = wrap(&derived, &cek)?;
                (cek, encrypted_key)
            };
            Ok(Wrapped {
                cek,
                encrypted_key,
                epk: Some((*curve, ephemeral.1)),
            })
        }
    }
}

/// The fixed ephemeral key of a test, as a key aws-lc-rs can use.
fn clone_key(key: &agreement::PrivateKey, curve: Curve) -> Result<agreement::PrivateKey, Error> {
    use aws_lc_rs::encoding::AsBigEndian;
    let failed = |_| Error::EncryptionFailed;
    match curve {
        Curve::X25519 => {
            let bytes: aws_lc_rs::encoding::Curve25519SeedBin<'_> =
                key.as_be_bytes().map_err(failed)?;
            agreement::PrivateKey::from_private_key(curve.agreement(), bytes.as_ref())
                .map_err(|_| Error::EncryptionFailed)
        }
        _ => {
            let bytes: aws_lc_rs::encoding::EcPrivateKeyBin<'_> =
                key.as_be_bytes().map_err(failed)?;
            agreement::PrivateKey::from_private_key(curve.agreement(), bytes.as_ref())
                .map_err(|_| Error::EncryptionFailed)
        }
    }
}

/// A content encryption key: the recipient's own secret (`dir`), or one
/// recovered from the token, zeroized when dropped.
pub(crate) enum Cek<'a> {
    Shared(&'a [u8]),
    Recovered(Zeroizing<Vec<u8>>),
}

impl core::ops::Deref for Cek<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Cek::Shared(secret) => secret,
            Cek::Recovered(cek) => cek,
        }
    }
}

/// The recipient's side: the CEK, or [`Error::DecryptionFailed`].
///
/// An unwrap that fails does not return early: a random CEK of the right
/// length takes its place and the content decryption fails on the tag, as
/// RFC 7516 §11.5 advises, so a failed unwrap and a bad tag take the same
/// path and give the same answer.
pub(crate) fn unwrap_with<'k>(
    key: &'k DecryptionKey,
    enc: ContentEncryption,
    encrypted_key: &[u8],
    agreement: &Agreement<'_>,
) -> Result<Cek<'k>, Error> {
    let alg = key.algorithm();
    let or_random = |cek: Option<Zeroizing<Vec<u8>>>| match cek {
        Some(cek) if cek.len() == enc.key_len() => Ok(Cek::Recovered(cek)),
        _ => random(enc.key_len())
            .map(Cek::Recovered)
            .map_err(|_| Error::DecryptionFailed),
    };
    match key.secret() {
        Secret::Symmetric(secret) if alg == KeyManagement::Dir => {
            if !encrypted_key.is_empty() || secret.len() != enc.key_len() {
                return Err(Error::DecryptionFailed);
            }
            Ok(Cek::Shared(secret))
        }
        Secret::Symmetric(secret) => or_random(unwrap(secret, encrypted_key)),
        Secret::Rsa(private) => {
            let mut out = Zeroizing::new(vec![0; private.min_output_size()]);
            let cek = private
                .decrypt(oaep(alg), encrypted_key, &mut out, None)
                .ok()
                .map(|plain| Zeroizing::new(plain.to_vec()));
            or_random(cek)
        }
        Secret::Ecdh {
            curve,
            key: private,
            ..
        } => {
            let Some((epk_curve, epk)) = agreement.epk else {
                return Err(Error::DecryptionFailed);
            };
            if epk_curve != curve {
                return Err(Error::DecryptionFailed);
            }
            let derived = agree(alg, enc, *curve, private, epk, agreement.apu, agreement.apv)
                .ok_or(Error::DecryptionFailed)?;
            if alg == KeyManagement::EcdhEs {
                if !encrypted_key.is_empty() {
                    return Err(Error::DecryptionFailed);
                }
                return Ok(Cek::Recovered(derived));
            }
            or_random(unwrap(&derived, encrypted_key))
        }
    }
}

/// ECDH with `peer`, then the Concat KDF: the CEK (`ECDH-ES`) or the key
/// that wraps it (`ECDH-ES+A*KW`). `None` when the peer's key is not a
/// point of `curve`, or is of small order (X25519).
fn agree(
    alg: KeyManagement,
    enc: ContentEncryption,
    curve: Curve,
    private: &agreement::PrivateKey,
    peer: &[u8],
    apu: &[u8],
    apv: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if curve == Curve::X25519 && is_small_order_x25519(peer) {
        return None;
    }
    let shared = agreement::agree(
        private,
        UnparsedPublicKey::new(curve.agreement(), peer),
        (),
        |z| Ok(Zeroizing::new(z.to_vec())),
    )
    .ok()?;
    // An all-zero X25519 output is a small-order peer the list missed.
    if shared.iter().all(|&b| b == 0) {
        return None;
    }
    let (algorithm_id, len) = match alg.wrap_key_len() {
        Some(len) => (alg.name(), len),
        None => (enc.name(), enc.key_len()),
    };
    Some(concat_kdf(&shared, algorithm_id.as_bytes(), apu, apv, len))
}

/// The Concat KDF of NIST SP 800-56A §5.8.1 with SHA-256, as RFC 7518
/// §4.6.2 instantiates it: OtherInfo is AlgorithmID, PartyUInfo and
/// PartyVInfo, each with a 32-bit big-endian length, then the key length
/// in bits.
pub(crate) fn concat_kdf(
    shared: &[u8],
    algorithm_id: &[u8],
    apu: &[u8],
    apv: &[u8],
    len: usize,
) -> Zeroizing<Vec<u8>> {
    let mut other = Vec::with_capacity(16 + algorithm_id.len() + apu.len() + apv.len());
    for field in [algorithm_id, apu, apv] {
        other.extend_from_slice(&(field.len() as u32).to_be_bytes());
        other.extend_from_slice(field);
    }
    other.extend_from_slice(&((len * 8) as u32).to_be_bytes());
    let mut out = Zeroizing::new(Vec::with_capacity(len + 32));
    let mut counter = 1u32;
    while out.len() < len {
        let mut context = digest::Context::new(&digest::SHA256);
        context.update(&counter.to_be_bytes());
        context.update(shared);
        context.update(&other);
        out.extend_from_slice(context.finish().as_ref());
        counter += 1;
    }
    out.truncate(len);
    out
}

/// Whether an X25519 public key is one of the points of small order
/// (their u-coordinates, and the same plus p, which decode to them).
pub(crate) fn is_small_order_x25519(point: &[u8]) -> bool {
    const SMALL_ORDER: [[u8; 32]; 7] = [
        [0; 32],
        {
            let mut one = [0; 32];
            one[0] = 1;
            one
        },
        [
            0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f,
            0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16,
            0x5f, 0x49, 0xb8, 0x00,
        ],
        [
            0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83,
            0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd,
            0xd0, 0x9f, 0x11, 0x57,
        ],
        [
            0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0x7f,
        ],
        [
            0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0x7f,
        ],
        [
            0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0x7f,
        ],
    ];
    let Ok(point) = <[u8; 32]>::try_from(point) else {
        return true;
    };
    // The top bit is ignored by X25519 (RFC 7748 §5).
    let mut masked = point;
    masked[31] &= 0x7f;
    SMALL_ORDER.iter().any(|small| {
        let mut small = *small;
        small[31] &= 0x7f;
        small == masked
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7518 Appendix C: Alice's ephemeral key and Bob's static key
    /// agree Z; the Concat KDF derives A128GCM's key from it.
    #[test]
    fn reproduces_the_rfc7518_appendix_c_concat_kdf() {
        let bob = DecryptionKey::from_jwk(
            KeyManagement::EcdhEs,
            r#"{"kty":"EC","crv":"P-256",
            "x":"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
            "y":"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck",
            "d":"VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"}"#,
        )
        .unwrap();
        let alice_epk = Curve::P256
            .point(
                &crate::base64url::decode("gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0").unwrap(),
                Some(
                    &crate::base64url::decode("SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps")
                        .unwrap(),
                ),
            )
            .unwrap();
        let epk = (Curve::P256, alice_epk);
        let agreement = Agreement {
            epk: Some(&epk),
            apu: b"Alice",
            apv: b"Bob",
        };
        let cek = unwrap_with(&bob, ContentEncryption::A128Gcm, &[], &agreement).unwrap();
        let mut encoded = String::new();
        crate::base64url::encode_into(&cek, &mut encoded);
        assert_eq!(encoded, "VqqN6vgjbSBcIijNcacQGg");
    }

    #[test]
    fn small_order_x25519_points_are_recognised() {
        assert!(is_small_order_x25519(&[0; 32]));
        let mut one = [0; 32];
        one[0] = 1;
        assert!(is_small_order_x25519(&one));
        let mut high_bit = one;
        high_bit[31] |= 0x80;
        assert!(is_small_order_x25519(&high_bit));
        assert!(!is_small_order_x25519(&[9; 32]));
        assert!(is_small_order_x25519(&[9; 31]));
    }
}
