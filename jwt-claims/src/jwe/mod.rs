//! The JWE layer (RFC 7516): compact serialization, strict headers,
//! typed keys, with the raw plaintext out.
//!
//! Encrypted purposes (`#[jwt(encrypted)]`) run on top of this one: the
//! signer signs the claims, then encrypts that JWS to the receiving
//! service's key; the verifier decrypts, then verifies the inner JWS with
//! the purpose's policy. Use this layer directly for payloads that are not
//! JWT claims, with the same strictness:
//!
//! - key management `dir`, `A128KW`, `A256KW`, `ECDH-ES`,
//!   `ECDH-ES+A128KW`, `ECDH-ES+A256KW` (P-256, P-384, X25519),
//!   `RSA-OAEP-256` and `RSA-OAEP`; content encryption `A128GCM`,
//!   `A256GCM`, `A128CBC-HS256`, `A256CBC-HS512`;
//! - refused by name, never implemented: `RSA1_5`, `PBES2-*`, `zip`,
//!   `crit` ([`KeyManagement::from_name`] says why);
//! - the size limit before anything is decoded; no member twice in the
//!   header; the `alg` bound to the key, `enc` to an allow-list; keys only
//!   from configuration, never from `jwk`, `jku` or `x5u`;
//! - every failure after the header (unwrap, agreement, tag, padding) is
//!   one [`Error::DecryptionFailed`](crate::Error::DecryptionFailed), the CBC tag checked in constant time
//!   before any decryption; an ephemeral key off the configured key's
//!   curve, or of small order, fails the agreement.
//!
//! JWE needs the `aws_lc_rs` backend (the default; without it only the
//! algorithm names are here, and an encrypted purpose's token is refused
//! with [`Error::UnsupportedEncryption`](crate::Error::UnsupportedEncryption)): its primitives
//! (AES-GCM, AES key wrap, ECDH, RSA-OAEP, AES-CBC, HMAC) come from
//! aws-lc-rs; the protocol steps (CEK handling, Concat KDF, AAD, tag) are
//! this module's.
//!
//! ```
//! # #[cfg(feature = "aws_lc_rs")]
//! # fn main() -> Result<(), jwt_claims::Error> {
//! use jwt_claims::jwe::{ContentEncryption, DecryptionKey, JweDecrypter, JweEncrypter, KeyManagement};
//!
//! // The receiving service's key; the sender needs only its public half.
//! let key = DecryptionKey::generate(KeyManagement::EcdhEsA256Kw)?;
//! let token = JweEncrypter::new(key.encryption_key(), ContentEncryption::A256Gcm)?
//!     .encrypt(b"for the billing service only")?;
//!
//! let decrypted = JweDecrypter::new(key).decrypt(&token)?;
//! assert_eq!(decrypted.plaintext(), b"for the billing service only");
//! assert_eq!(decrypted.header().algorithm(), KeyManagement::EcdhEsA256Kw);
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "aws_lc_rs"))]
//! # fn main() {}
//! ```

mod algorithm;
#[cfg(feature = "aws_lc_rs")]
mod content;
#[cfg(feature = "aws_lc_rs")]
mod header;
#[cfg(feature = "aws_lc_rs")]
mod key;
#[cfg(feature = "aws_lc_rs")]
mod layer;
#[cfg(feature = "aws_lc_rs")]
mod management;

pub use self::algorithm::{ContentEncryption, KeyManagement};
#[cfg(feature = "aws_lc_rs")]
pub use self::key::{Curve, DecryptionKey, EncryptionKey};
#[cfg(feature = "aws_lc_rs")]
pub use self::layer::{__encrypt_fixed, DecryptedJwe, JweDecrypter, JweEncrypter, JweHeader};
#[cfg(feature = "aws_lc_rs")]
pub(crate) use self::layer::{check_key_ids, decrypt, encrypt};
