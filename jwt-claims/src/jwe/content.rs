//! Content encryption (RFC 7518 §5): AES-GCM, and AES-CBC with
//! HMAC-SHA-2 whose tag is checked, in constant time, before any
//! decryption.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{
    self, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey, PaddedBlockEncryptingKey,
    UnboundCipherKey,
};
use aws_lc_rs::constant_time;
use aws_lc_rs::hmac;
use aws_lc_rs::iv::FixedLength;

use super::ContentEncryption;
use crate::Error;

/// Encrypts `plaintext` under `cek` and `iv` with `aad` (the encoded
/// protected header): the ciphertext and the tag. The caller checked the
/// lengths of `cek` and `iv`.
pub(crate) fn seal(
    enc: ContentEncryption,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let failed = |_| Error::EncryptionFailed;
    match enc {
        ContentEncryption::A128Gcm | ContentEncryption::A256Gcm => {
            let key = gcm_key(enc, cek).ok_or(Error::EncryptionFailed)?;
            let nonce = Nonce::try_assume_unique_for_key(iv).map_err(failed)?;
            let mut in_out = plaintext.to_vec();
            let tag = key
                .seal_in_place_separate_tag(nonce, Aad::from(aad), &mut in_out)
                .map_err(failed)?;
            Ok((in_out, tag.as_ref().to_vec()))
        }
        ContentEncryption::A128CbcHs256 | ContentEncryption::A256CbcHs512 => {
            let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
            let iv: [u8; 16] = iv.try_into().map_err(|_| Error::EncryptionFailed)?;
            let key = UnboundCipherKey::new(cbc_cipher(enc), enc_key)
                .and_then(PaddedBlockEncryptingKey::cbc_pkcs7)
                .map_err(failed)?;
            let mut in_out = plaintext.to_vec();
            key.less_safe_encrypt(&mut in_out, EncryptionContext::Iv128(FixedLength::from(iv)))
                .map_err(failed)?;
            let tag = cbc_tag(enc, mac_key, aad, &iv, &in_out);
            Ok((in_out, tag))
        }
    }
}

/// Decrypts `ciphertext` in place: the plaintext, or
/// [`Error::DecryptionFailed`] for every failure (a wrong CEK or IV
/// length, a wrong tag, bad padding), so that nothing about the failure
/// reaches the sender. For GCM the tag is appended to `ciphertext`: give
/// it the capacity for it.
pub(crate) fn open(
    enc: ContentEncryption,
    cek: &[u8],
    iv: &[u8],
    aad: &[u8],
    ciphertext: Vec<u8>,
    tag: &[u8],
) -> Result<Vec<u8>, Error> {
    let failed = |_| Error::DecryptionFailed;
    if cek.len() != enc.key_len() || iv.len() != enc.iv_len() || tag.len() != enc.tag_len() {
        return Err(Error::DecryptionFailed);
    }
    match enc {
        ContentEncryption::A128Gcm | ContentEncryption::A256Gcm => {
            let key = gcm_key(enc, cek).ok_or(Error::DecryptionFailed)?;
            let nonce = Nonce::try_assume_unique_for_key(iv).map_err(failed)?;
            let mut in_out = ciphertext;
            in_out.extend_from_slice(tag);
            let len = key
                .open_in_place(nonce, Aad::from(aad), &mut in_out)
                .map_err(failed)?
                .len();
            in_out.truncate(len);
            Ok(in_out)
        }
        ContentEncryption::A128CbcHs256 | ContentEncryption::A256CbcHs512 => {
            let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
            // The tag first, over the ciphertext as sent: no padding is
            // looked at before it verifies (no padding oracle).
            let expected = cbc_tag(enc, mac_key, aad, iv, &ciphertext);
            constant_time::verify_slices_are_equal(&expected, tag).map_err(failed)?;
            if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
                return Err(Error::DecryptionFailed);
            }
            let iv: [u8; 16] = iv.try_into().map_err(|_| Error::DecryptionFailed)?;
            let key = UnboundCipherKey::new(cbc_cipher(enc), enc_key)
                .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
                .map_err(failed)?;
            let mut in_out = ciphertext;
            let len = key
                .decrypt(&mut in_out, DecryptionContext::Iv128(FixedLength::from(iv)))
                .map_err(failed)?
                .len();
            in_out.truncate(len);
            Ok(in_out)
        }
    }
}

fn gcm_key(enc: ContentEncryption, cek: &[u8]) -> Option<LessSafeKey> {
    let algorithm = match enc {
        ContentEncryption::A128Gcm => &aead::AES_128_GCM,
        _ => &aead::AES_256_GCM,
    };
    UnboundKey::new(algorithm, cek).ok().map(LessSafeKey::new)
}

fn cbc_cipher(enc: ContentEncryption) -> &'static cipher::Algorithm {
    match enc {
        ContentEncryption::A128CbcHs256 => &cipher::AES_128,
        _ => &cipher::AES_256,
    }
}

/// RFC 7518 §5.2.2.1: the first half of HMAC(MAC_KEY, AAD || IV ||
/// ciphertext || AL), AL being the AAD's length in bits, 64-bit big
/// endian.
fn cbc_tag(
    enc: ContentEncryption,
    mac_key: &[u8],
    aad: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Vec<u8> {
    let algorithm = match enc {
        ContentEncryption::A128CbcHs256 => hmac::HMAC_SHA256,
        _ => hmac::HMAC_SHA512,
    };
    let key = hmac::Key::new(algorithm, mac_key);
    let mut context = hmac::Context::with_key(&key);
    context.update(aad);
    context.update(iv);
    context.update(ciphertext);
    let bits = (aad.len() as u64).saturating_mul(8);
    context.update(&bits.to_be_bytes());
    let full = context.sign();
    full.as_ref()[..enc.tag_len()].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7518 Appendix B.1: AES_128_CBC_HMAC_SHA_256.
    #[test]
    fn reproduces_rfc7518_b1_a128cbc_hs256() {
        let cek: Vec<u8> = (0u8..32).collect();
        let plaintext = hex(
            "41206369706865722073797374656d206d757374206e6f7420626520726571756972656420746f206265207365637265742c20616e64206974206d7573742062652061626c6520746f2066616c6c20696e746f207468652068616e6473206f662074686520656e656d7920776974686f757420696e636f6e76656e69656e6365",
        );
        let iv = hex("1af38c2dc2b96ffdd86694092341bc04");
        let aad = hex(
            "546865207365636f6e64207072696e6369706c65206f662041756775737465204b6572636b686f666673",
        );
        let (ciphertext, tag) =
            seal(ContentEncryption::A128CbcHs256, &cek, &iv, &aad, &plaintext).unwrap();
        assert_eq!(
            ciphertext,
            hex(
                "c80edfa32ddf39d5ef00c0b468834279a2e46a1b8049f792f76bfe54b903a9c9a94ac9b47ad2655c5f10f9aef71427e2fc6f9b3f399a221489f16362c703233609d45ac69864e3321cf82935ac4096c86e133314c54019e8ca7980dfa4b9cf1b384c486f3a54c51078158ee5d79de59fbd34d848b3d69550a67646344427ade54b8851ffb598f7f80074b9473c82e2db"
            )
        );
        assert_eq!(tag, hex("652c3fa36b0a7c5b3219fab3a30bc1c4"));
        let opened = open(
            ContentEncryption::A128CbcHs256,
            &cek,
            &iv,
            &aad,
            ciphertext,
            &tag,
        )
        .unwrap();
        assert_eq!(opened, plaintext);
    }

    #[test]
    fn a_flipped_tag_bit_or_ciphertext_bit_is_one_plain_error() {
        for enc in ContentEncryption::ALL {
            let cek = vec![7; enc.key_len()];
            let iv = vec![9; enc.iv_len()];
            let (ciphertext, tag) = seal(enc, &cek, &iv, b"aad", b"attack at dawn").unwrap();
            let mut bad_tag = tag.clone();
            bad_tag[0] ^= 1;
            assert_eq!(
                open(enc, &cek, &iv, b"aad", ciphertext.clone(), &bad_tag),
                Err(Error::DecryptionFailed)
            );
            let mut bad = ciphertext.clone();
            bad[0] ^= 1;
            assert_eq!(
                open(enc, &cek, &iv, b"aad", bad, &tag),
                Err(Error::DecryptionFailed)
            );
            assert_eq!(
                open(enc, &cek, &iv, b"aaD", ciphertext.clone(), &tag),
                Err(Error::DecryptionFailed)
            );
            assert_eq!(
                open(
                    enc,
                    &cek,
                    &iv,
                    b"aad",
                    ciphertext.clone(),
                    &tag[..tag.len() - 1]
                ),
                Err(Error::DecryptionFailed)
            );
            assert_eq!(
                open(enc, &cek[1..], &iv, b"aad", ciphertext.clone(), &tag),
                Err(Error::DecryptionFailed)
            );
            assert_eq!(
                open(enc, &cek, &iv[1..], b"aad", ciphertext.clone(), &tag),
                Err(Error::DecryptionFailed)
            );
            assert_eq!(
                open(enc, &cek, &iv, b"aad", ciphertext, &tag).unwrap(),
                b"attack at dawn"
            );
        }
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }
}
