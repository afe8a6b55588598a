//! Encrypted purposes: the keys a verifier decrypts with and a signer
//! encrypts to, and the outer JWE of a sign-then-encrypt token (RFC 7519
//! §5.2: `cty: "JWT"`, the JWS as its plaintext).
//!
//! The rest of the JWT layer sees one call each way: the verifier asks
//! for the inner JWS of a token ([`DecryptionKeys::open`]), the signer
//! for the JWE around a JWS ([`EncryptionKeys::seal`]). Without the
//! `aws_lc_rs` backend, both refuse with a typed error.

#[cfg(feature = "aws_lc_rs")]
use crate::jwt::policy::same_media_type;
use crate::jwt::purpose::PurposeId;
#[cfg(feature = "aws_lc_rs")]
use crate::jwt::purpose::PurposeMap;
use crate::{ConfigError, Error, Policy};

#[cfg(feature = "aws_lc_rs")]
use crate::jwe::{self, ContentEncryption, DecryptionKey, EncryptionKey, KeyManagement};

/// The decryption keys of a verifier: a purpose's own, or the shared ones.
#[derive(Clone, Default)]
pub(crate) struct DecryptionKeys {
    #[cfg(feature = "aws_lc_rs")]
    purposes: PurposeMap<Vec<DecryptionKey>>,
    #[cfg(feature = "aws_lc_rs")]
    shared: Vec<DecryptionKey>,
}

/// What a verifier builder collects, checked at `build()`.
#[derive(Default)]
pub(crate) struct DecryptionKeysBuilder {
    #[cfg(feature = "aws_lc_rs")]
    purposes: PurposeMap<(Policy, Vec<DecryptionKey>)>,
    #[cfg(feature = "aws_lc_rs")]
    shared: Vec<DecryptionKey>,
}

#[cfg(feature = "aws_lc_rs")]
impl DecryptionKeysBuilder {
    pub(crate) fn purpose(&mut self, id: PurposeId, policy: &Policy, key: DecryptionKey) {
        self.purposes
            .entry(id)
            .or_insert_with(|| (policy.clone(), Vec::new()))
            .1
            .push(key);
    }

    pub(crate) fn shared(&mut self, key: DecryptionKey) {
        self.shared.push(key);
    }
}

impl DecryptionKeysBuilder {
    /// The keys, once every purpose given keys is encrypted and no `kid`
    /// appears twice in one purpose's keys.
    pub(crate) fn build(self) -> Result<DecryptionKeys, Error> {
        #[cfg(feature = "aws_lc_rs")]
        {
            let mut purposes = PurposeMap::default();
            for (id, (policy, keys)) in self.purposes {
                if !policy.is_encrypted() {
                    return Err(ConfigError::NotEncryptedPurpose {
                        purpose: policy.name().to_owned(),
                    }
                    .into());
                }
                jwe::check_key_ids(keys.iter(), policy.name())?;
                purposes.insert(id, keys);
            }
            jwe::check_key_ids(self.shared.iter(), "shared")?;
            Ok(DecryptionKeys {
                purposes,
                shared: self.shared,
            })
        }
        #[cfg(not(feature = "aws_lc_rs"))]
        Ok(DecryptionKeys {})
    }
}

impl DecryptionKeys {
    /// The inner JWS of `token`, for an encrypted purpose: the size limit
    /// first, then the JWE layer with the purpose's keys and content
    /// encryptions, then the outer header's rules (`cty: "JWT"`, and a
    /// `typ`, if any, that the purpose accepts).
    pub(crate) fn open(
        &self,
        token: &str,
        id: PurposeId,
        policy: &Policy,
        budget: usize,
    ) -> Result<String, Error> {
        if token.len() > budget {
            return Err(Error::TokenTooLarge {
                limit: budget,
                found: token.len(),
            });
        }
        let dots = token.bytes().filter(|&b| b == b'.').count();
        if dots == 2 {
            return Err(Error::NotEncrypted);
        }
        if dots != 4 {
            return Err(Error::WrongSegmentCount { found: dots + 1 });
        }
        self.open_jwe(token, id, policy)
    }

    #[cfg(feature = "aws_lc_rs")]
    fn open_jwe(&self, token: &str, id: PurposeId, policy: &Policy) -> Result<String, Error> {
        let keys = match self.purposes.get(&id) {
            Some(keys) => keys.as_slice(),
            None => self.shared.as_slice(),
        };
        if keys.is_empty() {
            return Err(ConfigError::NoDecryptionKey {
                purpose: policy.name().to_owned(),
            }
            .into());
        }
        let (header, plaintext) = jwe::decrypt(token, keys, policy.content_encryptions())?;
        check_outer_header(policy, header.typ.as_deref(), header.cty.as_deref())?;
        // The inner JWS is base64url and dots: anything else fails there.
        String::from_utf8(plaintext.to_vec()).map_err(|_| Error::Encrypted {
            source: Box::new(Error::InvalidBase64 {
                part: crate::Part::Header,
            }),
        })
    }

    #[cfg(not(feature = "aws_lc_rs"))]
    fn open_jwe(&self, _: &str, _: PurposeId, _: &Policy) -> Result<String, Error> {
        Err(unavailable())
    }
}

#[cfg(feature = "aws_lc_rs")]
/// The outer JWE of a nested token says what it holds: `cty: "JWT"`
/// (RFC 7519 §5.2), and a `typ`, if it has one, of the purpose.
fn check_outer_header(policy: &Policy, typ: Option<&str>, cty: Option<&str>) -> Result<(), Error> {
    match cty {
        Some(cty) if same_media_type(cty, "JWT") => {}
        Some(cty) => {
            return Err(Error::UnexpectedContentType {
                found: crate::error::echo(cty),
            });
        }
        None => return Err(Error::MissingContentType),
    }
    if let Some(typ) = typ
        && !policy.accepts_type(typ)
    {
        return Err(Error::WrongType {
            expected: policy.token_type().unwrap_or("JWT").to_owned(),
            found: crate::error::echo(typ),
        });
    }
    Ok(())
}

#[cfg(not(feature = "aws_lc_rs"))]
fn unavailable() -> Error {
    Error::UnsupportedEncryption {
        member: "alg",
        found: String::new(),
        reason: "JWE needs jwt-claims' aws_lc_rs backend (the default feature)",
    }
}

/// Whether a five-segment token's first segment is a JWE header (an
/// object with `enc`): a token for an encrypted purpose, presented where
/// a signed one is expected. Error path only.
pub(crate) fn has_jwe_header(token: &str) -> bool {
    let header = token.split('.').next().unwrap_or_default();
    crate::base64url::decode(header)
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|header| header.get("enc").is_some())
}

/// The encryption keys of a signer, one a purpose.
#[derive(Clone, Default)]
pub(crate) struct EncryptionKeys {
    #[cfg(feature = "aws_lc_rs")]
    purposes: PurposeMap<EncryptionKey>,
}

/// What a signer builder collects, checked at `build()`.
#[derive(Default)]
pub(crate) struct EncryptionKeysBuilder {
    #[cfg(feature = "aws_lc_rs")]
    purposes: PurposeMap<(Policy, EncryptionKey)>,
    /// A purpose given two keys.
    twice: Option<String>,
}

#[cfg(feature = "aws_lc_rs")]
impl EncryptionKeysBuilder {
    pub(crate) fn purpose(&mut self, id: PurposeId, policy: &Policy, key: EncryptionKey) {
        if self.purposes.insert(id, (policy.clone(), key)).is_some() {
            self.twice.get_or_insert_with(|| policy.name().to_owned());
        }
    }
}

impl EncryptionKeysBuilder {
    /// The keys, once each purpose has one and every purpose given a key
    /// is encrypted, with a content encryption its key can do.
    pub(crate) fn build(self) -> Result<EncryptionKeys, Error> {
        if let Some(purpose) = self.twice {
            return Err(ConfigError::SecondEncryptionKey { purpose }.into());
        }
        #[cfg(feature = "aws_lc_rs")]
        {
            let mut purposes = PurposeMap::default();
            for (id, (policy, key)) in self.purposes {
                if !policy.is_encrypted() {
                    return Err(ConfigError::NotEncryptedPurpose {
                        purpose: policy.name().to_owned(),
                    }
                    .into());
                }
                content_encryption(&policy, &key)?;
                purposes.insert(id, key);
            }
            Ok(EncryptionKeys { purposes })
        }
        #[cfg(not(feature = "aws_lc_rs"))]
        Ok(EncryptionKeys {})
    }
}

/// The content encryption a signer uses for `policy` with `key`: the
/// policy's first, else A256GCM; for a `dir` key, the first the key's
/// length fits.
#[cfg(feature = "aws_lc_rs")]
fn content_encryption(policy: &Policy, key: &EncryptionKey) -> Result<ContentEncryption, Error> {
    let allowed = policy.content_encryptions();
    let preferred = if policy.encryptions.is_empty() {
        // The default, unless a `dir` key is of another length.
        [ContentEncryption::A256Gcm]
            .into_iter()
            .chain(allowed.iter().copied())
            .collect::<Vec<_>>()
    } else {
        allowed.to_vec()
    };
    preferred
        .into_iter()
        .find(|enc| jwe::JweEncrypter::new(key.clone(), *enc).is_ok())
        .ok_or_else(|| Error::EncryptionNotAllowed {
            member: "alg",
            found: KeyManagement::Dir.name().to_owned(),
        })
}

impl EncryptionKeys {
    /// The JWE around `jws`, for an encrypted purpose.
    pub(crate) fn seal(&self, jws: &str, id: PurposeId, policy: &Policy) -> Result<String, Error> {
        #[cfg(feature = "aws_lc_rs")]
        {
            let key = self
                .purposes
                .get(&id)
                .ok_or_else(|| ConfigError::NoEncryptionKey {
                    purpose: policy.name().to_owned(),
                })?;
            let enc = content_encryption(policy, key)?;
            jwe::encrypt(key, enc, None, Some("JWT"), jws.as_bytes())
        }
        #[cfg(not(feature = "aws_lc_rs"))]
        {
            let _ = (jws, id, policy);
            Err(unavailable())
        }
    }
}
