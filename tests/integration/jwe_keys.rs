//! JWE keys from files: each format a key file is written in loads, the
//! private half decrypts what the loaded public half encrypts, and an
//! unreadable file is a configuration error that names the path.

use std::path::PathBuf;

use jwt_claims::jwe::{
    ContentEncryption, DecryptionKey, EncryptionKey, JweDecrypter, JweEncrypter, KeyManagement,
};
use jwt_claims::{ConfigError, Error};

const P256_PEM: &[u8] = include_bytes!("../keys/p256.pem");
const P256_DER: &[u8] = include_bytes!("../keys/p256.der");
const P256_PUB_PEM: &[u8] = include_bytes!("../keys/p256.pub.pem");
const P256_PUB_DER: &[u8] = include_bytes!("../keys/p256.pub.der");
const RSA_PEM: &[u8] = include_bytes!("../keys/rsa2048.pem");
const RSA_PUB_PEM: &[u8] = include_bytes!("../keys/rsa2048.pub.pem");
const P256_JWK: &[u8] = include_bytes!("../interop/jwe_keys/p256.jwk.json");
const OCT32_JWK: &[u8] = include_bytes!("../interop/jwe_keys/oct32.jwk.json");
/// `oct32.jwk.json`'s `k`, alone: a secret key file may be just that.
const OCT32_SECRET: &[u8] = b"W90P4heHlCAYLGGqY-Db_NDcz2aPvkECZfYjaa-xSoE\n";

/// A directory of this test's own, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new() -> Dir {
        let name = format!("jwt-claims-jwe-keys-{}", std::process::id());
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    /// A file of `contents` in it.
    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `encryption` encrypts a JWE that `decryption` opens to the same bytes.
fn pair_works(decryption: DecryptionKey, encryption: EncryptionKey) {
    let token = JweEncrypter::new(encryption, ContentEncryption::A256Gcm)
        .unwrap()
        .encrypt(b"payment details")
        .unwrap();
    let opened = JweDecrypter::new(decryption).decrypt(&token).unwrap();
    assert_eq!(opened.plaintext(), b"payment details");
}

#[test]
fn loads_jwe_keys_from_files_of_every_format() {
    let dir = Dir::new();
    let file = |name: &str, contents: &[u8]| dir.file(name, contents);
    let ecdh = KeyManagement::EcdhEsA256Kw;
    let private = [("p256.pem", P256_PEM), ("p256.der", P256_DER)];
    let public = [
        ("p256.pub.pem", P256_PUB_PEM),
        ("p256.pub.der", P256_PUB_DER),
    ];
    for (private_name, private_bytes) in private {
        for (public_name, public_bytes) in public {
            let decryption = DecryptionKey::from_file(ecdh, file(private_name, private_bytes));
            let encryption = EncryptionKey::from_file(ecdh, file(public_name, public_bytes));
            pair_works(decryption.unwrap(), encryption.unwrap());
        }
    }
    // A JWK (another key: the interop suite's), and the public JWK it
    // exports.
    let decryption = DecryptionKey::from_file(ecdh, file("p256.jwk.json", P256_JWK)).unwrap();
    let public_jwk = decryption.encryption_key().to_public_jwk().unwrap();
    let encryption =
        EncryptionKey::from_file(ecdh, file("p256.pub.jwk.json", public_jwk.as_bytes()));
    pair_works(decryption, encryption.unwrap());

    let oaep = KeyManagement::RsaOaep256;
    pair_works(
        DecryptionKey::from_file(oaep, file("rsa.pem", RSA_PEM)).unwrap(),
        EncryptionKey::from_file(oaep, file("rsa.pub.pem", RSA_PUB_PEM)).unwrap(),
    );

    // A shared key is both halves: a JWK or the bare base64url secret.
    let wrap = KeyManagement::A256Kw;
    for (name, bytes) in [("oct32.jwk.json", OCT32_JWK), ("oct32.b64", OCT32_SECRET)] {
        pair_works(
            DecryptionKey::from_file(wrap, file(name, bytes)).unwrap(),
            EncryptionKey::from_file(wrap, file(name, bytes)).unwrap(),
        );
    }
}

#[test]
fn an_unreadable_jwe_key_file_names_its_path() {
    let missing = std::env::temp_dir().join("jwt-claims-no-such-key.pem");
    let expected = Error::Configuration(ConfigError::KeyFileUnreadable {
        path: missing.display().to_string(),
        reason: "entity not found".into(),
    });
    assert_eq!(
        DecryptionKey::from_file(KeyManagement::A256Kw, &missing).map(drop),
        Err(expected.clone())
    );
    assert_eq!(
        EncryptionKey::from_file(KeyManagement::A256Kw, &missing).map(drop),
        Err(expected)
    );
}
