//! The JWE fixture and its floor: one sign-then-encrypt access token per
//! key management algorithm, and the aws-lc-rs primitives jwt-claims' JWE
//! layer calls, timed alone.
//!
//! The token is the HS256 fixture token of [`fixture`]
//! (424 bytes), encrypted with A256GCM to the receiving service's key
//! (`cty: "JWT"`, RFC 7519 §5.2): `dir` and `A256KW` with a 32-byte
//! secret, `ECDH-ES+A256KW` with the P-256 key and `RSA-OAEP-256` with the
//! RSA 2048 key of `tests/keys`.
//!
//! The floor ([`PrimitiveDecrypter`], [`PrimitiveEncrypter`]) is the JWE
//! work without JOSE: the token's parts decoded once, outside the timed
//! code, then only what the key management and content encryption need,
//! each a single aws-lc-rs call: for `dir`, the GCM key set up and one
//! open; `A256KW` adds one AES key unwrap; `ECDH-ES+A256KW` one P-256
//! agreement (the ephemeral key parsed from its point, as it arrives with
//! each token) and the Concat KDF's one SHA-256 before the unwrap;
//! `RSA-OAEP-256` one OAEP decryption. What jwt-claims spends beyond that
//! is its JOSE steps: splitting and base64url, the header's JSON and
//! rules, key selection, allocation.

use aws_lc_rs::aead::{self, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::agreement::{self, ParsedPublicKey, UnparsedPublicKey};
use aws_lc_rs::digest;
use aws_lc_rs::error::Unspecified;
use aws_lc_rs::key_wrap::{AES_256, AesKek, KeyWrap};
use aws_lc_rs::rsa::{
    OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    PrivateDecryptingKey, PublicEncryptingKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use jwt_claims::jwe::{
    ContentEncryption, DecryptionKey, JweDecrypter, JweEncrypter, KeyManagement,
};
use jwt_claims::{Claims, FixedClock, Signer, Verifier};
use serde::{Deserialize, Serialize};

use crate::fixture::{self, Access, EXPIRES_AT, ISSUED_AT, ISSUER, JWT_ID, SUBJECT, pem};

/// The shared secret of `dir` (the CEK itself) and `A256KW`.
pub const SECRET: &[u8; 32] = b"jwt-claims benchmark JWE key 32B";

/// The content encryption of every token.
pub const ENC: ContentEncryption = ContentEncryption::A256Gcm;

/// The key management algorithms benchmarked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jwe {
    /// `dir`: the shared secret is the CEK.
    Dir,
    /// `A256KW`: the secret wraps a fresh CEK.
    A256Kw,
    /// `ECDH-ES+A256KW` on P-256.
    EcdhEsA256Kw,
    /// `RSA-OAEP-256`, RSA 2048.
    RsaOaep256,
}

impl Jwe {
    /// Every algorithm benchmarked.
    pub const ALL: [Jwe; 4] = [Jwe::Dir, Jwe::A256Kw, Jwe::EcdhEsA256Kw, Jwe::RsaOaep256];

    /// jwt-claims' algorithm.
    pub fn algorithm(self) -> KeyManagement {
        match self {
            Jwe::Dir => KeyManagement::Dir,
            Jwe::A256Kw => KeyManagement::A256Kw,
            Jwe::EcdhEsA256Kw => KeyManagement::EcdhEsA256Kw,
            Jwe::RsaOaep256 => KeyManagement::RsaOaep256,
        }
    }

    /// The `alg` name.
    pub fn name(self) -> &'static str {
        self.algorithm().name()
    }

    /// The private key PEM (`None` for the shared secret).
    pub fn private_pem(self) -> Option<&'static str> {
        match self {
            Jwe::Dir | Jwe::A256Kw => None,
            Jwe::EcdhEsA256Kw => Some(pem::P256),
            Jwe::RsaOaep256 => Some(pem::RSA2048),
        }
    }

    /// The public key PEM (`None` for the shared secret).
    pub fn public_pem(self) -> Option<&'static str> {
        match self {
            Jwe::Dir | Jwe::A256Kw => None,
            Jwe::EcdhEsA256Kw => Some(pem::P256_PUB),
            Jwe::RsaOaep256 => Some(pem::RSA2048_PUB),
        }
    }

    /// The receiving service's key.
    pub fn decryption_key(self) -> DecryptionKey {
        match self.private_pem() {
            None => DecryptionKey::from_secret(self.algorithm(), SECRET),
            Some(pem) => DecryptionKey::from_pem(self.algorithm(), pem.as_bytes()),
        }
        .expect("test key parses")
    }
}

/// The fixture's access token as an encrypted purpose: the same claims,
/// signed, then encrypted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "at+jwt", ttl = "15m", require = ["sub", "nbf"], encrypted)]
pub struct SealedAccess {
    /// The organisation the token acts for.
    pub org_id: u64,
    /// The role within it.
    pub role: String,
    /// Space-separated OAuth scopes.
    pub scope: String,
    /// Whether the subject's e-mail address is verified.
    pub email_verified: bool,
}

impl SealedAccess {
    /// The claims of every fixture token.
    pub fn fixture() -> SealedAccess {
        let Access {
            org_id,
            role,
            scope,
            email_verified,
        } = Access::fixture();
        SealedAccess {
            org_id,
            role,
            scope,
            email_verified,
        }
    }
}

fn signer_builder(jwe: Jwe) -> jwt_claims::SignerBuilder {
    Signer::builder()
        .issuer(ISSUER)
        .key::<SealedAccess>(fixture::hmac_key())
        .encryption_key::<SealedAccess>(jwe.decryption_key().encryption_key())
}

/// A signer on the system clock, as a service runs it, for encoding.
pub fn signer(jwe: Jwe) -> Signer {
    signer_builder(jwe).build().expect("valid signer")
}

/// A verifier on the system clock: the HS256 key and the decryption key
/// of the purpose.
pub fn verifier(jwe: Jwe) -> Verifier {
    Verifier::builder()
        .issuer(ISSUER)
        .key::<SealedAccess>(fixture::hmac_key())
        .decryption_key::<SealedAccess>(jwe.decryption_key())
        .build()
        .expect("valid verifier")
}

/// The JWE layer's decrypter for `jwe`, A256GCM only.
pub fn decrypter(jwe: Jwe) -> JweDecrypter {
    JweDecrypter::new(jwe.decryption_key()).with_content_encryptions([ENC])
}

/// The JWE layer's encrypter for `jwe`: A256GCM, `cty: "JWT"`, as the
/// signer writes it.
pub fn encrypter(jwe: Jwe) -> JweEncrypter {
    JweEncrypter::new(jwe.decryption_key().encryption_key(), ENC)
        .expect("A256GCM fits every key")
        .with_content_type("JWT")
}

/// The fixture token for `jwe`: the fixture claims issued at
/// [`ISSUED_AT`], expiring at [`EXPIRES_AT`], signed with HS256, then
/// encrypted.
pub fn token(jwe: Jwe) -> String {
    let expires = DateTime::from_timestamp(EXPIRES_AT, 0).expect("2100-01-01 is in range");
    signer_builder(jwe)
        .clock(FixedClock::at_timestamp(ISSUED_AT))
        .build()
        .expect("valid signer")
        .issue(&SealedAccess::fixture())
        .subject(SUBJECT)
        .jwt_id(JWT_ID)
        .expires_at(expires)
        .encode()
        .expect("fixture token encodes")
        .into_string()
}

/// The DER inside a PEM.
fn der(pem_text: &str) -> Vec<u8> {
    ::pem::parse(pem_text)
        .expect("test key PEM")
        .into_contents()
}

fn b64(part: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(part).expect("base64url")
}

/// The five parts of a compact JWE, decoded, and the ephemeral key's
/// point of its header.
struct Parts {
    /// The encoded protected header: the AAD.
    aad: Vec<u8>,
    encrypted_key: Vec<u8>,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    tag: Vec<u8>,
    /// `04 || x || y` of `epk`.
    epk: Option<Vec<u8>>,
}

impl Parts {
    fn of(token: &str) -> Parts {
        let parts: Vec<&str> = token.split('.').collect();
        let [protected, encrypted_key, iv, ciphertext, tag] = parts[..] else {
            panic!("a compact JWE");
        };
        let header: serde_json::Value =
            serde_json::from_slice(&b64(protected)).expect("header JSON");
        let epk = header.get("epk").map(|epk| {
            let coordinate = |name: &str| b64(epk[name].as_str().expect("a coordinate"));
            let mut point = vec![0x04];
            point.extend(coordinate("x"));
            point.extend(coordinate("y"));
            point
        });
        Parts {
            aad: protected.as_bytes().to_vec(),
            encrypted_key: b64(encrypted_key),
            iv: b64(iv),
            ciphertext: b64(ciphertext),
            tag: b64(tag),
            epk,
        }
    }
}

/// The Concat KDF of RFC 7518 §4.6.2 for `ECDH-ES+A256KW` without party
/// infos: one SHA-256 of `counter || Z || OtherInfo`.
fn concat_kdf_a256kw(z: &[u8]) -> [u8; 32] {
    const ALG: &[u8] = b"ECDH-ES+A256KW";
    let mut other = [0u8; 4 + ALG.len() + 4 + 4 + 4];
    other[..4].copy_from_slice(&(ALG.len() as u32).to_be_bytes());
    other[4..4 + ALG.len()].copy_from_slice(ALG);
    // apu and apv: empty (their lengths stay zero), then the key length.
    let len = other.len();
    other[len - 4..].copy_from_slice(&256u32.to_be_bytes());
    let mut context = digest::Context::new(&digest::SHA256);
    context.update(&1u32.to_be_bytes());
    context.update(z);
    context.update(&other);
    let mut out = [0; 32];
    out.copy_from_slice(context.finish().as_ref());
    out
}

fn gcm_key(cek: &[u8]) -> Result<LessSafeKey, Unspecified> {
    Ok(LessSafeKey::new(UnboundKey::new(&aead::AES_256_GCM, cek)?))
}

/// The private half of the floor's key.
enum Private {
    Secret,
    Ecdh(agreement::PrivateKey),
    Rsa(OaepPrivateDecryptingKey),
}

/// The floor's decryption of one fixture token: its parts decoded once,
/// then the primitives alone.
pub struct PrimitiveDecrypter {
    jwe: Jwe,
    key: Private,
    parts: Parts,
    /// The ciphertext and tag, opened in place.
    buf: Vec<u8>,
}

impl PrimitiveDecrypter {
    /// The floor for `token`, a fixture token of `jwe`.
    pub fn new(jwe: Jwe, token: &str) -> PrimitiveDecrypter {
        let key = match jwe {
            Jwe::Dir | Jwe::A256Kw => Private::Secret,
            Jwe::EcdhEsA256Kw => Private::Ecdh(
                agreement::PrivateKey::from_private_key_der(&agreement::ECDH_P256, &der(pem::P256))
                    .expect("test key parses"),
            ),
            Jwe::RsaOaep256 => Private::Rsa(
                OaepPrivateDecryptingKey::new(
                    PrivateDecryptingKey::from_pkcs8(&der(pem::RSA2048)).expect("test key parses"),
                )
                .expect("an RSA key"),
            ),
        };
        PrimitiveDecrypter {
            jwe,
            key,
            parts: Parts::of(token),
            buf: Vec::with_capacity(4096),
        }
    }

    /// The plaintext: the CEK recovered, then one GCM open.
    ///
    /// # Errors
    /// When a primitive fails (never, for the fixture token).
    pub fn open(&mut self) -> Result<&[u8], Unspecified> {
        let parts = &self.parts;
        let mut cek = [0u8; 32];
        let mut kek = [0u8; 32];
        match (&self.key, self.jwe) {
            (_, Jwe::Dir) => cek = *SECRET,
            (_, Jwe::A256Kw) => unwrap_into(SECRET, &parts.encrypted_key, &mut cek)?,
            (Private::Ecdh(private), _) => {
                let epk = parts.epk.as_deref().ok_or(Unspecified)?;
                kek = agreement::agree(
                    private,
                    UnparsedPublicKey::new(&agreement::ECDH_P256, epk),
                    Unspecified,
                    |z| Ok(concat_kdf_a256kw(z)),
                )?;
                unwrap_into(&kek, &parts.encrypted_key, &mut cek)?;
            }
            (Private::Rsa(private), _) => {
                let mut out = [0u8; 256];
                let plain = private.decrypt(
                    &OAEP_SHA256_MGF1SHA256,
                    &parts.encrypted_key,
                    &mut out,
                    None,
                )?;
                cek.copy_from_slice(plain);
            }
            _ => return Err(Unspecified),
        }
        let key = gcm_key(&cek)?;
        cek.fill(0);
        kek.fill(0);
        self.buf.clear();
        self.buf.extend_from_slice(&parts.ciphertext);
        self.buf.extend_from_slice(&parts.tag);
        let nonce = Nonce::try_assume_unique_for_key(&parts.iv)?;
        let plaintext = key.open_in_place(nonce, Aad::from(&parts.aad[..]), &mut self.buf)?;
        Ok(plaintext)
    }
}

fn unwrap_into(kek: &[u8], wrapped: &[u8], cek: &mut [u8; 32]) -> Result<(), Unspecified> {
    let mut out = [0u8; 40];
    let unwrapped = AesKek::new(&AES_256, kek)?.unwrap(wrapped, &mut out)?;
    cek.copy_from_slice(unwrapped);
    out.fill(0);
    Ok(())
}

/// The public half of the floor's key.
enum Public {
    Secret,
    /// The recipient's point, parsed once.
    Ecdh(ParsedPublicKey),
    Rsa(OaepPublicEncryptingKey),
}

/// The floor's encryption to one recipient: fresh CEK and IV, the key
/// management's primitives, one GCM seal, over the fixture token's header
/// as AAD; no header is written and nothing is base64url-encoded.
pub struct PrimitiveEncrypter {
    jwe: Jwe,
    key: Public,
    aad: Vec<u8>,
    /// The plaintext, sealed in place.
    buf: Vec<u8>,
}

impl PrimitiveEncrypter {
    /// The floor for `jwe`'s recipient; `token` gives the AAD's length.
    pub fn new(jwe: Jwe, token: &str) -> PrimitiveEncrypter {
        let key = match jwe.public_pem() {
            None => Public::Secret,
            Some(pem) => match jwe {
                Jwe::EcdhEsA256Kw => {
                    let spki = der(pem);
                    // The SubjectPublicKeyInfo ends with the 65-byte point.
                    let point = &spki[spki.len() - 65..];
                    Public::Ecdh(
                        ParsedPublicKey::try_from(&UnparsedPublicKey::new(
                            &agreement::ECDH_P256,
                            point,
                        ))
                        .expect("a P-256 point"),
                    )
                }
                _ => Public::Rsa(
                    OaepPublicEncryptingKey::new(
                        PublicEncryptingKey::from_der(&der(pem)).expect("test key parses"),
                    )
                    .expect("an RSA key"),
                ),
            },
        };
        PrimitiveEncrypter {
            jwe,
            key,
            aad: token
                .split('.')
                .next()
                .expect("a header")
                .as_bytes()
                .to_vec(),
            buf: Vec::with_capacity(4096),
        }
    }

    /// Encrypts `plaintext`: the bytes of the encrypted key, IV,
    /// ciphertext and tag it produced, summed (so nothing is optimised
    /// away).
    ///
    /// # Errors
    /// When a primitive or the random source fails.
    pub fn seal(&mut self, plaintext: &[u8]) -> Result<usize, Unspecified> {
        let mut cek = [0u8; 32];
        let mut iv = [0u8; 12];
        aws_lc_rs::rand::fill(&mut iv)?;
        let mut wrapped = [0u8; 256];
        let wrapped_len = match (&self.key, self.jwe) {
            (_, Jwe::Dir) => {
                cek = *SECRET;
                0
            }
            (_, Jwe::A256Kw) => {
                aws_lc_rs::rand::fill(&mut cek)?;
                AesKek::new(&AES_256, SECRET)?
                    .wrap(&cek, &mut wrapped)?
                    .len()
            }
            (Public::Ecdh(recipient), _) => {
                aws_lc_rs::rand::fill(&mut cek)?;
                let ephemeral = agreement::PrivateKey::generate(&agreement::ECDH_P256)?;
                let public = ephemeral.compute_public_key()?;
                let kek = agreement::agree(&ephemeral, recipient.clone(), Unspecified, |z| {
                    Ok(concat_kdf_a256kw(z))
                })?;
                let len = AesKek::new(&AES_256, &kek)?.wrap(&cek, &mut wrapped)?.len();
                len + public.as_ref().len()
            }
            (Public::Rsa(recipient), _) => {
                aws_lc_rs::rand::fill(&mut cek)?;
                recipient
                    .encrypt(&OAEP_SHA256_MGF1SHA256, &cek, &mut wrapped, None)?
                    .len()
            }
            _ => return Err(Unspecified),
        };
        let key = gcm_key(&cek)?;
        cek.fill(0);
        self.buf.clear();
        self.buf.extend_from_slice(plaintext);
        let nonce = Nonce::try_assume_unique_for_key(&iv)?;
        let tag = key.seal_in_place_separate_tag(nonce, Aad::from(&self.aad[..]), &mut self.buf)?;
        Ok(wrapped_len + iv.len() + self.buf.len() + tag.as_ref().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_opens_every_fixture_token_to_its_jws() {
        for jwe in Jwe::ALL {
            let token = token(jwe);
            let jws = decrypter(jwe)
                .decrypt(&token)
                .expect("decrypts")
                .into_plaintext();
            let mut floor = PrimitiveDecrypter::new(jwe, &token);
            assert_eq!(floor.open().expect("opens"), &jws[..], "{jwe:?}");
            let mut encrypter = PrimitiveEncrypter::new(jwe, &token);
            assert!(encrypter.seal(&jws).expect("seals") > jws.len());
        }
    }
}
