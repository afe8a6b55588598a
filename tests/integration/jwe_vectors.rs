//! The published JWE examples (`tests/vectors/jwe`, see its README): every
//! one that jwt-claims supports decrypts with its recorded key to its exact
//! plaintext, and, where the example fixes its randomness, encrypts back to
//! the published compact serialization byte for byte; every one it refuses
//! is refused with the exact typed error, before any key is used.
//!
//! The protected header is always the published `protected_b64u`: it is
//! the AAD, and re-encoding it (member order, whitespace) would change it.

use std::path::{Path, PathBuf};

use jwt_claims::Error;
use jwt_claims::jwe::{
    __encrypt_fixed, ContentEncryption, DecryptionKey, EncryptionKey, JweDecrypter, KeyManagement,
};
use serde_json::Value;

use crate::support::*;

/// The vector files, as the README lists them.
const DECRYPTS: [&str; 7] = [
    "rfc7516-a1",
    "rfc7516-a3",
    "rfc7520-5.2",
    "rfc7520-5.4",
    "rfc7520-5.5",
    "rfc7520-5.6",
    "rfc7520-5.8",
];
const REFUSED: [&str; 5] = [
    "rfc7516-a2",
    "rfc7520-5.1",
    "rfc7520-5.3",
    "rfc7520-5.7",
    "rfc7520-5.9",
];
const CONCAT_KDF: &str = "rfc7518-c-concat-kdf";

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/jwe")
}

fn vector(name: &str) -> Value {
    let path = vectors_dir().join(format!("{name}.json"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn text<'a>(vector: &'a Value, member: &str) -> &'a str {
    vector[member]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no string {member:?}", vector["source"]))
}

fn bytes(vector: &Value, member: &str) -> Vec<u8> {
    unb64(text(vector, member))
}

/// The example's `alg`, for one jwt-claims implements.
fn algorithm(vector: &Value) -> KeyManagement {
    KeyManagement::from_name(text(vector, "alg")).expect("a supported alg")
}

fn content_encryption(vector: &Value) -> ContentEncryption {
    ContentEncryption::from_name(text(vector, "enc")).expect("a supported enc")
}

/// The recipient's key, read from the example's own JWK (its `kid`,
/// `use` and `alg` included).
fn recipient(vector: &Value) -> DecryptionKey {
    DecryptionKey::from_jwk(algorithm(vector), &vector["key"].to_string())
        .unwrap_or_else(|err| panic!("{}: {err}", vector["source"]))
}

/// The plaintext's bytes, checked against the JSON string too (RFC 7520's
/// has two EN DASHes: never a retyped string).
fn plaintext(vector: &Value) -> Vec<u8> {
    let plaintext = bytes(vector, "plaintext_b64u");
    assert_eq!(
        plaintext,
        text(vector, "plaintext").as_bytes(),
        "{}",
        vector["source"]
    );
    plaintext
}

/// The five parts of a compact JWE.
fn parts(compact: &str) -> [&str; 5] {
    let parts: Vec<&str> = compact.split('.').collect();
    parts.try_into().expect("five parts")
}

/// The example encrypted again with its fixed randomness: its published
/// protected header, CEK (when the key management makes one), IV and, for
/// ECDH-ES, ephemeral key.
fn encrypt_again(vector: &Value) -> String {
    let alg = algorithm(vector);
    let key = recipient(vector).encryption_key();
    // `dir` uses the key itself and ECDH-ES derives the CEK: only the key
    // wraps (AES, after ECDH, RSA) take one.
    let cek = match alg {
        KeyManagement::Dir | KeyManagement::EcdhEs => None,
        _ => Some(bytes(vector, "cek")),
    };
    let ephemeral = vector.get("epk").map(|epk| {
        DecryptionKey::from_jwk(alg, &epk.to_string())
            .unwrap_or_else(|err| panic!("{} epk: {err}", vector["source"]))
    });
    __encrypt_fixed(
        &key,
        text(vector, "protected_b64u"),
        cek.as_deref(),
        &bytes(vector, "iv"),
        ephemeral.as_ref(),
        &plaintext(vector),
    )
    .unwrap_or_else(|err| panic!("{}: {err}", vector["source"]))
}

#[test]
fn every_vector_file_is_covered_by_one_of_these_tests() {
    let mut listed: Vec<&str> = DECRYPTS.iter().chain(&REFUSED).copied().collect();
    listed.push(CONCAT_KDF);
    listed.sort_unstable();
    let mut found: Vec<String> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| name.strip_suffix(".json").map(str::to_owned))
        .collect();
    found.sort_unstable();
    assert_eq!(found, listed);
    for name in &found {
        let expect = text(&vector(name), "expect").to_owned();
        let wanted = if name == CONCAT_KDF {
            "derives"
        } else if REFUSED.contains(&name.as_str()) {
            "refused"
        } else {
            "decrypts"
        };
        assert_eq!(expect, wanted, "{name}");
    }
}

#[test]
fn every_supported_example_decrypts_to_its_exact_plaintext() {
    for name in DECRYPTS {
        let vector = vector(name);
        let compact = text(&vector, "compact");
        assert_eq!(parts(compact)[0], text(&vector, "protected_b64u"), "{name}");
        let decrypted = JweDecrypter::new(recipient(&vector))
            .decrypt(compact)
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(decrypted.plaintext(), plaintext(&vector), "{name}");
        let header = decrypted.header();
        assert_eq!(header.algorithm(), algorithm(&vector), "{name}");
        assert_eq!(
            header.content_encryption(),
            content_encryption(&vector),
            "{name}"
        );
        assert_eq!(
            header.kid(),
            vector["protected"]["kid"].as_str(),
            "{name}: the kid that chose the key"
        );
    }
}

#[test]
fn a_kid_of_another_key_does_not_decrypt_an_example() {
    // RFC 7520 §5.8's token names its key's kid: the same secret under
    // another kid is not asked.
    let vector = vector("rfc7520-5.8");
    let secret = unb64(vector["key"]["k"].as_str().unwrap());
    let renamed = DecryptionKey::from_secret(KeyManagement::A128Kw, &secret)
        .unwrap()
        .with_kid("someone-else");
    assert_eq!(
        JweDecrypter::new(renamed)
            .decrypt(text(&vector, "compact"))
            .unwrap_err(),
        Error::UnknownKey {
            kid: "81b20965-8332-43d9-a468-82160ad91ac8".into()
        }
    );
}

// ----- byte for byte, where the example fixes the randomness -----

fn reproduces_byte_for_byte(name: &str) {
    let vector = vector(name);
    assert_eq!(encrypt_again(&vector), text(&vector, "compact"), "{name}");
}

#[test]
fn rfc7516_a3_a128kw_a128cbc_hs256_is_reproduced_byte_for_byte() {
    reproduces_byte_for_byte("rfc7516-a3");
}

#[test]
fn rfc7520_5_4_ecdh_es_a128kw_p384_a128gcm_is_reproduced_byte_for_byte() {
    reproduces_byte_for_byte("rfc7520-5.4");
}

#[test]
fn rfc7520_5_5_ecdh_es_p256_a128cbc_hs256_is_reproduced_byte_for_byte() {
    reproduces_byte_for_byte("rfc7520-5.5");
}

#[test]
fn rfc7520_5_6_dir_a128gcm_is_reproduced_byte_for_byte() {
    reproduces_byte_for_byte("rfc7520-5.6");
}

#[test]
fn rfc7520_5_8_a128kw_a128gcm_is_reproduced_byte_for_byte() {
    reproduces_byte_for_byte("rfc7520-5.8");
}

/// RSA-OAEP pads with fresh random bytes, so the encrypted key (part 2)
/// cannot be reproduced: with the example's CEK and IV, the other four
/// parts are the published ones, and the new encrypted key decrypts.
fn reproduces_all_but_the_rsa_oaep_encrypted_key(name: &str) {
    let vector = vector(name);
    let ours = encrypt_again(&vector);
    let published = text(&vector, "compact");
    let (ours_parts, published_parts) = (parts(&ours), parts(published));
    for index in [0, 2, 3, 4] {
        assert_eq!(
            ours_parts[index], published_parts[index],
            "{name} part {index}"
        );
    }
    assert_ne!(
        ours_parts[1], published_parts[1],
        "{name}: OAEP is randomized"
    );
    assert_eq!(
        unb64(ours_parts[1]).len(),
        unb64(published_parts[1]).len(),
        "{name}: one modulus"
    );
    let decrypted = JweDecrypter::new(recipient(&vector))
        .decrypt(&ours)
        .unwrap();
    assert_eq!(decrypted.plaintext(), plaintext(&vector), "{name}");
}

#[test]
fn rfc7516_a1_rsa_oaep_a256gcm_is_reproduced_but_for_its_random_encrypted_key() {
    reproduces_all_but_the_rsa_oaep_encrypted_key("rfc7516-a1");
}

#[test]
fn rfc7520_5_2_rsa_oaep_a256gcm_is_reproduced_but_for_its_random_encrypted_key() {
    reproduces_all_but_the_rsa_oaep_encrypted_key("rfc7520-5.2");
}

// ----- refused by design, with the exact error -----

/// The example's own compact, decrypted with `key`: refused at the
/// header, whatever the key.
fn refusal(name: &str, key: DecryptionKey) -> Error {
    let vector = vector(name);
    JweDecrypter::new(key)
        .decrypt(text(&vector, "compact"))
        .unwrap_err()
}

const RSA1_5_REASON: &str =
    "refused: RSAES-PKCS1-v1_5 decryption is a padding oracle (Bleichenbacher; RFC 8725 §3.2)";

#[test]
fn rfc7516_a2_rsa1_5_is_refused_by_name_even_with_its_own_key() {
    let vector = vector("rfc7516-a2");
    // The example's RSA key, as the RSA-OAEP key it could only ever be.
    let key = DecryptionKey::from_jwk(KeyManagement::RsaOaep, &vector["key"].to_string()).unwrap();
    assert_eq!(
        refusal("rfc7516-a2", key),
        Error::UnsupportedEncryption {
            member: "alg",
            found: "RSA1_5".into(),
            reason: RSA1_5_REASON,
        }
    );
}

#[test]
fn rfc7520_5_1_rsa1_5_is_refused_by_name_even_with_its_own_key() {
    let vector = vector("rfc7520-5.1");
    let key = DecryptionKey::from_jwk(KeyManagement::RsaOaep, &vector["key"].to_string()).unwrap();
    assert_eq!(
        refusal("rfc7520-5.1", key),
        Error::UnsupportedEncryption {
            member: "alg",
            found: "RSA1_5".into(),
            reason: RSA1_5_REASON,
        }
    );
}

#[test]
fn rfc7520_5_3_pbes2_is_refused_by_name_before_its_iterations() {
    // The password is 34 bytes, no AES key: any key will do, none is used.
    let key = DecryptionKey::generate(KeyManagement::A256Kw).unwrap();
    assert_eq!(
        refusal("rfc7520-5.3", key),
        Error::UnsupportedEncryption {
            member: "alg",
            found: "PBES2-HS512+A256KW".into(),
            reason: "refused: the token chooses the PBKDF2 iteration count, so any token can cost the verifier seconds",
        }
    );
}

#[test]
fn rfc7520_5_7_a256gcmkw_is_refused_as_not_implemented_even_with_its_own_secret() {
    let vector = vector("rfc7520-5.7");
    // Its JWK says "alg": "A256GCMKW", which no key is bound to; its
    // secret as an A256KW key.
    let secret = unb64(vector["key"]["k"].as_str().unwrap());
    let key = DecryptionKey::from_secret(KeyManagement::A256Kw, &secret)
        .unwrap()
        .with_kid(vector["key"]["kid"].as_str().unwrap());
    assert_eq!(
        refusal("rfc7520-5.7", key),
        Error::UnsupportedEncryption {
            member: "alg",
            found: "A256GCMKW".into(),
            reason: "not implemented: use A128KW, A256KW or ECDH-ES+A256KW",
        }
    );
}

#[test]
fn rfc7520_5_9_zip_is_refused_even_with_its_own_key() {
    let vector = vector("rfc7520-5.9");
    assert_eq!(
        refusal("rfc7520-5.9", recipient(&vector)),
        Error::UnsupportedHeader {
            name: "zip",
            reason: "compressed JWEs are refused: decompression bombs, and compression leaks plaintext through length (RFC 8725 §3.6)",
        }
    );
    // Not for want of a key: §5.8 shares its key, and decrypts.
    let sibling = self::vector("rfc7520-5.8");
    assert_eq!(sibling["key"], vector["key"]);
}

#[test]
fn a_refused_example_is_refused_the_same_way_for_an_encrypted_purpose() {
    use jwt_claims::Claims;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize, Claims)]
    #[jwt(typ = "access", aud = "billing", ttl = "15m", encrypted)]
    struct Sealed {
        org_id: u64,
    }

    let vector = vector("rfc7520-5.9");
    let verifier = verifier_builder()
        .shared_key(key())
        .decryption_key::<Sealed>(recipient(&vector))
        .build()
        .unwrap();
    let err = verifier
        .decode::<Sealed>(text(&vector, "compact"))
        .unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedHeader { name: "zip", .. }),
        "{err}"
    );
}

// ----- RFC 7518 Appendix C, from its JSON -----

/// The Concat KDF of RFC 7518 §4.6.2 with SHA-256, written here from the
/// RFC (with the suite's own SHA-256) to check the JSON's inputs.
pub(crate) fn concat_kdf(
    z: &[u8],
    algorithm_id: &[u8],
    apu: &[u8],
    apv: &[u8],
    bits: u32,
) -> Vec<u8> {
    let mut input = 1u32.to_be_bytes().to_vec();
    input.extend_from_slice(z);
    for field in [algorithm_id, apu, apv] {
        input.extend_from_slice(&(field.len() as u32).to_be_bytes());
        input.extend_from_slice(field);
    }
    input.extend_from_slice(&bits.to_be_bytes());
    sha256(&input)[..bits as usize / 8].to_vec()
}

#[test]
fn rfc7518_appendix_c_alice_and_bob_agree_the_published_a128gcm_key() {
    let vector = vector(CONCAT_KDF);
    let derived = bytes(&vector, "derived_key");
    // The JSON's KDF inputs are the RFC's: recomputed from Z, they give
    // the published key.
    assert_eq!(
        concat_kdf(
            &bytes(&vector, "z_b64u"),
            b"A128GCM",
            text(&vector, "apu_text").as_bytes(),
            text(&vector, "apv_text").as_bytes(),
            128
        ),
        derived
    );
    assert_eq!(bytes(&vector, "algorithm_id_b64u"), b"\0\0\0\x07A128GCM");
    // Alice encrypts to Bob with her fixed ephemeral key: the library
    // derives the CEK from the agreement (no CEK is given).
    let bob = recipient(&vector);
    let alice = DecryptionKey::from_jwk(KeyManagement::EcdhEs, &vector["epk"].to_string()).unwrap();
    let protected = b64(format!(
        r#"{{"alg":"ECDH-ES","enc":"A128GCM","apu":"{}","apv":"{}","epk":{}}}"#,
        text(&vector, "apu"),
        text(&vector, "apv"),
        vector["protected"]["epk"]
    )
    .as_bytes());
    let iv = [7u8; 12];
    let from_agreement = __encrypt_fixed(
        &bob.encryption_key(),
        &protected,
        None,
        &iv,
        Some(&alice),
        b"Appendix C",
    )
    .unwrap();
    // The same header, content encrypted with the published key itself
    // (as a `dir` key): the same token, so the agreed key is that key.
    let published_key = EncryptionKey::from_secret(KeyManagement::Dir, &derived).unwrap();
    let from_published =
        __encrypt_fixed(&published_key, &protected, None, &iv, None, b"Appendix C").unwrap();
    assert_eq!(from_agreement, from_published);
    // And Bob, deriving it from his side, decrypts it.
    let decrypted = JweDecrypter::new(bob).decrypt(&from_published).unwrap();
    assert_eq!(decrypted.plaintext(), b"Appendix C");
}
