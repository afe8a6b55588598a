//! Loading keys from configuration: environment variables and files.
//!
//! Formats are recognised by their first characters: `-----BEGIN` is PEM,
//! `{` is a JWK; otherwise a file is DER and an HMAC secret is base64url.
//! Errors name the variable or file, never the material; buffers holding
//! secrets are wiped when dropped.

use std::ffi::OsString;
use std::path::Path;

use zeroize::Zeroizing;

use super::{HmacKey, JwkSet, PrivateKey, PublicKey};
use crate::{Algorithm, ConfigError, Error};

/// Where key material came from, as errors name it.
enum Source<'a> {
    Env(&'a str),
    File(&'a Path),
}

impl core::fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Source::Env(var) => write!(f, "environment variable {var}"),
            Source::File(path) => write!(f, "key file {}", path.display()),
        }
    }
}

pub(crate) fn read_env(
    var: &str,
    lookup: impl FnOnce(&str) -> Option<OsString>,
) -> Result<Zeroizing<String>, Error> {
    let value = lookup(var).ok_or_else(|| ConfigError::EnvVarMissing {
        name: var.to_owned(),
    })?;
    value.into_string().map(Zeroizing::new).map_err(|_| {
        ConfigError::EnvVarNotUnicode {
            name: var.to_owned(),
        }
        .into()
    })
}

pub(crate) fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, Error> {
    std::fs::read(path).map(Zeroizing::new).map_err(|err| {
        ConfigError::KeyFileUnreadable {
            path: path.display().to_string(),
            // The I/O error's kind, not its text: nothing from the file.
            reason: err.kind().to_string(),
        }
        .into()
    })
}

/// The key text's format, by its first characters.
#[derive(PartialEq, Eq)]
enum Format {
    Pem,
    Jwk,
    Other,
}

fn format_of(bytes: &[u8]) -> Format {
    let start = bytes.trim_ascii_start();
    if start.starts_with(b"-----BEGIN") {
        Format::Pem
    } else if start.starts_with(b"{") {
        Format::Jwk
    } else {
        Format::Other
    }
}

fn text<'b>(source: &Source<'_>, algorithm: Algorithm, bytes: &'b [u8]) -> Result<&'b str, Error> {
    core::str::from_utf8(bytes).map_err(|_| Error::InvalidKey {
        algorithm,
        reason: format!("{source}: a JWK must be UTF-8 text"),
    })
}

/// A key type that loads from configuration: its formats, read from the
/// bytes of a named source. One loader serves every key type.
trait Load: Sized {
    fn load(source: &Source<'_>, algorithm: Algorithm, bytes: &[u8]) -> Result<Self, Error>;
}

/// Loads a key from the environment variable `var`, read by `lookup`.
fn load_env<K: Load>(
    algorithm: Algorithm,
    var: &str,
    lookup: impl FnOnce(&str) -> Option<OsString>,
) -> Result<K, Error> {
    let value = read_env(var, lookup)?;
    K::load(&Source::Env(var), algorithm, value.as_bytes())
}

/// Loads a key from the file at `path`.
fn load_file<K: Load>(algorithm: Algorithm, path: &Path) -> Result<K, Error> {
    let bytes = read_file(path)?;
    K::load(&Source::File(path), algorithm, &bytes)
}

impl Load for HmacKey {
    fn load(source: &Source<'_>, algorithm: Algorithm, bytes: &[u8]) -> Result<HmacKey, Error> {
        // Text only, so a trailing newline from an editor or `echo` goes.
        let bytes = bytes.trim_ascii();
        let text = text(source, algorithm, bytes)?;
        let key = match format_of(bytes) {
            Format::Jwk => HmacKey::from_jwk(algorithm, text),
            Format::Pem => Err(Error::InvalidKey {
                algorithm,
                reason: "an HMAC secret is base64url or a JWK, not PEM".into(),
            }),
            Format::Other => HmacKey::from_base64url(algorithm, text),
        };
        key.map_err(|err| err.about(source))
    }
}

impl Load for PublicKey {
    fn load(source: &Source<'_>, algorithm: Algorithm, bytes: &[u8]) -> Result<PublicKey, Error> {
        load_asymmetric(
            source,
            algorithm,
            bytes,
            [PublicKey::from_pem, PublicKey::from_der],
            PublicKey::from_jwk,
        )
    }
}

impl Load for PrivateKey {
    fn load(source: &Source<'_>, algorithm: Algorithm, bytes: &[u8]) -> Result<PrivateKey, Error> {
        load_asymmetric(
            source,
            algorithm,
            bytes,
            [PrivateKey::from_pem, PrivateKey::from_der],
            PrivateKey::from_jwk,
        )
    }
}

impl HmacKey {
    /// Loads an HMAC secret from an environment variable holding it as
    /// base64url (padding optional) or as an `oct` JWK.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the variable is unset or not UTF-8;
    /// as [`HmacKey::from_base64url`] and [`HmacKey::from_jwk`] otherwise,
    /// with the variable named.
    pub fn from_env(algorithm: Algorithm, var: &str) -> Result<HmacKey, Error> {
        load_env(algorithm, var, |var| std::env::var_os(var))
    }

    /// Loads an HMAC secret from a file holding it as base64url or as an
    /// `oct` JWK.
    ///
    /// # Errors
    /// As [`HmacKey::from_env`], for the file.
    pub fn from_file(algorithm: Algorithm, path: impl AsRef<Path>) -> Result<HmacKey, Error> {
        load_file(algorithm, path.as_ref())
    }
}

impl PublicKey {
    /// Loads a public key from an environment variable holding PEM or a
    /// JWK.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the variable is unset or not UTF-8;
    /// as [`PublicKey::from_pem`] and [`PublicKey::from_jwk`] otherwise,
    /// with the variable named.
    pub fn from_env(algorithm: Algorithm, var: &str) -> Result<PublicKey, Error> {
        load_env(algorithm, var, |var| std::env::var_os(var))
    }

    /// Loads a public key from a file of PEM, DER or a JWK.
    ///
    /// # Errors
    /// As [`PublicKey::from_env`], for the file.
    pub fn from_file(algorithm: Algorithm, path: impl AsRef<Path>) -> Result<PublicKey, Error> {
        load_file(algorithm, path.as_ref())
    }
}

impl PrivateKey {
    /// Loads a private key from an environment variable holding PEM or a
    /// JWK.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the variable is unset or not UTF-8;
    /// as [`PrivateKey::from_pem`] and [`PrivateKey::from_jwk`] otherwise,
    /// with the variable named.
    pub fn from_env(algorithm: Algorithm, var: &str) -> Result<PrivateKey, Error> {
        load_env(algorithm, var, |var| std::env::var_os(var))
    }

    /// Loads a private key from a file of PEM, DER or a JWK.
    ///
    /// # Errors
    /// As [`PrivateKey::from_env`], for the file.
    pub fn from_file(algorithm: Algorithm, path: impl AsRef<Path>) -> Result<PrivateKey, Error> {
        load_file(algorithm, path.as_ref())
    }
}

/// A key constructor from PEM or DER bytes.
type FromBytes<K> = fn(Algorithm, &[u8]) -> Result<K, Error>;

/// Reads an asymmetric key by its format, naming `source` in errors.
fn load_asymmetric<K>(
    source: &Source<'_>,
    algorithm: Algorithm,
    bytes: &[u8],
    [from_pem, from_der]: [FromBytes<K>; 2],
    from_jwk: fn(Algorithm, &str) -> Result<K, Error>,
) -> Result<K, Error> {
    let key = match format_of(bytes) {
        Format::Pem => from_pem(algorithm, bytes),
        Format::Jwk => from_jwk(algorithm, text(source, algorithm, bytes)?),
        Format::Other => from_der(algorithm, bytes),
    };
    key.map_err(|err| err.about(source))
}

impl JwkSet {
    /// Loads a JWK Set from a file.
    ///
    /// # Errors
    /// [`Error::Configuration`] when the file cannot be read; as
    /// [`JwkSet::from_json`] otherwise, with the file named.
    pub fn from_file(path: impl AsRef<Path>) -> Result<JwkSet, Error> {
        let path = path.as_ref();
        let bytes = read_file(path)?;
        let source = Source::File(path);
        let text = core::str::from_utf8(&bytes).map_err(|_| Error::InvalidKeySet {
            reason: format!("{source}: a JWK Set must be UTF-8 text"),
        })?;
        JwkSet::from_json(text).map_err(|err| match err {
            Error::InvalidKeySet { reason } => Error::InvalidKeySet {
                reason: format!("{source}: {reason}"),
            },
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(value: &str) -> impl FnOnce(&str) -> Option<OsString> + '_ {
        move |_| Some(OsString::from(value))
    }

    #[test]
    fn hmac_secret_from_env_as_base64url_or_jwk() {
        let b64 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA";
        let a = load_env::<HmacKey>(Algorithm::HS256, "JWT_SECRET", env(b64)).unwrap();
        let jwk = format!(r#"{{"kty":"oct","k":"{b64}","kid":"s1"}}"#);
        let b = load_env::<HmacKey>(Algorithm::HS256, "JWT_SECRET", env(&jwk)).unwrap();
        assert_eq!(b.kid(), Some("s1"));
        let mut tag = Vec::new();
        a.sign_into(b"m", &mut tag);
        assert!(b.verify(b"m", &tag));
    }

    #[test]
    fn errors_name_the_variable_but_never_the_secret() {
        let short = "c2VjcmV0LXNlY3JldA"; // "secret-secret": too short
        let err = load_env::<HmacKey>(Algorithm::HS256, "JWT_SECRET", env(short)).unwrap_err();
        assert_eq!(
            err,
            Error::WeakKey {
                algorithm: Algorithm::HS256,
                reason:
                    "environment variable JWT_SECRET: secret is 13 bytes, at least 32 are required"
                        .into()
            }
        );
        assert!(!format!("{err} {err:?}").contains(short));
        let missing = load_env::<HmacKey>(Algorithm::HS256, "NOPE", |_| None).unwrap_err();
        assert_eq!(
            missing,
            Error::Configuration(ConfigError::EnvVarMissing {
                name: "NOPE".into()
            })
        );
    }

    #[test]
    fn private_key_from_env_as_jwk_and_wrong_format_is_named() {
        let jwk = r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        let key = load_env::<PrivateKey>(Algorithm::EdDSA, "SIGNING_KEY", env(jwk)).unwrap();
        assert_eq!(key.algorithm(), Algorithm::EdDSA);
        let err = load_env::<PrivateKey>(Algorithm::EdDSA, "SIGNING_KEY", env("nWGxne_9WmC6"))
            .unwrap_err();
        assert_eq!(
            err,
            Error::InvalidKey {
                algorithm: Algorithm::EdDSA,
                reason: "environment variable SIGNING_KEY: not a valid Ed25519 private key".into()
            }
        );
    }

    #[test]
    fn unreadable_file_names_the_path_and_the_error_kind() {
        let err =
            PublicKey::from_file(Algorithm::ES256, "/nonexistent/jwt-claims/key.pem").unwrap_err();
        assert_eq!(
            err,
            Error::Configuration(ConfigError::KeyFileUnreadable {
                path: "/nonexistent/jwt-claims/key.pem".into(),
                reason: "entity not found".into()
            })
        );
    }

    #[test]
    fn generated_keys_sign_and_verify() {
        for algorithm in [Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA] {
            let key = PrivateKey::generate(algorithm).unwrap();
            let mut signature = Vec::new();
            key.sign_into(b"message", &mut signature).unwrap();
            assert!(
                key.public_key().verify(b"message", &signature),
                "{algorithm}"
            );
            assert_ne!(
                key.public_key().thumbprint(),
                PrivateKey::generate(algorithm)
                    .unwrap()
                    .public_key()
                    .thumbprint()
            );
        }
        let hmac = HmacKey::generate(Algorithm::HS512).unwrap();
        let mut tag = Vec::new();
        hmac.sign_into(b"m", &mut tag);
        assert!(hmac.verify(b"m", &tag));
    }

    #[test]
    fn exported_private_jwks_and_pem_import_to_the_same_key_for_every_algorithm() {
        let algorithms: &[Algorithm] = if crate::CRYPTO_BACKEND == "aws-lc-rs" {
            &[
                Algorithm::RS256,
                Algorithm::PS512,
                Algorithm::ES256,
                Algorithm::ES384,
                Algorithm::EdDSA,
            ]
        } else {
            // The RustCrypto provider cannot generate RSA keys.
            &[Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA]
        };
        for &algorithm in algorithms {
            let key = PrivateKey::generate(algorithm).unwrap().with_kid("k");
            let thumbprint = key.public_key().thumbprint();
            let jwk = crate::dangerous::export_private_jwk(&key).unwrap();
            assert!(
                jwk.contains(r#""d":""#) && jwk.ends_with(r#""use":"sig","kid":"k"}"#),
                "{algorithm}"
            );
            let from_jwk = PrivateKey::from_jwk(algorithm, &jwk).unwrap();
            assert_eq!(
                from_jwk.public_key().thumbprint(),
                thumbprint,
                "{algorithm}"
            );
            let pem = crate::dangerous::export_private_pem(&key).unwrap();
            let from_pem = PrivateKey::from_pem(algorithm, pem.as_bytes()).unwrap();
            assert_eq!(
                from_pem.public_key().thumbprint(),
                thumbprint,
                "{algorithm}"
            );
            // The exported key signs what the original verifies.
            let mut signature = Vec::new();
            from_jwk.sign_into(b"m", &mut signature).unwrap();
            assert!(key.public_key().verify(b"m", &signature), "{algorithm}");
            // And the public JWK of the same key has no private member.
            assert!(!key.public_key().to_jwk().contains(r#""d""#));
        }
    }

    #[test]
    fn exported_hmac_jwk_imports_to_the_same_secret() {
        let key = HmacKey::generate(Algorithm::HS384).unwrap().with_kid("h");
        let jwk = crate::dangerous::export_hmac_jwk(&key);
        let again = HmacKey::from_jwk(Algorithm::HS384, &jwk).unwrap();
        assert_eq!(again.kid(), Some("h"));
        let mut tag = Vec::new();
        key.sign_into(b"m", &mut tag);
        assert!(again.verify(b"m", &tag));
    }
}
