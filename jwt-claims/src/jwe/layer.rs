//! The JWE layer proper: encrypting and decrypting compact JWEs with
//! typed keys.

use zeroize::Zeroizing;

use super::management::{self, Agreement, Fixed};
use super::{ContentEncryption, DecryptionKey, EncryptionKey, KeyManagement, content, header, key};
use crate::base64url;
use crate::error::{Part, echo};
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::{ConfigError, Error};

/// The checked header of a decrypted JWE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JweHeader {
    alg: KeyManagement,
    enc: ContentEncryption,
    kid: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
}

impl JweHeader {
    /// The key management algorithm (`alg`).
    pub fn algorithm(&self) -> KeyManagement {
        self.alg
    }

    /// The content encryption algorithm (`enc`).
    pub fn content_encryption(&self) -> ContentEncryption {
        self.enc
    }

    /// The `kid` that selected the key, if the token had one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The `typ`, if any.
    pub fn token_type(&self) -> Option<&str> {
        self.typ.as_deref()
    }

    /// The `cty`, if any (`JWT` for a nested, sign-then-encrypt token).
    pub fn content_type(&self) -> Option<&str> {
        self.cty.as_deref()
    }
}

/// A JWE that decrypted: its header and its plaintext.
#[derive(Clone, Debug)]
pub struct DecryptedJwe {
    header: JweHeader,
    plaintext: Vec<u8>,
}

impl DecryptedJwe {
    /// The checked header.
    pub fn header(&self) -> &JweHeader {
        &self.header
    }

    /// The plaintext.
    pub fn plaintext(&self) -> &[u8] {
        &self.plaintext
    }

    /// The plaintext, owned.
    pub fn into_plaintext(self) -> Vec<u8> {
        self.plaintext
    }
}

/// Encrypts payloads to one recipient key.
#[derive(Clone, Debug)]
pub struct JweEncrypter {
    key: EncryptionKey,
    enc: ContentEncryption,
    typ: Option<String>,
    cty: Option<String>,
}

impl JweEncrypter {
    /// Encrypts to `key` with `enc`.
    ///
    /// # Errors
    /// [`Error::EncryptionNotAllowed`] for a `dir` key whose length is not
    /// `enc`'s key length.
    pub fn new(key: EncryptionKey, enc: ContentEncryption) -> Result<JweEncrypter, Error> {
        if key.algorithm() == KeyManagement::Dir
            && let key::Recipient::Symmetric(secret) = key.recipient()
            && secret.len() != enc.key_len()
        {
            return Err(Error::EncryptionNotAllowed {
                member: "enc",
                found: enc.name().to_owned(),
            });
        }
        Ok(JweEncrypter {
            key,
            enc,
            typ: None,
            cty: None,
        })
    }

    /// Writes `typ` in every header.
    pub fn with_type(mut self, typ: impl Into<String>) -> JweEncrypter {
        self.typ = Some(typ.into());
        self
    }

    /// Writes `cty` in every header (`JWT` for a nested token).
    pub fn with_content_type(mut self, cty: impl Into<String>) -> JweEncrypter {
        self.cty = Some(cty.into());
        self
    }

    /// The key it encrypts to.
    pub fn key(&self) -> &EncryptionKey {
        &self.key
    }

    /// Encrypts `plaintext`: a compact JWE with a fresh CEK and IV.
    ///
    /// # Errors
    /// [`Error::EncryptionFailed`] when the random source or the backend
    /// fails.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<String, Error> {
        encrypt(
            &self.key,
            self.enc,
            self.typ.as_deref(),
            self.cty.as_deref(),
            plaintext,
        )
    }
}

/// Encrypts `plaintext` to `key` with `enc`, writing `typ` and `cty` in
/// the protected header.
pub(crate) fn encrypt(
    key: &EncryptionKey,
    enc: ContentEncryption,
    typ: Option<&str>,
    cty: Option<&str>,
    plaintext: &[u8],
) -> Result<String, Error> {
    let wrapped = management::wrap_for(key, enc, &[], &[], &Fixed::default())?;
    let header = header::write(
        key.algorithm(),
        enc,
        key.kid(),
        typ,
        cty,
        wrapped.epk.as_ref(),
    );
    let mut iv = vec![0; enc.iv_len()];
    crate::crypto::fill_random(&mut iv).map_err(|_| Error::EncryptionFailed)?;
    let mut protected = String::new();
    base64url::encode_into(header.as_bytes(), &mut protected);
    assemble(
        enc,
        &protected,
        &wrapped.cek,
        &wrapped.encrypted_key,
        &iv,
        plaintext,
    )
}

fn assemble(
    enc: ContentEncryption,
    protected: &str,
    cek: &[u8],
    encrypted_key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Result<String, Error> {
    let (ciphertext, tag) = content::seal(enc, cek, iv, protected.as_bytes(), plaintext)?;
    let mut out = String::with_capacity(
        protected.len()
            + (encrypted_key.len() + iv.len() + ciphertext.len() + tag.len()) * 4 / 3
            + 8,
    );
    out.push_str(protected);
    for part in [encrypted_key, iv, &ciphertext, &tag] {
        out.push('.');
        base64url::encode_into(part, &mut out);
    }
    Ok(out)
}

/// Encrypts with the randomness a published example fixes: the protected
/// header as encoded there, the CEK, the IV and the ephemeral key. For
/// the test vectors only; real tokens come from [`JweEncrypter`].
#[doc(hidden)]
pub fn __encrypt_fixed(
    key: &EncryptionKey,
    protected: &str,
    cek: Option<&[u8]>,
    iv: &[u8],
    ephemeral: Option<&DecryptionKey>,
    plaintext: &[u8],
) -> Result<String, Error> {
    let bytes = base64url::decode(protected).ok_or(Error::InvalidBase64 { part: Part::Header })?;
    let header = header::parse(&bytes)?;
    let fixed = Fixed { cek, ephemeral };
    let wrapped = management::wrap_for(key, header.enc, &header.apu, &header.apv, &fixed)?;
    assemble(
        header.enc,
        protected,
        &wrapped.cek,
        &wrapped.encrypted_key,
        iv,
        plaintext,
    )
}

/// Decrypts JWEs with configured keys.
#[derive(Clone, Debug)]
pub struct JweDecrypter {
    keys: Vec<DecryptionKey>,
    encs: Vec<ContentEncryption>,
    max_size: usize,
}

impl JweDecrypter {
    /// Decrypts with `key`, any content encryption, tokens up to
    /// [`DEFAULT_MAX_TOKEN_SIZE`].
    pub fn new(key: DecryptionKey) -> JweDecrypter {
        JweDecrypter {
            keys: vec![key],
            encs: ContentEncryption::ALL.to_vec(),
            max_size: DEFAULT_MAX_TOKEN_SIZE,
        }
    }

    /// Adds a key (a rotation: the token's `kid` picks one).
    ///
    /// # Errors
    /// [`ConfigError::DuplicateKeyId`] for a second key of one `kid`.
    pub fn with_key(mut self, key: DecryptionKey) -> Result<JweDecrypter, Error> {
        check_key_ids(self.keys.iter().chain([&key]), "the JWE decrypter")?;
        self.keys.push(key);
        Ok(self)
    }

    /// Accepts only these content encryptions.
    pub fn with_content_encryptions(
        mut self,
        encs: impl IntoIterator<Item = ContentEncryption>,
    ) -> JweDecrypter {
        self.encs = encs.into_iter().collect();
        self
    }

    /// Refuses tokens over `bytes` before decoding anything.
    pub fn with_max_size(mut self, bytes: usize) -> JweDecrypter {
        self.max_size = bytes;
        self
    }

    /// Decrypts `token`.
    ///
    /// # Errors
    /// [`Error::TokenTooLarge`], [`Error::WrongSegmentCount`],
    /// [`Error::InvalidBase64`], the header's errors
    /// ([`Error::UnsupportedEncryption`], [`Error::UnsupportedHeader`] for
    /// `zip` or a bad `epk`, [`Error::UnsupportedCritical`]),
    /// [`Error::EncryptionNotAllowed`], [`Error::UnknownKey`], and
    /// [`Error::DecryptionFailed`] for everything after the header.
    pub fn decrypt(&self, token: &str) -> Result<DecryptedJwe, Error> {
        if token.len() > self.max_size {
            return Err(Error::TokenTooLarge {
                limit: self.max_size,
                found: token.len(),
            });
        }
        let (header, mut plaintext) = decrypt(token, &self.keys, &self.encs)?;
        Ok(DecryptedJwe {
            header: JweHeader {
                alg: header.alg,
                enc: header.enc,
                kid: header.kid,
                typ: header.typ,
                cty: header.cty,
            },
            // The caller's from here: moved out, not copied (a copy would
            // leave the plaintext in two places, one of them zeroized).
            plaintext: core::mem::take(&mut *plaintext),
        })
    }
}

/// Refuses two keys of one `kid` in one key list.
pub(crate) fn check_key_ids<'a>(
    keys: impl Iterator<Item = &'a DecryptionKey>,
    owner: &str,
) -> Result<(), Error> {
    let mut seen = std::collections::HashSet::new();
    for kid in keys.filter_map(DecryptionKey::kid) {
        if !seen.insert(kid) {
            return Err(ConfigError::DuplicateDecryptionKeyId {
                purpose: owner.to_owned(),
                kid: kid.to_owned(),
            }
            .into());
        }
    }
    Ok(())
}

/// The five parts of a compact JWE, found without scanning the
/// ciphertext: the first three dots from the front, the last from the
/// back. A dot inside the ciphertext (more than five parts) is told by
/// [`decrypt`], which reports the count for any failure then, as if it had
/// counted first.
fn split(token: &str) -> Option<[&str; 5]> {
    let (protected, rest) = token.split_once('.')?;
    let (encrypted_key, rest) = rest.split_once('.')?;
    let (iv, rest) = rest.split_once('.')?;
    let (ciphertext, tag) = rest.rsplit_once('.')?;
    Some([protected, encrypted_key, iv, ciphertext, tag])
}

/// Decrypts a compact JWE whose size the caller checked: its header and
/// plaintext.
pub(crate) fn decrypt(
    token: &str,
    keys: &[DecryptionKey],
    encs: &[ContentEncryption],
) -> Result<(header::Header, Zeroizing<Vec<u8>>), Error> {
    let wrong_count = || Error::WrongSegmentCount {
        found: token.split('.').count(),
    };
    let parts = split(token).ok_or_else(wrong_count)?;
    // base64url has no dot: a ciphertext with one fails to decode, and
    // every failure is checked for it here.
    decrypt_parts(parts, keys, encs).map_err(|err| {
        if parts[3].contains('.') {
            wrong_count()
        } else {
            err
        }
    })
}

fn decrypt_parts(
    [protected, encrypted_key, iv, ciphertext, tag]: [&str; 5],
    keys: &[DecryptionKey],
    encs: &[ContentEncryption],
) -> Result<(header::Header, Zeroizing<Vec<u8>>), Error> {
    let header_bytes =
        base64url::decode(protected).ok_or(Error::InvalidBase64 { part: Part::Header })?;
    let header = header::parse(&header_bytes)?;
    if !encs.contains(&header.enc) {
        return Err(Error::EncryptionNotAllowed {
            member: "enc",
            found: header.enc.name().to_owned(),
        });
    }
    // The key the `kid` names, if the token has one: then no other.
    let named = match &header.kid {
        Some(kid) => Some(
            keys.iter()
                .find(|key| key.kid() == Some(kid))
                .ok_or_else(|| Error::UnknownKey { kid: echo(kid) })?,
        ),
        None => None,
    };
    let mut candidates = keys
        .iter()
        .filter(|key| named.is_none_or(|named| core::ptr::eq(named, *key)))
        .filter(|key| key.algorithm() == header.alg)
        .peekable();
    if candidates.peek().is_none() {
        return Err(Error::EncryptionNotAllowed {
            member: "alg",
            found: header.alg.name().to_owned(),
        });
    }
    let segment =
        |text: &str, part: Part| base64url::decode(text).ok_or(Error::InvalidBase64 { part });
    let encrypted_key = segment(encrypted_key, Part::EncryptedKey)?;
    let iv = segment(iv, Part::Iv)?;
    // Decrypted in place, with room for the tag GCM appends to it.
    let mut body = Vec::with_capacity(ciphertext.len().div_ceil(4) * 3 + header.enc.tag_len());
    base64url::decode_into(ciphertext, &mut body).ok_or(Error::InvalidBase64 {
        part: Part::Ciphertext,
    })?;
    let tag = segment(tag, Part::Tag)?;
    let agreement = Agreement {
        epk: header.epk.as_ref(),
        apu: &header.apu,
        apv: &header.apv,
    };
    while let Some(key) = candidates.next() {
        let Ok(cek) = management::unwrap_with(key, header.enc, &encrypted_key, &agreement) else {
            continue;
        };
        // A failed open leaves its buffer undefined: every candidate but
        // the last opens a copy.
        let body = if candidates.peek().is_some() {
            body.clone()
        } else {
            core::mem::take(&mut body)
        };
        if let Ok(plaintext) =
            content::open(header.enc, &cek, &iv, protected.as_bytes(), body, &tag)
        {
            return Ok((header, Zeroizing::new(plaintext)));
        }
    }
    Err(Error::DecryptionFailed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<DecryptionKey> {
        let mut keys: Vec<DecryptionKey> = KeyManagement::ALL
            .into_iter()
            .map(|alg| DecryptionKey::generate(alg).unwrap())
            .collect();
        for jwk in [
            // RFC 7748 §6.1's Alice, as an X25519 JWK.
            r#"{"kty":"OKP","crv":"X25519","d":"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo","x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}"#,
        ] {
            for alg in [
                KeyManagement::EcdhEs,
                KeyManagement::EcdhEsA128Kw,
                KeyManagement::EcdhEsA256Kw,
            ] {
                keys.push(DecryptionKey::from_jwk(alg, jwk).unwrap());
            }
        }
        keys
    }

    #[test]
    fn every_algorithm_pair_round_trips_and_refuses_a_flipped_tag() {
        for key in keys() {
            for enc in ContentEncryption::ALL {
                if key.algorithm() == KeyManagement::Dir && enc.key_len() != 32 {
                    continue;
                }
                let token = JweEncrypter::new(key.encryption_key(), enc)
                    .unwrap()
                    .with_content_type("JWT")
                    .encrypt(b"plaintext")
                    .unwrap();
                let decrypter = JweDecrypter::new(key.clone());
                let decrypted = decrypter.decrypt(&token).unwrap();
                assert_eq!(decrypted.plaintext(), b"plaintext", "{key:?} {enc}");
                assert_eq!(decrypted.header().content_type(), Some("JWT"));
                let (rest, tag) = token.rsplit_once('.').unwrap();
                let flipped = if tag.starts_with('A') { "B" } else { "A" };
                let bad = format!("{rest}.{flipped}{}", &tag[1..]);
                assert_eq!(
                    decrypter.decrypt(&bad).unwrap_err(),
                    Error::DecryptionFailed,
                    "{key:?} {enc}"
                );
            }
        }
    }

    #[test]
    fn the_segment_count_comes_first_whatever_else_is_wrong() {
        let decrypter = JweDecrypter::new(DecryptionKey::generate(KeyManagement::A128Kw).unwrap());
        let token = JweEncrypter::new(
            decrypter.keys[0].encryption_key(),
            ContentEncryption::A128Gcm,
        )
        .unwrap()
        .encrypt(b"plaintext")
        .unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let bad_header = format!("e30.{}", parts[1..].join("."));
        for (token, found) in [
            ("".to_owned(), 1),
            ("a.b.c.d".to_owned(), 4),
            (parts[..4].join("."), 4),
            // A dot in the ciphertext: six parts, with a good header...
            (
                format!("{}.{}.x.{}", parts[0], parts[1..4].join("."), parts[4]),
                6,
            ),
            // ... or one that fails to parse, or to decode.
            (format!("{bad_header}.x"), 6),
            (format!("!.{}.x.y", parts[1..].join(".")), 7),
        ] {
            assert_eq!(
                decrypter.decrypt(&token).unwrap_err(),
                Error::WrongSegmentCount { found },
                "{token}"
            );
        }
        // Five parts: the header's own error (`{}` names no algorithm).
        assert_eq!(
            decrypter.decrypt(&bad_header).unwrap_err(),
            Error::MissingAlgorithm
        );
        assert_eq!(decrypter.decrypt(&token).unwrap().plaintext(), b"plaintext");
    }

    #[test]
    fn refuses_rsa1_5_pbes2_and_zip_by_name() {
        let key = DecryptionKey::generate(KeyManagement::A128Kw).unwrap();
        let decrypter = JweDecrypter::new(key);
        let token = |header: &str| {
            let mut out = String::new();
            base64url::encode_into(header.as_bytes(), &mut out);
            out.push_str(".AAAA.AAAA.AAAA.AAAA");
            out
        };
        let err = decrypter
            .decrypt(&token(r#"{"alg":"RSA1_5","enc":"A128GCM"}"#))
            .unwrap_err();
        assert!(
            matches!(err, Error::UnsupportedEncryption { member: "alg", .. }),
            "{err}"
        );
        let err = decrypter
            .decrypt(&token(
                r#"{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2c":100000000}"#,
            ))
            .unwrap_err();
        assert!(
            matches!(err, Error::UnsupportedEncryption { member: "alg", .. }),
            "{err}"
        );
        let err = decrypter
            .decrypt(&token(r#"{"alg":"A128KW","enc":"A128GCM","zip":"DEF"}"#))
            .unwrap_err();
        assert!(
            matches!(err, Error::UnsupportedHeader { name: "zip", .. }),
            "{err}"
        );
        let err = decrypter
            .decrypt(&token(
                r#"{"alg":"A128KW","enc":"A128GCM","crit":["x"],"x":1}"#,
            ))
            .unwrap_err();
        assert_eq!(err, Error::UnsupportedCritical);
        let err = decrypter
            .decrypt(&token(r#"{"alg":"A128KW","enc":"A128GCM","alg":"dir"}"#))
            .unwrap_err();
        assert_eq!(
            err,
            Error::DuplicateMember {
                part: Part::Header,
                name: "alg".to_owned()
            }
        );
    }
}
