//! JWK Sets (RFC 7517 §5): the public keys a service publishes, and that
//! verifiers import.

use serde::Deserialize;

use super::PublicKey;
use crate::{Algorithm, Error};

/// A set of public keys, as published at a `jwks_uri`.
///
/// Only public keys can be in a `JwkSet`, so publishing one can never leak
/// a private or HMAC key.
///
/// ```
/// use jwt_claims::{Algorithm, JwkSet, PrivateKey};
///
/// let signing = PrivateKey::from_jwk(Algorithm::EdDSA, r#"{"kty":"OKP","crv":"Ed25519",
///     "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
///     "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#)?.with_kid("2026-11");
///
/// // The auth service publishes its public keys...
/// let published = JwkSet::new([signing.public_key()]).to_json();
/// assert!(!published.contains("\"d\""));
///
/// // ...and a verifying service imports them.
/// let imported = JwkSet::from_json(&published)?;
/// assert_eq!(imported.get("2026-11").map(|key| key.algorithm()), Some(Algorithm::EdDSA));
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct JwkSet {
    keys: Vec<PublicKey>,
}

#[derive(Deserialize)]
struct RawSet {
    keys: Vec<serde_json::Value>,
}

/// What a JWK says about how it may be used, read before the key itself.
#[derive(Deserialize)]
struct Usage {
    kty: Option<String>,
    crv: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    key_ops: Option<Vec<String>>,
    kid: Option<String>,
}

impl JwkSet {
    /// A set of these keys.
    pub fn new(keys: impl IntoIterator<Item = PublicKey>) -> JwkSet {
        JwkSet {
            keys: keys.into_iter().collect(),
        }
    }

    /// Imports a JWK Set.
    ///
    /// Keys that are not for verifying signatures with a supported
    /// algorithm are skipped, as RFC 7517 §5 asks: `use` other than `sig`,
    /// `key_ops` without `verify`, an `alg` jwt-claims does not implement,
    /// a `kty` it does not know. Each other key must declare its algorithm:
    /// by `alg`, or for EC and OKP keys by their curve (P-256 → ES256,
    /// P-384 → ES384, Ed25519 → EdDSA); an RSA key without `alg` is
    /// ambiguous (RS* or PS*) and refused.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the JSON is not a JWK Set, a key that
    /// should be usable is malformed, private or weak, or two keys share a
    /// `kid`; the reason names the key's index.
    pub fn from_json(json: &str) -> Result<JwkSet, Error> {
        let set_error = |reason: String| Error::InvalidKey {
            algorithm: Algorithm::ES256,
            reason,
        };
        let raw: RawSet = serde_json::from_str(json).map_err(|err| {
            set_error(format!(
                "not a JWK Set: {}",
                crate::json_object::reason(&err)
            ))
        })?;
        let mut keys: Vec<PublicKey> = Vec::with_capacity(raw.keys.len());
        for (index, jwk) in raw.keys.iter().enumerate() {
            let at = |err: Error| err.about(format_args!("key [{index}]"));
            let usage: Usage = serde_json::from_value(jwk.clone()).map_err(|err| {
                set_error(format!(
                    "key [{index}]: {}",
                    crate::json_object::reason(&err)
                ))
            })?;
            let Some(algorithm) = signature_algorithm(&usage)
                .map_err(|reason| set_error(format!("key [{index}]: {reason}")))?
            else {
                continue;
            };
            let key = PublicKey::from_jwk(algorithm, &jwk.to_string()).map_err(at)?;
            if let Some(kid) = key.kid()
                && keys.iter().any(|other| other.kid() == Some(kid))
            {
                return Err(at(Error::InvalidKey {
                    algorithm,
                    reason: format!("\"kid\" \"{}\" is used twice", crate::error::echo(kid)),
                }));
            }
            keys.push(key);
        }
        Ok(JwkSet { keys })
    }

    /// The set as JSON, `{"keys":[...]}`, each key as [`PublicKey::to_jwk`]
    /// writes it.
    pub fn to_json(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(PublicKey::to_jwk).collect();
        format!("{{\"keys\":[{}]}}", keys.join(","))
    }

    /// The keys, in order.
    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    /// The key with this `kid`.
    pub fn get(&self, kid: &str) -> Option<&PublicKey> {
        self.keys.iter().find(|key| key.kid() == Some(kid))
    }
}

impl IntoIterator for JwkSet {
    type Item = PublicKey;
    type IntoIter = std::vec::IntoIter<PublicKey>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter()
    }
}

/// The algorithm a JWK verifies with; `Ok(None)` for a key to skip.
fn signature_algorithm(usage: &Usage) -> Result<Option<Algorithm>, String> {
    if usage.use_.as_deref().is_some_and(|use_| use_ != "sig")
        || usage
            .key_ops
            .as_ref()
            .is_some_and(|ops| !ops.iter().any(|op| op == "verify"))
    {
        return Ok(None);
    }
    if let Some(alg) = &usage.alg {
        return Ok(Algorithm::from_name(alg).filter(|alg| !alg.is_hmac()));
    }
    Ok(match (usage.kty.as_deref(), usage.crv.as_deref()) {
        (Some("EC"), Some("P-256")) => Some(Algorithm::ES256),
        (Some("EC"), Some("P-384")) => Some(Algorithm::ES384),
        (Some("OKP"), Some("Ed25519")) => Some(Algorithm::EdDSA),
        (Some("RSA"), _) => {
            let kid = usage
                .kid
                .as_deref()
                .map(crate::error::echo)
                .unwrap_or_default();
            return Err(format!(
                "RSA key \"{kid}\" has no \"alg\": it could be RS256 or PS256, so it is not guessed"
            ));
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"ed"}"#;
    const EC: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"ec"}"#;

    #[test]
    fn imports_keys_by_curve_and_skips_keys_not_for_signatures() {
        let enc = r#"{"kty":"RSA","use":"enc","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"}"#;
        let es512 = r#"{"kty":"EC","crv":"P-521","alg":"ES512","x":"AA","y":"AA"}"#;
        let ops = r#"{"kty":"OKP","crv":"Ed25519","x":"AA","key_ops":["encrypt"]}"#;
        let set =
            JwkSet::from_json(&format!(r#"{{"keys":[{ED},{enc},{EC},{es512},{ops}]}}"#)).unwrap();
        let kids: Vec<_> = set
            .keys()
            .iter()
            .map(|key| (key.kid().unwrap(), key.algorithm()))
            .collect();
        assert_eq!(kids, [("ed", Algorithm::EdDSA), ("ec", Algorithm::ES256)]);
    }

    #[test]
    fn refuses_duplicate_kids_and_names_the_key() {
        let err = JwkSet::from_json(&format!(r#"{{"keys":[{ED},{ED}]}}"#)).unwrap_err();
        assert_eq!(
            err,
            Error::InvalidKey {
                algorithm: Algorithm::EdDSA,
                reason: "key [1]: \"kid\" \"ed\" is used twice".into()
            }
        );
    }

    #[test]
    fn refuses_rsa_keys_without_alg_and_private_keys() {
        let rsa = r#"{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}"#;
        assert_eq!(
            JwkSet::from_json(&format!(r#"{{"keys":[{rsa}]}}"#)).unwrap_err(),
            Error::InvalidKey {
                algorithm: Algorithm::ES256,
                reason: "key [0]: RSA key \"r\" has no \"alg\": it could be RS256 or PS256, so it is not guessed".into()
            }
        );
        let private = r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        let err = JwkSet::from_json(&format!(r#"{{"keys":[{private}]}}"#)).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidKey { reason, .. } if reason.starts_with("key [0]: this JWK holds a private key")),
            "{err}"
        );
    }

    #[test]
    fn refuses_documents_that_are_not_sets() {
        for json in ["[]", "{}", r#"{"keys":{}}"#, "not json"] {
            assert!(
                matches!(JwkSet::from_json(json), Err(Error::InvalidKey { .. })),
                "{json}"
            );
        }
    }

    #[test]
    fn round_trips_through_json() {
        let set = JwkSet::from_json(&format!(r#"{{"keys":[{ED},{EC}]}}"#)).unwrap();
        let again = JwkSet::from_json(&set.to_json()).unwrap();
        let thumbprints = |set: &JwkSet| {
            set.keys()
                .iter()
                .map(PublicKey::thumbprint)
                .collect::<Vec<_>>()
        };
        assert_eq!(thumbprints(&set), thumbprints(&again));
    }
}
