//! The JWE algorithms jwt-claims implements, and the ones it refuses by
//! name (RFC 7518 §4 and §5).

use core::fmt;

use crate::Error;
use crate::error::echo;

/// A key management algorithm (RFC 7518 §4): how the content encryption
/// key reaches the recipient. A [`DecryptionKey`](super::DecryptionKey) or
/// [`EncryptionKey`](super::EncryptionKey) is bound to exactly one.
///
/// Refused by name, never implemented: `RSA1_5` (Bleichenbacher's padding
/// oracle), `PBES2-*` (an attacker-chosen iteration count costs the
/// verifier), the `A*GCMKW` and 192-bit variants (not implemented).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyManagement {
    /// `dir`: the shared key is the content encryption key.
    Dir,
    /// `A128KW`: AES-128 key wrap (RFC 3394) of a random CEK.
    A128Kw,
    /// `A256KW`: AES-256 key wrap.
    A256Kw,
    /// `ECDH-ES`: the CEK is agreed (ECDH with an ephemeral key, Concat
    /// KDF); P-256, P-384 or X25519.
    EcdhEs,
    /// `ECDH-ES+A128KW`: an agreed AES-128 key wraps a random CEK.
    EcdhEsA128Kw,
    /// `ECDH-ES+A256KW`: an agreed AES-256 key wraps a random CEK.
    EcdhEsA256Kw,
    /// `RSA-OAEP`: RSAES-OAEP with SHA-1 and MGF1-SHA-1, for interop with
    /// issuers that use it (OAEP's security does not rest on SHA-1's
    /// collision resistance).
    RsaOaep,
    /// `RSA-OAEP-256`: RSAES-OAEP with SHA-256 and MGF1-SHA-256.
    RsaOaep256,
}

impl KeyManagement {
    /// Every key management algorithm implemented.
    pub const ALL: [KeyManagement; 8] = [
        KeyManagement::Dir,
        KeyManagement::A128Kw,
        KeyManagement::A256Kw,
        KeyManagement::EcdhEs,
        KeyManagement::EcdhEsA128Kw,
        KeyManagement::EcdhEsA256Kw,
        KeyManagement::RsaOaep,
        KeyManagement::RsaOaep256,
    ];

    /// The `alg` header value.
    pub const fn name(self) -> &'static str {
        match self {
            KeyManagement::Dir => "dir",
            KeyManagement::A128Kw => "A128KW",
            KeyManagement::A256Kw => "A256KW",
            KeyManagement::EcdhEs => "ECDH-ES",
            KeyManagement::EcdhEsA128Kw => "ECDH-ES+A128KW",
            KeyManagement::EcdhEsA256Kw => "ECDH-ES+A256KW",
            KeyManagement::RsaOaep => "RSA-OAEP",
            KeyManagement::RsaOaep256 => "RSA-OAEP-256",
        }
    }

    /// The algorithm of an `alg` header value.
    ///
    /// # Errors
    /// [`Error::UnsupportedEncryption`] for a name refused by design
    /// (`RSA1_5`, `PBES2-*`, ...) or unknown, saying which.
    pub fn from_name(name: &str) -> Result<KeyManagement, Error> {
        if let Some(found) = KeyManagement::ALL
            .into_iter()
            .find(|alg| alg.name() == name)
        {
            return Ok(found);
        }
        let reason = if name == "RSA1_5" {
            "refused: RSAES-PKCS1-v1_5 decryption is a padding oracle (Bleichenbacher; RFC 8725 §3.2)"
        } else if name.starts_with("PBES2-") {
            "refused: the token chooses the PBKDF2 iteration count, so any token can cost the verifier seconds"
        } else if name.eq_ignore_ascii_case("none") {
            "refused: a JWE always encrypts"
        } else if matches!(
            name,
            "A128GCMKW" | "A192GCMKW" | "A256GCMKW" | "A192KW" | "ECDH-ES+A192KW"
        ) {
            "not implemented: use A128KW, A256KW or ECDH-ES+A256KW"
        } else {
            "unknown key management algorithm"
        };
        Err(Error::UnsupportedEncryption {
            member: "alg",
            found: echo(name),
            reason,
        })
    }

    #[cfg_attr(not(feature = "aws_lc_rs"), allow(dead_code))]
    /// The length of the key this algorithm wraps with, for the AES key
    /// wraps (direct or after agreement).
    pub(crate) const fn wrap_key_len(self) -> Option<usize> {
        match self {
            KeyManagement::A128Kw | KeyManagement::EcdhEsA128Kw => Some(16),
            KeyManagement::A256Kw | KeyManagement::EcdhEsA256Kw => Some(32),
            _ => None,
        }
    }

    #[cfg_attr(not(feature = "aws_lc_rs"), allow(dead_code))]
    /// Whether the algorithm agrees a key with ECDH-ES.
    pub(crate) const fn is_ecdh(self) -> bool {
        matches!(
            self,
            KeyManagement::EcdhEs | KeyManagement::EcdhEsA128Kw | KeyManagement::EcdhEsA256Kw
        )
    }
}

impl fmt::Display for KeyManagement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A content encryption algorithm (RFC 7518 §5): an AEAD over the
/// plaintext with the protected header as associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentEncryption {
    /// `A128GCM`: AES-128 in GCM.
    A128Gcm,
    /// `A256GCM`: AES-256 in GCM (the default).
    A256Gcm,
    /// `A128CBC-HS256`: AES-128-CBC, then HMAC-SHA-256 truncated to 128
    /// bits (RFC 7518 §5.2.3).
    A128CbcHs256,
    /// `A256CBC-HS512`: AES-256-CBC, then HMAC-SHA-512 truncated to 256
    /// bits.
    A256CbcHs512,
}

impl ContentEncryption {
    /// Every content encryption algorithm implemented.
    pub const ALL: [ContentEncryption; 4] = [
        ContentEncryption::A128Gcm,
        ContentEncryption::A256Gcm,
        ContentEncryption::A128CbcHs256,
        ContentEncryption::A256CbcHs512,
    ];

    /// The `enc` header value.
    pub const fn name(self) -> &'static str {
        match self {
            ContentEncryption::A128Gcm => "A128GCM",
            ContentEncryption::A256Gcm => "A256GCM",
            ContentEncryption::A128CbcHs256 => "A128CBC-HS256",
            ContentEncryption::A256CbcHs512 => "A256CBC-HS512",
        }
    }

    /// The algorithm of an `enc` header value.
    ///
    /// # Errors
    /// [`Error::UnsupportedEncryption`] for a name not implemented.
    pub fn from_name(name: &str) -> Result<ContentEncryption, Error> {
        ContentEncryption::ALL
            .into_iter()
            .find(|enc| enc.name() == name)
            .ok_or_else(|| Error::UnsupportedEncryption {
                member: "enc",
                found: echo(name),
                reason: if matches!(name, "A192GCM" | "A192CBC-HS384") {
                    "not implemented: use A128GCM, A256GCM, A128CBC-HS256 or A256CBC-HS512"
                } else {
                    "unknown content encryption algorithm"
                },
            })
    }

    /// The content encryption key's length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            ContentEncryption::A128Gcm => 16,
            ContentEncryption::A256Gcm | ContentEncryption::A128CbcHs256 => 32,
            ContentEncryption::A256CbcHs512 => 64,
        }
    }

    /// The initialization vector's length in bytes.
    pub const fn iv_len(self) -> usize {
        match self {
            ContentEncryption::A128Gcm | ContentEncryption::A256Gcm => 12,
            ContentEncryption::A128CbcHs256 | ContentEncryption::A256CbcHs512 => 16,
        }
    }

    /// The authentication tag's length in bytes.
    pub const fn tag_len(self) -> usize {
        match self {
            ContentEncryption::A128Gcm
            | ContentEncryption::A256Gcm
            | ContentEncryption::A128CbcHs256 => 16,
            ContentEncryption::A256CbcHs512 => 32,
        }
    }
}

impl fmt::Display for ContentEncryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
