//! Attacks on JWE and on encrypted purposes (`#[jwt(encrypted)]`), each
//! refused with its exact error: invalid and small-order ephemeral keys,
//! tampered tags, ciphertexts, IVs, headers and key lengths, the
//! algorithms refused by name, headers that try to supply a key, and inner
//! tokens of another purpose, key or no signature at all.
//!
//! Where a refusal could be mistaken for a tag that happens not to match,
//! the forged token is made valid for a careless implementation first (the
//! content encrypted with the key such an implementation would derive), so
//! that only the check under test stands between it and the plaintext.
//!
//! Not tested here because the compiler refuses it: a signing key is never
//! a decryption key. [`jwt_claims::PrivateKey`], [`jwt_claims::HmacKey`]
//! and [`jwt_claims::SigningKey`] have no conversion into
//! [`DecryptionKey`] or [`EncryptionKey`], nor the reverse, so
//! `VerifierBuilder::decryption_key::<T>(PrivateKey::from_pem(..)?)` or
//! `SignerBuilder::key::<T>(DecryptionKey::generate(..)?)` does not
//! compile, and a key is bound to one key management algorithm when it is
//! built. What can only be told at run time, a JWK published for signing
//! (`"use": "sig"`) offered as a decryption key, is tested below.

use std::time::{Duration, Instant};

use jwt_claims::jwe::{
    __encrypt_fixed, ContentEncryption, DecryptedJwe, DecryptionKey, EncryptionKey, JweDecrypter,
    JweEncrypter, KeyManagement,
};
use jwt_claims::{Claims, ConfigError, Error, Nested, Policy, RuntimePurpose, Signer, Verifier};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::jwe_vectors::concat_kdf;
use crate::support::*;

// ----- purposes -----

/// The billing access token, signed, then encrypted to the billing
/// service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", ttl = "15m", require = ["sub"], encrypted)]
struct SealedBilling {
    org_id: u64,
    role: String,
}

/// Same `typ`, another audience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "reports", ttl = "15m", encrypted)]
struct SealedReports {
    org_id: u64,
}

/// Same audience, another `typ`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "refresh", aud = "billing", ttl = "30d", encrypted)]
struct SealedRefresh {
    session: String,
}

/// An encrypted purpose that accepts only A256GCM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "vault", ttl = "15m", encrypted, enc = "A256GCM")]
struct GcmOnly {
    org_id: u64,
}

/// An encrypted grant, carried inside a plain token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "grant", aud = "billing", ttl = "5m", encrypted)]
struct SealedGrant {
    scope: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(typ = "delegated-access", aud = "billing", ttl = "15m")]
struct CarriesSealedGrant {
    org_id: u64,
    #[jwt(nested)]
    grant: Nested<SealedGrant>,
}

/// An encrypted token that may carry another of its kind.
#[derive(Debug, Clone, Serialize, Deserialize, Claims)]
#[jwt(typ = "sealed-chain", aud = "chain", ttl = "5m", encrypted)]
struct SealedChain {
    link: u32,
    #[jwt(nested)]
    next: Option<Nested<SealedChain>>,
}

// ----- keys -----

const OCT16: &str = include_str!("../interop/jwe_keys/oct16.jwk.json");
const OCT32: &str = include_str!("../interop/jwe_keys/oct32.jwk.json");
const OCT64: &str = include_str!("../interop/jwe_keys/oct64.jwk.json");
const P256: &str = include_str!("../interop/jwe_keys/p256.jwk.json");
const P384: &str = include_str!("../interop/jwe_keys/p384.jwk.json");
const X25519: &str = include_str!("../interop/jwe_keys/x25519.jwk.json");
const RSA2048: &str = include_str!("../interop/jwe_keys/rsa2048.jwk.json");

/// RFC 7520 §5.5's P-256 key: its private scalar is odd, which the
/// order-2 invalid-curve attack below needs.
const ODD_P256: &str = r#"{"kty":"EC","crv":"P-256",
  "x":"Ze2loSV3wrroKUN_4zhwGhCqo3Xhu1td4QjeQ5wIVR0",
  "y":"HlLtdXARY_f55A3fnzQbPcm6hgr34Mp8p-nuzQCE0Zw",
  "d":"r_kHyZ-a06rmxM3yESK84r1otSg-aQcVStkRhA-iCM8"}"#;

/// RFC 7748 §6.1: Alice's X25519 key, Bob's public key, and the secret
/// they share.
const ALICE_X25519: &str = r#"{"kty":"OKP","crv":"X25519",
  "d":"dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo",
  "x":"hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"}"#;
const BOB_X25519_PUBLIC: &str = "3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08";
const ALICE_BOB_SHARED: &str = "Sl2dW6TOLeFyjjv0gDUPJeB-IclH0Z4zdvCbPB4WF0I";

/// The fixed JWK of `alg`, whose secret, for `dir`, is `enc`'s key.
fn fixed_jwk(alg: KeyManagement, enc: ContentEncryption) -> &'static str {
    match alg {
        KeyManagement::Dir => match enc.key_len() {
            16 => OCT16,
            32 => OCT32,
            _ => OCT64,
        },
        KeyManagement::A128Kw => OCT16,
        KeyManagement::A256Kw => OCT32,
        KeyManagement::RsaOaep | KeyManagement::RsaOaep256 => RSA2048,
        _ => P256,
    }
}

/// The fixed key of `alg` (with its `kid`), for `enc`.
fn fixed_key(alg: KeyManagement, enc: ContentEncryption) -> DecryptionKey {
    DecryptionKey::from_jwk(alg, fixed_jwk(alg, enc)).unwrap_or_else(|err| panic!("{alg}: {err}"))
}

/// The same key without a `kid`.
fn unnamed(alg: KeyManagement, enc: ContentEncryption) -> DecryptionKey {
    let jwk = without(serde_json::from_str(fixed_jwk(alg, enc)).unwrap(), "kid");
    DecryptionKey::from_jwk(alg, &jwk.to_string()).unwrap()
}

/// The billing service's key: every sealed purpose is encrypted to it.
fn billing_key() -> DecryptionKey {
    DecryptionKey::from_jwk(KeyManagement::EcdhEsA256Kw, P256).unwrap()
}

/// Another service's key, of the same algorithm and `kid`.
fn stranger_key() -> DecryptionKey {
    DecryptionKey::generate(KeyManagement::EcdhEsA256Kw)
        .unwrap()
        .with_kid("jwe-p256")
}

/// A signer that encrypts every sealed purpose to `to`.
fn sealing_signer(to: &DecryptionKey) -> Signer {
    let to = to.encryption_key();
    Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(key())
        .encryption_key::<SealedBilling>(to.clone())
        .encryption_key::<SealedReports>(to.clone())
        .encryption_key::<SealedRefresh>(to.clone())
        .encryption_key::<GcmOnly>(to.clone())
        .encryption_key::<SealedGrant>(to.clone())
        .encryption_key::<SealedChain>(to)
        .build()
        .unwrap()
}

/// A verifier that decrypts every sealed purpose with [`billing_key`].
fn opening_verifier() -> Verifier {
    verifier_builder()
        .shared_key(key())
        .shared_decryption_key(billing_key())
        .build()
        .unwrap()
}

fn sealed_billing() -> SealedBilling {
    SealedBilling {
        org_id: 7,
        role: "admin".into(),
    }
}

/// A billing token from the library, encrypted to `to`.
fn sealed_billing_token(to: &DecryptionKey) -> String {
    sealing_signer(to)
        .issue(&sealed_billing())
        .subject("user-1")
        .encode()
        .unwrap()
        .into_string()
}

/// `jws` encrypted to the billing key as a nested JWT would be.
fn seal(jws: &str) -> String {
    JweEncrypter::new(billing_key().encryption_key(), ContentEncryption::A256Gcm)
        .unwrap()
        .with_content_type("JWT")
        .encrypt(jws.as_bytes())
        .unwrap()
}

fn encrypted(source: Error) -> Error {
    Error::Encrypted {
        source: Box::new(source),
    }
}

fn nested(path: &str, source: Error) -> Error {
    Error::Nested {
        path: path.into(),
        source: Box::new(source),
    }
}

// ----- token surgery -----

fn decrypt(key: &DecryptionKey, token: &str) -> Result<DecryptedJwe, Error> {
    JweDecrypter::new(key.clone()).decrypt(token)
}

fn part(token: &str, index: usize) -> Vec<u8> {
    unb64(token.split('.').nth(index).expect("five parts"))
}

/// `token` with part `index` (decoded) changed by `edit`.
fn edit_part(token: &str, index: usize, edit: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut bytes = part(token, index);
    edit(&mut bytes);
    replace_segment(token, index, &b64(&bytes))
}

/// The protected header of a token, decoded.
fn header_json(token: &str) -> Value {
    serde_json::from_slice(&part(token, 0)).unwrap()
}

/// A token with `header` and placeholder parts of plausible lengths: for
/// refusals decided by the header alone.
fn with_header_only(header: &str) -> String {
    format!(
        "{}.{}.{}.{}.{}",
        b64(header.as_bytes()),
        b64(&[1; 40]),
        b64(&[2; 12]),
        b64(&[3; 32]),
        b64(&[4; 16])
    )
}

/// The public JWK members of an EC or OKP key, as a JSON object.
fn public_jwk(key: &DecryptionKey) -> Value {
    serde_json::from_str(&key.encryption_key().to_public_jwk().unwrap()).unwrap()
}

// ----- ephemeral keys -----

#[test]
fn a_p256_ephemeral_key_off_the_curve_does_not_decrypt() {
    let recipient = DecryptionKey::from_jwk(KeyManagement::EcdhEs, P256).unwrap();
    let ephemeral = DecryptionKey::generate(KeyManagement::EcdhEs).unwrap();
    let public = public_jwk(&ephemeral);
    let header = |y: &str| {
        b64(format!(
            r#"{{"alg":"ECDH-ES","enc":"A256GCM","epk":{{"kty":"EC","crv":"P-256","x":{},"y":"{y}"}}}}"#,
            public["x"]
        )
        .as_bytes())
    };
    let encrypt = |protected: &str| {
        __encrypt_fixed(
            &recipient.encryption_key(),
            protected,
            None,
            &[9; 12],
            Some(&ephemeral),
            b"for billing",
        )
        .unwrap()
    };
    let honest = encrypt(&header(public["y"].as_str().unwrap()));
    assert_eq!(
        decrypt(&recipient, &honest).unwrap().plaintext(),
        b"for billing"
    );
    // The same x, with y off by one bit: a point of no curve the key is on.
    let mut y = unb64(public["y"].as_str().unwrap());
    y[31] ^= 1;
    let forged = encrypt(&header(&b64(&y)));
    assert_eq!(
        decrypt(&recipient, &forged).unwrap_err(),
        Error::DecryptionFailed
    );
}

#[test]
fn an_order_two_point_of_another_curve_does_not_decrypt_though_its_secret_is_guessable() {
    // (x, 0) lies on y² = x³ - 3x + b' for b' = 3x - x³, where it has
    // order 2: an implementation that multiplies it without checking the
    // point is on P-256 gets d·(x, 0) = (x, 0) for an odd d, so Z = x, and
    // whether a token encrypted with the key Z derives decrypts tells d's
    // parity. This key's d is odd: such an implementation would decrypt
    // this token.
    let recipient = DecryptionKey::from_jwk(KeyManagement::EcdhEs, ODD_P256).unwrap();
    let mut x = [0u8; 32];
    x[31] = 3;
    let protected = b64(format!(
        r#"{{"alg":"ECDH-ES","enc":"A256GCM","epk":{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}}}"#,
        b64(&x),
        b64(&[0; 32])
    )
    .as_bytes());
    let guessed = concat_kdf(&x, b"A256GCM", b"", b"", 256);
    let forged = __encrypt_fixed(
        &EncryptionKey::from_secret(KeyManagement::Dir, &guessed).unwrap(),
        &protected,
        None,
        &[9; 12],
        None,
        b"parity oracle",
    )
    .unwrap();
    assert_eq!(
        decrypt(&recipient, &forged).unwrap_err(),
        Error::DecryptionFailed
    );
}

#[test]
fn a_p384_ephemeral_key_against_a_p256_key_does_not_decrypt() {
    let recipient = DecryptionKey::from_jwk(KeyManagement::EcdhEs, P256).unwrap();
    let honest = JweEncrypter::new(recipient.encryption_key(), ContentEncryption::A256Gcm)
        .unwrap()
        .encrypt(b"for billing")
        .unwrap();
    // A valid P-384 point in place of the P-256 one.
    let p384 = public_jwk(&DecryptionKey::from_jwk(KeyManagement::EcdhEs, P384).unwrap());
    let mut header = header_json(&honest);
    header["epk"] = json!({ "kty": "EC", "crv": "P-384", "x": p384["x"], "y": p384["y"] });
    let forged = replace_segment(&honest, 0, &b64(header.to_string().as_bytes()));
    assert_eq!(
        decrypt(&recipient, &forged).unwrap_err(),
        Error::DecryptionFailed
    );
    // And its coordinates written as if P-256 (48 bytes each) are refused
    // when the header is read.
    header["epk"]["crv"] = json!("P-256");
    let forged = replace_segment(&honest, 0, &b64(header.to_string().as_bytes()));
    assert_eq!(
        decrypt(&recipient, &forged).unwrap_err(),
        Error::UnsupportedHeader {
            name: "epk",
            reason: "coordinates of the wrong length for its curve"
        }
    );
}

/// A token from an X25519 ephemeral key `epk` whose shared secret with
/// the recipient the sender claims is `z`: encrypted with the CEK that
/// secret derives, as a careless recipient would compute it.
fn x25519_token_for_secret(epk: &[u8], z: &[u8]) -> String {
    let protected = b64(format!(
        r#"{{"alg":"ECDH-ES","enc":"A256GCM","epk":{{"kty":"OKP","crv":"X25519","x":"{}"}}}}"#,
        b64(epk)
    )
    .as_bytes());
    let cek = concat_kdf(z, b"A256GCM", b"", b"", 256);
    __encrypt_fixed(
        &EncryptionKey::from_secret(KeyManagement::Dir, &cek).unwrap(),
        &protected,
        None,
        &[5; 12],
        None,
        b"small order",
    )
    .unwrap()
}

#[test]
fn small_order_x25519_ephemeral_keys_do_not_decrypt() {
    let alice = DecryptionKey::from_jwk(KeyManagement::EcdhEs, ALICE_X25519).unwrap();
    // The construction is sound: from Bob's key and the secret RFC 7748
    // publishes for him and Alice, the token decrypts.
    let honest = x25519_token_for_secret(&unb64(BOB_X25519_PUBLIC), &unb64(ALICE_BOB_SHARED));
    assert_eq!(
        decrypt(&alice, &honest).unwrap().plaintext(),
        b"small order"
    );
    // u = 0 and u = 1 are of small order: the shared secret is all zeros
    // whatever the private key, so anyone could have made these.
    let mut one = [0u8; 32];
    one[0] = 1;
    for epk in [[0u8; 32], one] {
        let forged = x25519_token_for_secret(&epk, &[0; 32]);
        assert_eq!(
            decrypt(&alice, &forged).unwrap_err(),
            Error::DecryptionFailed,
            "{epk:?}"
        );
    }
    // The same through the fixed interop key, with key wrapping.
    let recipient = DecryptionKey::from_jwk(KeyManagement::EcdhEsA256Kw, X25519).unwrap();
    let protected = b64(format!(
        r#"{{"alg":"ECDH-ES+A256KW","enc":"A256GCM","kid":"jwe-x25519","epk":{{"kty":"OKP","crv":"X25519","x":"{}"}}}}"#,
        b64(&[0; 32])
    )
    .as_bytes());
    let kek = concat_kdf(&[0; 32], b"ECDH-ES+A256KW", b"", b"", 256);
    let forged = __encrypt_fixed(
        &EncryptionKey::from_secret(KeyManagement::A256Kw, &kek).unwrap(),
        &protected,
        Some(&[6; 32]),
        &[5; 12],
        None,
        b"small order",
    )
    .unwrap();
    assert_eq!(
        decrypt(&recipient, &forged).unwrap_err(),
        Error::DecryptionFailed
    );
}

// ----- tags, ciphertexts, IVs, headers -----

/// A token of every (alg, enc) pair, with the key that decrypts it.
fn every_pair() -> Vec<(DecryptionKey, String)> {
    let mut tokens = Vec::new();
    for alg in KeyManagement::ALL {
        for enc in ContentEncryption::ALL {
            let key = fixed_key(alg, enc);
            let token = JweEncrypter::new(key.encryption_key(), enc)
                .unwrap()
                .encrypt(b"attack at dawn")
                .unwrap();
            assert_eq!(
                decrypt(&key, &token).unwrap().plaintext(),
                b"attack at dawn"
            );
            tokens.push((key, token));
        }
    }
    tokens
}

#[test]
fn a_flipped_tag_bit_does_not_decrypt_for_any_alg_and_enc() {
    for (key, token) in every_pair() {
        let last = part(&token, 4).len() - 1;
        for (byte, bit) in [(0, 0), (last, 7)] {
            let forged = edit_part(&token, 4, |tag| tag[byte] ^= 1 << bit);
            assert_eq!(
                decrypt(&key, &forged).unwrap_err(),
                Error::DecryptionFailed,
                "{:?}",
                header_json(&token)
            );
        }
    }
}

#[test]
fn a_flipped_ciphertext_bit_does_not_decrypt_for_any_alg_and_enc() {
    for (key, token) in every_pair() {
        let last = part(&token, 3).len() - 1;
        for (byte, bit) in [(0, 0), (last, 7)] {
            let forged = edit_part(&token, 3, |ciphertext| ciphertext[byte] ^= 1 << bit);
            assert_eq!(
                decrypt(&key, &forged).unwrap_err(),
                Error::DecryptionFailed,
                "{:?}",
                header_json(&token)
            );
        }
    }
}

#[test]
fn a_truncated_or_extended_tag_does_not_decrypt() {
    for (key, token) in every_pair() {
        for forged in [
            edit_part(&token, 4, |tag| {
                tag.pop();
            }),
            edit_part(&token, 4, |tag| tag.truncate(8)),
            edit_part(&token, 4, Vec::clear),
            edit_part(&token, 4, |tag| tag.push(0)),
        ] {
            assert_eq!(
                decrypt(&key, &forged).unwrap_err(),
                Error::DecryptionFailed,
                "{:?}",
                header_json(&token)
            );
        }
    }
}

#[test]
fn an_iv_of_the_wrong_length_does_not_decrypt() {
    for (key, token) in every_pair() {
        for forged in [
            edit_part(&token, 2, |iv| {
                iv.pop();
            }),
            edit_part(&token, 2, |iv| iv.push(0)),
            edit_part(&token, 2, |iv| {
                iv.resize(if iv.len() == 12 { 16 } else { 12 }, 0)
            }),
            edit_part(&token, 2, Vec::clear),
        ] {
            assert_eq!(
                decrypt(&key, &forged).unwrap_err(),
                Error::DecryptionFailed,
                "{:?}",
                header_json(&token)
            );
        }
    }
}

#[test]
fn an_enc_swapped_in_the_header_changes_the_aad_and_does_not_decrypt() {
    let key = fixed_key(KeyManagement::A256Kw, ContentEncryption::A256Gcm);
    for from in ContentEncryption::ALL {
        let token = JweEncrypter::new(key.encryption_key(), from)
            .unwrap()
            .encrypt(b"attack at dawn")
            .unwrap();
        for to in ContentEncryption::ALL {
            let mut header = header_json(&token);
            header["enc"] = json!(to.name());
            let forged = replace_segment(&token, 0, &b64(header.to_string().as_bytes()));
            let result = decrypt(&key, &forged);
            if from == to {
                assert_eq!(result.unwrap().plaintext(), b"attack at dawn");
            } else {
                assert_eq!(
                    result.unwrap_err(),
                    Error::DecryptionFailed,
                    "{from} -> {to}"
                );
            }
        }
        // The same members in another order: the same header to a JSON
        // reader, another AAD.
        let reordered = format!(
            r#"{{"enc":"{}","alg":"A256KW","kid":"jwe-oct32"}}"#,
            from.name()
        );
        assert_eq!(
            header_json(&token),
            serde_json::from_str::<Value>(&reordered).unwrap()
        );
        let forged = replace_segment(&token, 0, &b64(reordered.as_bytes()));
        assert_eq!(decrypt(&key, &forged).unwrap_err(), Error::DecryptionFailed);
    }
}

#[test]
fn a_cek_of_the_wrong_length_for_its_enc_does_not_decrypt() {
    // A 16-byte CEK, wrapped by A128KW and by RSA-OAEP (with A128GCM's
    // header, the only one under which a 16-byte CEK encrypts), then
    // presented as A256GCM's, whose CEK is 32 bytes.
    for alg in [
        KeyManagement::A128Kw,
        KeyManagement::RsaOaep,
        KeyManagement::RsaOaep256,
    ] {
        let key = fixed_key(alg, ContentEncryption::A128Gcm);
        let protected = |enc: &str| b64(format!(r#"{{"alg":"{alg}","enc":"{enc}"}}"#).as_bytes());
        let token = __encrypt_fixed(
            &key.encryption_key(),
            &protected("A128GCM"),
            Some(&[8; 16]),
            &[9; 12],
            None,
            b"attack at dawn",
        )
        .unwrap();
        assert_eq!(
            decrypt(&key, &token).unwrap().plaintext(),
            b"attack at dawn"
        );
        let forged = replace_segment(&token, 0, &protected("A256GCM"));
        assert_eq!(
            decrypt(&key, &forged).unwrap_err(),
            Error::DecryptionFailed,
            "{alg}"
        );
    }
    // A `dir` key is the CEK: one of 16 bytes does not decrypt A256GCM,
    // nor does it encrypt it.
    let dir16 = fixed_key(KeyManagement::Dir, ContentEncryption::A128Gcm);
    let token = JweEncrypter::new(dir16.encryption_key(), ContentEncryption::A128Gcm)
        .unwrap()
        .encrypt(b"attack at dawn")
        .unwrap();
    let mut header = header_json(&token);
    header["enc"] = json!("A256GCM");
    let forged = replace_segment(&token, 0, &b64(header.to_string().as_bytes()));
    assert_eq!(
        decrypt(&dir16, &forged).unwrap_err(),
        Error::DecryptionFailed
    );
    assert_eq!(
        JweEncrypter::new(dir16.encryption_key(), ContentEncryption::A256Gcm).unwrap_err(),
        Error::EncryptionNotAllowed {
            member: "enc",
            found: "A256GCM".into()
        }
    );
}

#[test]
fn an_encrypted_key_for_dir_or_ecdh_es_does_not_decrypt() {
    // The header is untouched, so the tag still verifies: only the rule
    // that `dir` and `ECDH-ES` carry no encrypted key refuses these.
    for alg in [KeyManagement::Dir, KeyManagement::EcdhEs] {
        let key = fixed_key(alg, ContentEncryption::A256Gcm);
        let token = JweEncrypter::new(key.encryption_key(), ContentEncryption::A256Gcm)
            .unwrap()
            .encrypt(b"attack at dawn")
            .unwrap();
        assert!(part(&token, 1).is_empty(), "{alg}");
        for encrypted_key in [vec![0u8; 40], vec![1]] {
            let forged = replace_segment(&token, 1, &b64(&encrypted_key));
            assert_eq!(
                decrypt(&key, &forged).unwrap_err(),
                Error::DecryptionFailed,
                "{alg}"
            );
        }
    }
}

// ----- refused by name, before any work -----

#[test]
fn zip_is_refused_whatever_its_value() {
    let key = fixed_key(KeyManagement::A128Kw, ContentEncryption::A128Gcm);
    for zip in [r#""DEF""#, r#""NONE""#, "null", "0"] {
        let token = with_header_only(&format!(
            r#"{{"alg":"A128KW","enc":"A128GCM","zip":{zip}}}"#
        ));
        assert_eq!(
            decrypt(&key, &token).unwrap_err(),
            Error::UnsupportedHeader {
                name: "zip",
                reason: "compressed JWEs are refused: decompression bombs, and compression leaks plaintext through length (RFC 8725 §3.6)",
            },
            "{zip}"
        );
    }
}

#[test]
fn rsa1_5_is_refused_by_name_with_an_rsa_key_configured() {
    let key = fixed_key(KeyManagement::RsaOaep, ContentEncryption::A128CbcHs256);
    let token = with_header_only(r#"{"alg":"RSA1_5","enc":"A128CBC-HS256"}"#);
    assert_eq!(
        decrypt(&key, &token).unwrap_err(),
        Error::UnsupportedEncryption {
            member: "alg",
            found: "RSA1_5".into(),
            reason: "refused: RSAES-PKCS1-v1_5 decryption is a padding oracle (Bleichenbacher; RFC 8725 §3.2)",
        }
    );
}

#[test]
fn pbes2_with_a_huge_p2c_is_refused_before_any_work() {
    let key = fixed_key(KeyManagement::A256Kw, ContentEncryption::A256Gcm);
    for alg in [
        "PBES2-HS256+A128KW",
        "PBES2-HS384+A192KW",
        "PBES2-HS512+A256KW",
    ] {
        let token = with_header_only(&format!(
            r#"{{"alg":"{alg}","enc":"A256GCM","p2s":"c2FsdHNhbHRzYWx0","p2c":4294967295}}"#
        ));
        let started = Instant::now();
        let err = decrypt(&key, &token).unwrap_err();
        // 2^32 iterations of PBKDF2 would take minutes: the refusal is the
        // header's, in microseconds (the bound is loose for a busy machine).
        assert!(started.elapsed() < Duration::from_secs(2), "{alg}");
        assert_eq!(
            err,
            Error::UnsupportedEncryption {
                member: "alg",
                found: alg.into(),
                reason: "refused: the token chooses the PBKDF2 iteration count, so any token can cost the verifier seconds",
            }
        );
    }
}

#[test]
fn an_unknown_crit_is_refused() {
    let key = fixed_key(KeyManagement::A128Kw, ContentEncryption::A128Gcm);
    for header in [
        r#"{"alg":"A128KW","enc":"A128GCM","crit":["exp"],"exp":1700000000}"#,
        r#"{"alg":"A128KW","enc":"A128GCM","crit":["b64"],"b64":false}"#,
        r#"{"alg":"A128KW","enc":"A128GCM","crit":[]}"#,
    ] {
        assert_eq!(
            decrypt(&key, &with_header_only(header)).unwrap_err(),
            Error::UnsupportedCritical,
            "{header}"
        );
    }
}

#[test]
fn a_header_member_given_twice_is_refused() {
    let key = fixed_key(KeyManagement::A128Kw, ContentEncryption::A128Gcm);
    for (header, name) in [
        (r#"{"alg":"A128KW","enc":"A128GCM","alg":"dir"}"#, "alg"),
        (r#"{"alg":"A128KW","enc":"A128GCM","enc":"A256GCM"}"#, "enc"),
        (
            r#"{"alg":"A128KW","\u0065nc":"A128GCM","enc":"A128GCM"}"#,
            "enc",
        ),
        (
            r#"{"alg":"A128KW","enc":"A128GCM","kid":"a","kid":"b"}"#,
            "kid",
        ),
    ] {
        assert_eq!(
            decrypt(&key, &with_header_only(header)).unwrap_err(),
            Error::DuplicateMember {
                part: jwt_claims::Part::Header,
                name: name.into()
            },
            "{header}"
        );
    }
}

#[test]
fn a_member_given_twice_inside_the_ephemeral_key_is_refused() {
    let key = DecryptionKey::from_jwk(KeyManagement::EcdhEs, P256).unwrap();
    let public = public_jwk(&key);
    let header = format!(
        r#"{{"alg":"ECDH-ES","enc":"A256GCM","epk":{{"kty":"EC","crv":"P-256","x":{},"y":{},"x":{}}}}}"#,
        public["x"], public["y"], public["y"]
    );
    // Refused as the JWK parser refuses one: JSON the header reader will
    // not take (only a header's own members are `DuplicateMember`, as in a
    // JWS header).
    let err = decrypt(&key, &with_header_only(&header)).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::InvalidJson { part: jwt_claims::Part::Header, reason }
                if reason.starts_with(r#"member "x" appears twice"#)
        ),
        "{err}"
    );
}

#[test]
fn jwk_jku_x5u_and_x5c_in_the_header_never_supply_the_key() {
    let ours = fixed_key(KeyManagement::A256Kw, ContentEncryption::A256Gcm);
    let attackers = DecryptionKey::generate(KeyManagement::A256Kw).unwrap();
    let attackers_ec = DecryptionKey::generate(KeyManagement::EcdhEs).unwrap();
    let headers = [
        json!({ "alg": "A256KW", "enc": "A256GCM", "jwk": { "kty": "oct", "k": b64(&[0x41; 32]) } }),
        json!({ "alg": "A256KW", "enc": "A256GCM", "jku": "https://attacker.example/jwks.json" }),
        json!({ "alg": "A256KW", "enc": "A256GCM", "x5u": "https://attacker.example/cert.pem" }),
        json!({ "alg": "A256KW", "enc": "A256GCM", "x5c": ["MIIBszCCAVmgAwIBAgIUQ"] }),
    ];
    for header in headers {
        let protected = b64(header.to_string().as_bytes());
        let to = |key: &DecryptionKey| {
            __encrypt_fixed(
                &key.encryption_key(),
                &protected,
                None,
                &[1; 12],
                None,
                b"hi",
            )
            .unwrap()
        };
        // Encrypted to the attacker's key, whatever the header points at:
        // only the configured key is tried.
        assert_eq!(
            decrypt(&ours, &to(&attackers)).unwrap_err(),
            Error::DecryptionFailed,
            "{header}"
        );
        // The members are read past, not refused: to our key, it decrypts.
        assert_eq!(
            decrypt(&ours, &to(&ours)).unwrap().plaintext(),
            b"hi",
            "{header}"
        );
    }
    // An ECDH-ES token to the attacker's key, its header naming that key
    // in `jwk`: the recipient agrees with its own key, and fails.
    let recipient = DecryptionKey::from_jwk(KeyManagement::EcdhEs, P256).unwrap();
    let ephemeral = DecryptionKey::generate(KeyManagement::EcdhEs).unwrap();
    let point = |key: &DecryptionKey| {
        let jwk = public_jwk(key);
        json!({ "kty": "EC", "crv": "P-256", "x": jwk["x"], "y": jwk["y"] })
    };
    let header = json!({
        "alg": "ECDH-ES",
        "enc": "A256GCM",
        "epk": point(&ephemeral),
        "jwk": point(&attackers_ec),
    });
    let forged = __encrypt_fixed(
        &attackers_ec.encryption_key(),
        &b64(header.to_string().as_bytes()),
        None,
        &[1; 12],
        Some(&ephemeral),
        b"hi",
    )
    .unwrap();
    assert_eq!(decrypt(&attackers_ec, &forged).unwrap().plaintext(), b"hi");
    assert_eq!(
        decrypt(&recipient, &forged).unwrap_err(),
        Error::DecryptionFailed
    );
}

// ----- keys, algorithms, kids, sizes -----

#[test]
fn a_kid_naming_no_key_is_an_unknown_key() {
    let a256kw = fixed_key(KeyManagement::A256Kw, ContentEncryption::A256Gcm);
    let token = JweEncrypter::new(
        a256kw.encryption_key().with_kid("retired-2023"),
        ContentEncryption::A256Gcm,
    )
    .unwrap()
    .encrypt(b"hi")
    .unwrap();
    assert_eq!(
        decrypt(&a256kw, &token).unwrap_err(),
        Error::UnknownKey {
            kid: "retired-2023".into()
        }
    );
    // Through a purpose, the same.
    let verifier = verifier_builder()
        .shared_key(key())
        .decryption_key::<SealedBilling>(billing_key())
        .build()
        .unwrap();
    let token = sealing_signer(&billing_key().with_kid("billing-2"))
        .issue(&sealed_billing())
        .subject("user-1")
        .encode()
        .unwrap();
    assert_eq!(
        verifier
            .decode::<SealedBilling>(token.as_str())
            .unwrap_err(),
        Error::UnknownKey {
            kid: "billing-2".into()
        }
    );
}

#[test]
fn an_alg_of_no_decryption_key_is_not_allowed() {
    let a256kw = fixed_key(KeyManagement::A256Kw, ContentEncryption::A256Gcm);
    for alg in KeyManagement::ALL {
        if alg == KeyManagement::A256Kw {
            continue;
        }
        let other = fixed_key(alg, ContentEncryption::A256Gcm).encryption_key();
        // Named for the A256KW key, or not named at all: either way the
        // algorithm is not that key's.
        for to in [
            other.clone().with_kid("jwe-oct32"),
            unnamed(alg, ContentEncryption::A256Gcm).encryption_key(),
        ] {
            let token = JweEncrypter::new(to, ContentEncryption::A256Gcm)
                .unwrap()
                .encrypt(b"hi")
                .unwrap();
            assert_eq!(
                decrypt(&a256kw, &token).unwrap_err(),
                Error::EncryptionNotAllowed {
                    member: "alg",
                    found: alg.name().into()
                },
                "{alg}"
            );
        }
    }
}

#[test]
fn an_enc_outside_the_allow_list_is_not_allowed() {
    let key = fixed_key(KeyManagement::A256Kw, ContentEncryption::A256Gcm);
    let token = JweEncrypter::new(key.encryption_key(), ContentEncryption::A128CbcHs256)
        .unwrap()
        .encrypt(b"hi")
        .unwrap();
    let gcm_only = JweDecrypter::new(key).with_content_encryptions([ContentEncryption::A256Gcm]);
    assert_eq!(
        gcm_only.decrypt(&token).unwrap_err(),
        Error::EncryptionNotAllowed {
            member: "enc",
            found: "A128CBC-HS256".into()
        }
    );
    // A purpose declared `enc = "A256GCM"`: its own tokens pass, a token
    // of another enc, however well encrypted to its key, does not.
    let verifier = opening_verifier();
    let own = sealing_signer(&billing_key())
        .encode(&GcmOnly { org_id: 7 })
        .unwrap();
    assert_eq!(header_json(own.as_str())["enc"], json!("A256GCM"));
    assert_eq!(
        verifier
            .decode::<GcmOnly>(own.as_str())
            .unwrap()
            .claims()
            .org_id,
        7
    );
    let jws = craft_json(
        r#"{"alg":"HS256","typ":"access"}"#,
        &json!({ "iss": ISSUER, "aud": "vault", "exp": NOW + 60, "org_id": 7 }),
    );
    let cbc = JweEncrypter::new(
        billing_key().encryption_key(),
        ContentEncryption::A256CbcHs512,
    )
    .unwrap()
    .with_content_type("JWT")
    .encrypt(jws.as_bytes())
    .unwrap();
    assert_eq!(
        verifier.decode::<GcmOnly>(&cbc).unwrap_err(),
        Error::EncryptionNotAllowed {
            member: "enc",
            found: "A256CBC-HS512".into()
        }
    );
    // A purpose that allows every enc takes it past that check, and
    // refuses it for what it is: a token for the vault.
    assert_eq!(
        verifier.decode::<SealedBilling>(&cbc).unwrap_err(),
        Error::Encrypted {
            source: Box::new(Error::WrongAudience {
                expected: vec!["billing".into()],
                found: vec!["vault".into()]
            })
        }
    );
}

#[test]
fn a_token_over_the_size_limit_is_refused_before_decryption() {
    let token = sealed_billing_token(&billing_key());
    let limit = token.len() - 1;
    let verifier = verifier_builder()
        .shared_key(key())
        .shared_decryption_key(billing_key())
        .max_token_size(limit)
        .build()
        .unwrap();
    // Its ciphertext is not even base64url: decoding it, or decrypting,
    // would fail otherwise.
    let ciphertext = token.split('.').nth(3).unwrap();
    let garbage = replace_segment(&token, 3, &"!".repeat(ciphertext.len()));
    assert_eq!(garbage.len(), token.len());
    for token in [&token, &garbage] {
        assert_eq!(
            verifier.decode::<SealedBilling>(token).unwrap_err(),
            Error::TokenTooLarge {
                limit,
                found: token.len()
            }
        );
    }
    // The JWE layer alone, the same.
    let decrypter = JweDecrypter::new(billing_key()).with_max_size(limit);
    assert_eq!(
        decrypter.decrypt(&garbage).unwrap_err(),
        Error::TokenTooLarge {
            limit,
            found: garbage.len()
        }
    );
}

#[test]
fn aes_keys_of_15_17_or_24_bytes_are_weak() {
    for (alg, len, takes) in [
        (KeyManagement::A128Kw, 15, "16 bytes"),
        (KeyManagement::A128Kw, 17, "16 bytes"),
        (KeyManagement::A128Kw, 24, "16 bytes"),
        (KeyManagement::A256Kw, 24, "32 bytes"),
        (KeyManagement::A256Kw, 31, "32 bytes"),
        (
            KeyManagement::Dir,
            24,
            "16, 32 or 64 bytes (the content encryption key of A128GCM; A256GCM or A128CBC-HS256; A256CBC-HS512)",
        ),
    ] {
        let secret = vec![0x5a; len];
        let expected = Error::WeakEncryptionKey {
            algorithm: alg.name(),
            reason: format!("the key is {len} bytes; {alg} takes {takes}"),
        };
        assert_eq!(
            DecryptionKey::from_secret(alg, &secret).unwrap_err(),
            expected
        );
        assert_eq!(
            EncryptionKey::from_secret(alg, &secret).unwrap_err(),
            expected
        );
        let jwk = json!({ "kty": "oct", "k": b64(&secret) }).to_string();
        assert_eq!(DecryptionKey::from_jwk(alg, &jwk).unwrap_err(), expected);
        assert_eq!(EncryptionKey::from_jwk(alg, &jwk).unwrap_err(), expected);
    }
}

#[test]
fn an_rsa_1024_key_is_weak() {
    for alg in [KeyManagement::RsaOaep, KeyManagement::RsaOaep256] {
        let expected = Error::WeakEncryptionKey {
            algorithm: alg.name(),
            reason: "the RSA modulus is 1024 bits, under 2048".into(),
        };
        assert_eq!(
            DecryptionKey::from_pem(alg, pem::RSA1024).unwrap_err(),
            expected
        );
        assert_eq!(
            EncryptionKey::from_pem(alg, pem::RSA1024_PUB).unwrap_err(),
            expected
        );
    }
}

#[test]
fn a_jwk_published_for_signing_is_refused_as_a_decryption_key() {
    let mut jwk: Value = serde_json::from_str(P256).unwrap();
    jwk["use"] = json!("sig");
    let expected = Error::InvalidEncryptionKey {
        algorithm: "ECDH-ES",
        reason: r#"the JWK's "use" is "sig", not "enc""#.into(),
    };
    assert_eq!(
        DecryptionKey::from_jwk(KeyManagement::EcdhEs, &jwk.to_string()).unwrap_err(),
        expected
    );
    assert_eq!(
        EncryptionKey::from_jwk(KeyManagement::EcdhEs, &jwk.to_string()).unwrap_err(),
        expected
    );
    // And one whose `alg` is a signature algorithm.
    let mut jwk: Value = serde_json::from_str(P256).unwrap();
    jwk["alg"] = json!("ES256");
    assert_eq!(
        DecryptionKey::from_jwk(KeyManagement::EcdhEs, &jwk.to_string()).unwrap_err(),
        Error::InvalidEncryptionKey {
            algorithm: "ECDH-ES",
            reason: r#"the JWK is for "ES256""#.into(),
        }
    );
}

// ----- the inner token -----

#[test]
fn a_sealed_token_of_the_purpose_decodes() {
    let decoded = opening_verifier()
        .decode::<SealedBilling>(&sealed_billing_token(&billing_key()))
        .unwrap();
    assert_eq!(decoded.claims(), &sealed_billing());
    assert_eq!(decoded.registered().subject(), Some("user-1"));
    assert_eq!(decoded.algorithm(), jwt_claims::Algorithm::HS256);
    // A hand-made inner token of the same claims, sealed, decodes too:
    // the cases below differ from it in one thing each.
    let jws = craft_json(&hs256_header("access"), &billing_claims());
    let decoded = opening_verifier()
        .decode::<SealedBilling>(&seal(&jws))
        .unwrap();
    assert_eq!(decoded.claims(), &sealed_billing());
}

/// The claims are the inner token's: their failures are wrapped in
/// `Error::Encrypted`, as the inner JWS's header and signature failures
/// are, so the error names the layer that failed (and keeps its kind).
#[test]
fn a_sealed_token_for_another_audience_fails_inside_the_encryption() {
    let jws = craft_json(
        &hs256_header("access"),
        &with(billing_claims(), "aud", json!("reports")),
    );
    assert_eq!(
        opening_verifier()
            .decode::<SealedBilling>(&seal(&jws))
            .unwrap_err(),
        Error::Encrypted {
            source: Box::new(Error::WrongAudience {
                expected: vec!["billing".into()],
                found: vec!["reports".into()]
            })
        }
    );
    // The library's own token of the reports purpose, encrypted to the
    // same key.
    let reports = sealing_signer(&billing_key())
        .encode(&SealedReports { org_id: 7 })
        .unwrap();
    assert_eq!(
        opening_verifier()
            .decode::<SealedBilling>(reports.as_str())
            .unwrap_err(),
        Error::Encrypted {
            source: Box::new(Error::WrongAudience {
                expected: vec!["billing".into()],
                found: vec!["reports".into()]
            })
        }
    );
}

#[test]
fn a_sealed_token_of_another_type_fails_inside() {
    let refresh = sealing_signer(&billing_key())
        .encode(&SealedRefresh {
            session: "s-1".into(),
        })
        .unwrap();
    assert_eq!(
        opening_verifier()
            .decode::<SealedBilling>(refresh.as_str())
            .unwrap_err(),
        encrypted(Error::WrongType {
            expected: "access".into(),
            found: "refresh".into()
        })
    );
}

#[test]
fn an_inner_token_signed_with_another_key_fails_inside() {
    let jws = craft_with(
        OTHER_SECRET,
        hs256_header("access"),
        billing_claims().to_string(),
    );
    assert_eq!(
        opening_verifier()
            .decode::<SealedBilling>(&seal(&jws))
            .unwrap_err(),
        encrypted(Error::InvalidSignature)
    );
}

#[test]
fn an_unsecured_inner_token_fails_inside() {
    for alg in ["none", "None", "NONE"] {
        let jws = format!(
            "{}.{}.",
            b64(format!(r#"{{"alg":"{alg}","typ":"access"}}"#).as_bytes()),
            b64(billing_claims().to_string().as_bytes())
        );
        assert_eq!(
            opening_verifier()
                .decode::<SealedBilling>(&seal(&jws))
                .unwrap_err(),
            encrypted(Error::UnsecuredToken),
            "{alg}"
        );
    }
}

#[test]
fn an_outer_jwe_must_say_it_holds_a_jwt() {
    let jws = craft_json(&hs256_header("access"), &billing_claims());
    let encrypter =
        JweEncrypter::new(billing_key().encryption_key(), ContentEncryption::A256Gcm).unwrap();
    let without_cty = encrypter.clone().encrypt(jws.as_bytes()).unwrap();
    assert_eq!(
        opening_verifier()
            .decode::<SealedBilling>(&without_cty)
            .unwrap_err(),
        Error::MissingContentType
    );
    let json_cty = encrypter
        .clone()
        .with_content_type("json")
        .encrypt(jws.as_bytes())
        .unwrap();
    assert_eq!(
        opening_verifier()
            .decode::<SealedBilling>(&json_cty)
            .unwrap_err(),
        Error::UnexpectedContentType {
            found: "json".into()
        }
    );
    // `cty` compares as a media type: `application/jwt` is `JWT`.
    let spelled = encrypter
        .clone()
        .with_content_type("application/jwt")
        .encrypt(jws.as_bytes())
        .unwrap();
    assert!(opening_verifier().decode::<SealedBilling>(&spelled).is_ok());
    // An outer `typ` of another purpose.
    let typed = encrypter
        .with_content_type("JWT")
        .with_type("refresh")
        .encrypt(jws.as_bytes())
        .unwrap();
    assert_eq!(
        opening_verifier()
            .decode::<SealedBilling>(&typed)
            .unwrap_err(),
        Error::WrongType {
            expected: "access".into(),
            found: "refresh".into()
        }
    );
}

#[test]
fn a_sealed_token_encrypted_to_another_key_does_not_decrypt() {
    assert_eq!(
        opening_verifier()
            .decode::<SealedBilling>(&sealed_billing_token(&stranger_key()))
            .unwrap_err(),
        Error::DecryptionFailed
    );
}

// ----- encrypted and plain purposes -----

#[test]
fn a_plain_jws_for_an_encrypted_purpose_is_not_encrypted() {
    // Correctly signed, for the right audience and type: only the missing
    // encryption is wrong.
    let jws = craft_json(&hs256_header("access"), &billing_claims());
    assert_eq!(
        opening_verifier()
            .decode::<SealedBilling>(&jws)
            .unwrap_err(),
        Error::NotEncrypted
    );
}

#[test]
fn a_jwe_for_a_plain_purpose_is_unexpected_encryption() {
    let token = sealed_billing_token(&billing_key());
    assert_eq!(
        opening_verifier()
            .decode::<BillingAccess>(&token)
            .unwrap_err(),
        Error::UnexpectedEncryption
    );
}

#[test]
fn a_nested_encrypted_purpose_decodes_and_its_failure_names_the_field() {
    let grant = |to: &DecryptionKey| {
        sealing_signer(to)
            .encode(&SealedGrant {
                scope: "invoices:read".into(),
            })
            .unwrap()
    };
    let carrier = |grant: Nested<SealedGrant>| {
        signer()
            .encode(&CarriesSealedGrant { org_id: 7, grant })
            .unwrap()
            .into_string()
    };
    let token = carrier(Nested::new(grant(&billing_key())));
    // The outer token is a plain JWS; its grant, a JWE.
    assert_eq!(token.split('.').count(), 3);
    let decoded = opening_verifier()
        .decode::<CarriesSealedGrant>(&token)
        .unwrap();
    let verified = decoded.claims().grant.verified().expect("verified");
    assert_eq!(verified.claims().scope, "invoices:read");
    assert_eq!(verified.registered().expires_at().timestamp(), NOW + 300);
    // Encrypted to another service's key.
    let token = carrier(Nested::new(grant(&stranger_key())));
    assert_eq!(
        opening_verifier()
            .decode::<CarriesSealedGrant>(&token)
            .unwrap_err(),
        nested("grant", Error::DecryptionFailed)
    );
    // Not encrypted at all.
    let plain = craft_json(
        &hs256_header("grant"),
        &json!({ "iss": ISSUER, "aud": "billing", "exp": NOW + 60, "scope": "invoices:read" }),
    );
    let token = carrier(serde_json::from_value(json!(plain)).unwrap());
    assert_eq!(
        opening_verifier()
            .decode::<CarriesSealedGrant>(&token)
            .unwrap_err(),
        nested("grant", Error::NotEncrypted)
    );
    // Its inner token signed with another key.
    let forged = craft_with(
        OTHER_SECRET,
        hs256_header("grant"),
        json!({ "iss": ISSUER, "aud": "billing", "exp": NOW + 60, "scope": "invoices:read" })
            .to_string(),
    );
    let token = carrier(serde_json::from_value(json!(seal(&forged))).unwrap());
    assert_eq!(
        opening_verifier()
            .decode::<CarriesSealedGrant>(&token)
            .unwrap_err(),
        nested("grant", encrypted(Error::InvalidSignature))
    );
}

/// A chain of `links` sealed tokens, outermost first.
fn sealed_chain(links: u32) -> String {
    let signer = sealing_signer(&billing_key());
    let mut next = None;
    for link in (0..links).rev() {
        let token = signer.encode(&SealedChain { link, next }).unwrap();
        next = Some(Nested::new(token));
    }
    next.expect("at least one link").token().to_owned()
}

#[test]
fn sealed_tokens_nested_past_the_depth_cap_are_refused_with_the_full_path() {
    let verifier = opening_verifier();
    let decoded = verifier.decode::<SealedChain>(&sealed_chain(5)).unwrap();
    assert_eq!(decoded.claims().link, 0);
    assert_eq!(
        verifier
            .decode::<SealedChain>(&sealed_chain(6))
            .unwrap_err(),
        nested(
            "next.next.next.next.next",
            Error::NestingTooDeep { limit: 4 }
        )
    );
}

// ----- configuration -----

#[test]
fn an_encrypted_purpose_without_keys_is_a_configuration_error() {
    let purpose = SealedBilling::policy().name().to_owned();
    let signer = Signer::builder()
        .issuer(ISSUER)
        .clock(clock())
        .shared_key(key())
        .build()
        .unwrap();
    assert_eq!(
        signer
            .issue(&sealed_billing())
            .subject("user-1")
            .encode()
            .unwrap_err(),
        Error::Configuration(ConfigError::NoEncryptionKey {
            purpose: purpose.clone()
        })
    );
    let token = sealed_billing_token(&billing_key());
    assert_eq!(
        verifier().decode::<SealedBilling>(&token).unwrap_err(),
        Error::Configuration(ConfigError::NoDecryptionKey { purpose })
    );
}

#[test]
fn keys_for_a_plain_purpose_two_encryption_keys_and_repeated_kids_are_refused_at_build() {
    let plain = BillingAccess::policy().name().to_owned();
    assert_eq!(
        verifier_builder()
            .shared_key(key())
            .decryption_key::<BillingAccess>(billing_key())
            .build()
            .unwrap_err(),
        Error::Configuration(ConfigError::NotEncryptedPurpose {
            purpose: plain.clone()
        })
    );
    assert_eq!(
        Signer::builder()
            .shared_key(key())
            .encryption_key::<BillingAccess>(billing_key().encryption_key())
            .build()
            .unwrap_err(),
        Error::Configuration(ConfigError::NotEncryptedPurpose { purpose: plain })
    );
    let sealed = SealedBilling::policy().name().to_owned();
    assert_eq!(
        Signer::builder()
            .shared_key(key())
            .encryption_key::<SealedBilling>(billing_key().encryption_key())
            .encryption_key::<SealedBilling>(stranger_key().encryption_key())
            .build()
            .unwrap_err(),
        Error::Configuration(ConfigError::SecondEncryptionKey {
            purpose: sealed.clone()
        })
    );
    assert_eq!(
        verifier_builder()
            .shared_key(key())
            .decryption_key::<SealedBilling>(billing_key())
            .decryption_key::<SealedBilling>(stranger_key())
            .build()
            .unwrap_err(),
        Error::Configuration(ConfigError::DuplicateDecryptionKeyId {
            purpose: sealed,
            kid: "jwe-p256".into()
        })
    );
}

#[test]
fn a_purpose_decryption_key_is_used_for_that_purpose_only() {
    // Billing's key decrypts billing; reports has its own and is not
    // helped by billing's.
    let reports_key = stranger_key().with_kid("reports-1");
    let verifier = verifier_builder()
        .shared_key(key())
        .decryption_key::<SealedBilling>(billing_key())
        .decryption_key::<SealedReports>(reports_key.clone())
        .build()
        .unwrap();
    assert!(
        verifier
            .decode::<SealedBilling>(&sealed_billing_token(&billing_key()))
            .is_ok()
    );
    let to_billing = sealing_signer(&billing_key())
        .encode(&SealedReports { org_id: 7 })
        .unwrap();
    assert_eq!(
        verifier
            .decode::<SealedReports>(to_billing.as_str())
            .unwrap_err(),
        Error::UnknownKey {
            kid: "jwe-p256".into()
        }
    );
    let to_reports = sealing_signer(&reports_key)
        .encode(&SealedReports { org_id: 7 })
        .unwrap();
    assert_eq!(
        verifier
            .decode::<SealedReports>(to_reports.as_str())
            .unwrap()
            .claims()
            .org_id,
        7
    );
}

// ----- runtime purposes -----

#[test]
fn a_runtime_purpose_with_encryption_decrypts_like_the_derived_one() {
    let policy = Policy::new("runtime.sealed-billing", "access", ["billing"])
        .with_required([jwt_claims::RegisteredClaim::Subject])
        .with_encryption();
    let purpose = RuntimePurpose::new(policy).unwrap();
    let gcm_only = RuntimePurpose::new(
        Policy::new("runtime.vault", "access", ["vault"])
            .with_encryption()
            .with_content_encryptions([ContentEncryption::A256Gcm]),
    )
    .unwrap();
    let verifier = verifier_builder()
        .purpose_key(&purpose, key())
        .purpose_decryption_key(&purpose, billing_key())
        .purpose_key(&gcm_only, key())
        .purpose_decryption_key(&gcm_only, billing_key())
        .shared_key(key())
        .decryption_key::<SealedBilling>(billing_key())
        .decryption_key::<GcmOnly>(billing_key())
        .build()
        .unwrap();
    // The derived purpose's token, decoded as the runtime one.
    let token = sealed_billing_token(&billing_key());
    let typed = verifier.decode::<SealedBilling>(&token).unwrap();
    let runtime = verifier.decode_runtime::<Value>(&token, &purpose).unwrap();
    assert_eq!(runtime.claims(), &json!({ "org_id": 7, "role": "admin" }));
    assert_eq!(runtime.registered(), typed.registered());
    assert_eq!(runtime.algorithm(), typed.algorithm());
    // Every failure, the same error both ways.
    let claims = billing_claims();
    let cases = [
        craft_json(&hs256_header("access"), &claims),
        sealed_billing_token(&stranger_key()),
        seal(&craft_with(
            OTHER_SECRET,
            hs256_header("access"),
            claims.to_string(),
        )),
        seal(&craft_json(&hs256_header("refresh"), &claims)),
        seal(&craft_json(
            &hs256_header("access"),
            &with(claims.clone(), "aud", json!("reports")),
        )),
        seal(&craft_json(
            &hs256_header("access"),
            &without(claims.clone(), "sub"),
        )),
        with_header_only(r#"{"alg":"RSA1_5","enc":"A256GCM"}"#),
    ];
    for token in &cases {
        let typed = verifier.decode::<SealedBilling>(token).unwrap_err();
        let runtime = verifier
            .decode_runtime::<Value>(token, &purpose)
            .unwrap_err();
        assert_eq!(runtime, typed, "{token}");
    }
    // And the enc allow-list.
    let jws = craft_json(
        r#"{"alg":"HS256","typ":"access"}"#,
        &json!({ "iss": ISSUER, "aud": "vault", "exp": NOW + 60, "org_id": 7 }),
    );
    let cbc = JweEncrypter::new(
        billing_key().encryption_key(),
        ContentEncryption::A128CbcHs256,
    )
    .unwrap()
    .with_content_type("JWT")
    .encrypt(jws.as_bytes())
    .unwrap();
    let expected = Error::EncryptionNotAllowed {
        member: "enc",
        found: "A128CBC-HS256".into(),
    };
    assert_eq!(verifier.decode::<GcmOnly>(&cbc).unwrap_err(), expected);
    assert_eq!(
        verifier
            .decode_runtime::<Value>(&cbc, &gcm_only)
            .unwrap_err(),
        expected
    );
    assert_eq!(
        verifier
            .decode_runtime::<Value>(&seal(&jws), &gcm_only)
            .unwrap()
            .claims()["org_id"],
        json!(7)
    );
}

#[test]
fn a_runtime_purpose_without_encryption_refuses_a_decryption_key_and_a_jwe() {
    let purpose =
        RuntimePurpose::new(Policy::new("runtime.billing", "access", ["billing"])).unwrap();
    assert_eq!(
        verifier_builder()
            .purpose_key(&purpose, key())
            .purpose_decryption_key(&purpose, billing_key())
            .build()
            .unwrap_err(),
        Error::Configuration(ConfigError::NotEncryptedPurpose {
            purpose: "runtime.billing".into()
        })
    );
    let verifier = verifier_builder()
        .purpose_key(&purpose, key())
        .build()
        .unwrap();
    assert_eq!(
        verifier
            .decode_runtime::<Value>(&sealed_billing_token(&billing_key()), &purpose)
            .unwrap_err(),
        Error::UnexpectedEncryption
    );
}
