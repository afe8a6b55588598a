//! JWK Sets (RFC 7517 §5): the public keys a service publishes, and that
//! verifiers import.

use core::fmt;
use core::time::Duration;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::{PublicKey, VerifyingKey};
use crate::json::Unique;
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
    skipped: Vec<SkippedKey>,
}

/// A key of an imported JWK Set that is not in [`JwkSet::keys`], and why.
///
/// RFC 7517 §5 asks a recipient to ignore the keys it cannot use, so one
/// encryption key, Ed448 key or weak RSA key does not break the whole set
/// (a remote set would otherwise fail on every refresh). Nothing is dropped
/// silently: [`JwkSet::skipped`] lists each such key, for the caller to log.
///
/// ```
/// use jwt_claims::{JwkSet, SkipReason};
///
/// let set = JwkSet::from_json(r#"{"keys":[
///   {"kty":"OKP","crv":"Ed448","kid":"new\ncurve","x":"AAAA"},
///   {"kty":"RSA","use":"enc","kid":"mail","n":"AQAB","e":"AQAB"}
/// ]}"#)?;
/// assert!(set.keys().is_empty());
/// let skipped = set.skipped();
/// assert_eq!(skipped[0].index(), 0);
/// assert_eq!(skipped[0].kid(), Some(r"new\u{a}curve")); // escaped: untrusted text
/// assert!(matches!(skipped[0].reason(), SkipReason::UnsupportedKeyType { .. }));
/// assert_eq!(
///     skipped[1].to_string(),
///     r#"key [1] (kid "mail"): "use" is not "sig": the key is not for verifying signatures"#
/// );
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedKey {
    index: usize,
    kid: Option<String>,
    reason: SkipReason,
}

impl SkippedKey {
    /// The key's position in the set's `keys` array, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The key's `kid`, if it has one, as printable text: it comes from
    /// the set, so control and non-ASCII characters are escaped (`\u{a}`,
    /// `\u{e9}`) and it is cut after 64 characters, as every error cuts
    /// what it repeats.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Why the key was skipped.
    pub fn reason(&self) -> &SkipReason {
        &self.reason
    }
}

impl fmt::Display for SkippedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key [{}]", self.index)?;
        if let Some(kid) = &self.kid {
            write!(f, " (kid \"{kid}\")")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Why a key of a JWK Set was skipped; see [`SkippedKey`].
///
/// Text copied from the set is escaped and cut as [`SkippedKey::kid`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// `use` is not `"sig"` (e.g. `"enc"`), or `key_ops` does not list
    /// `"verify"`: the key is not for verifying signatures.
    NotForVerifying {
        /// The member that says so: `use` or `key_ops`.
        member: &'static str,
    },
    /// A symmetric key (`"kty": "oct"`) or an HMAC `alg`: jwt-claims takes
    /// no secret from a JWK Set, which is public by design.
    SymmetricKey,
    /// The key's `alg` is not one jwt-claims implements (`ES512`,
    /// `RSA-OAEP`, ...).
    UnsupportedAlgorithm {
        /// The key's `alg`.
        alg: String,
    },
    /// The key's type or curve is not one jwt-claims implements (`OKP`
    /// with `Ed448`, `EC` with `P-521`, ...).
    UnsupportedKeyType {
        /// The key's `kty`.
        kty: String,
        /// The key's `crv`, if it has one.
        crv: Option<String>,
    },
    /// An RSA key without `alg`: it could be RS256 or PS256 (or another
    /// hash), and jwt-claims does not guess.
    MissingAlgorithm,
    /// Another usable key of the set, a different one, has the same `kid`:
    /// a token naming it would not say which key it means, so neither is
    /// used.
    DuplicateKid,
    /// The same key (same algorithm, same material, same `kid`) as the one
    /// at `first`, which is kept.
    RepeatedKey {
        /// The index of the copy that is kept.
        first: usize,
    },
    /// The entry is not a JWK: not a JSON object, no `kty`, or a member of
    /// the wrong JSON type.
    Malformed {
        /// What is wrong.
        reason: String,
    },
    /// The key says it verifies signatures with an algorithm jwt-claims
    /// implements, but it could not be imported: malformed members, a
    /// private key, a weak RSA key, a small-order Ed25519 point… The
    /// error ([`Error::InvalidKey`] or [`Error::WeakKey`]) says which.
    Invalid(Error),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotForVerifying { member: "use" } => {
                f.write_str("\"use\" is not \"sig\": the key is not for verifying signatures")
            }
            SkipReason::NotForVerifying { member } => write!(
                f,
                "\"{member}\" does not allow \"verify\": the key is not for verifying signatures"
            ),
            SkipReason::SymmetricKey => {
                f.write_str("a symmetric key: secrets are never taken from a JWK Set")
            }
            SkipReason::UnsupportedAlgorithm { alg } => {
                write!(f, "algorithm \"{alg}\" is not supported")
            }
            SkipReason::UnsupportedKeyType { kty, crv: None } => {
                write!(f, "key type \"{kty}\" is not supported")
            }
            SkipReason::UnsupportedKeyType {
                kty,
                crv: Some(crv),
            } => {
                write!(
                    f,
                    "key type \"{kty}\" with curve \"{crv}\" is not supported"
                )
            }
            SkipReason::MissingAlgorithm => f.write_str(
                "an RSA key without \"alg\": it could be RS256 or PS256, so it is not guessed",
            ),
            SkipReason::DuplicateKid => {
                f.write_str("another key of the set has the same \"kid\": neither is used")
            }
            SkipReason::RepeatedKey { first } => {
                write!(f, "a repeat of key [{first}], which is used")
            }
            SkipReason::Malformed { reason } => write!(f, "not a JWK: {reason}"),
            SkipReason::Invalid(err) => write!(f, "{err}"),
        }
    }
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
}

/// What the set says of a JWK, before it is imported.
enum Triage {
    Import(Algorithm),
    Skip(SkipReason),
}

impl JwkSet {
    /// A set of these keys.
    pub fn new(keys: impl IntoIterator<Item = PublicKey>) -> JwkSet {
        JwkSet {
            keys: keys.into_iter().collect(),
            skipped: Vec::new(),
        }
    }

    /// Imports a JWK Set.
    ///
    /// Each key must declare its algorithm: by `alg`, or for EC and OKP
    /// keys by their curve (P-256 → ES256, P-384 → ES384, Ed25519 →
    /// EdDSA). A key jwt-claims cannot use for verifying is skipped, as
    /// RFC 7517 §5 asks, and listed in [`JwkSet::skipped`] with the reason:
    /// `use` other than `sig`, `key_ops` without `verify`, a secret (`oct`)
    /// key, an algorithm, key type or curve jwt-claims does not implement,
    /// an RSA key without `alg` (ambiguous: RS* or PS*), a key that does
    /// not import (malformed, private, weak), and keys of different
    /// material sharing a `kid`. A set with no usable key imports as an
    /// empty set, with its skipped list; a verifier refuses an empty set.
    ///
    /// # Errors
    /// [`Error::InvalidKeySet`] when the text is not a JWK Set: not JSON,
    /// not an object with a `"keys"` array, or a JSON object anywhere in it
    /// with a member twice (RFC 7517 §4, §5). A duplicate member fails the
    /// whole set rather than one key: different JSON parsers read such a
    /// document as different keys (first or last value), so nothing in it
    /// can be trusted to mean what its publisher meant.
    pub fn from_json(json: &str) -> Result<JwkSet, Error> {
        let set_error = |reason: String| Error::InvalidKeySet { reason };
        let Unique(document) = serde_json::from_str(json).map_err(|err| {
            set_error(match err.classify() {
                // Not JSON at all: say what it looks like (a proxy's HTML
                // error page, an empty body), escaped and cut.
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof
                    if !json.trim_start().starts_with(['{', '[']) =>
                {
                    format!(
                        "{EXPECTED}, found {}",
                        match json.trim_start() {
                            "" => "no text".to_owned(),
                            text => format!("text starting \"{}\"", crate::error::echo(text)),
                        }
                    )
                }
                _ => format!("not valid JSON: {}", crate::json::reason(&err)),
            })
        })?;
        let raw_keys = match document {
            Value::Object(mut members) => match members.remove("keys") {
                Some(Value::Array(keys)) => keys,
                Some(other) => {
                    return Err(set_error(format!(
                        "\"keys\" is {}, not an array",
                        json_type(&other)
                    )));
                }
                None if members.contains_key("kty") => {
                    return Err(set_error(format!(
                        "{EXPECTED}, found a single JWK: wrap it as {{\"keys\":[...]}}"
                    )));
                }
                None => {
                    return Err(set_error(format!(
                        "{EXPECTED}, found an object without \"keys\""
                    )));
                }
            },
            other => {
                return Err(set_error(format!(
                    "{EXPECTED}, found {}",
                    json_type(&other)
                )));
            }
        };
        let mut imported: Vec<(usize, PublicKey)> = Vec::with_capacity(raw_keys.len());
        let mut skipped = Vec::new();
        for (index, jwk) in raw_keys.into_iter().enumerate() {
            let kid = jwk
                .get("kid")
                .and_then(Value::as_str)
                .map(crate::error::echo);
            let skip = |reason| SkippedKey {
                index,
                kid: kid.clone(),
                reason,
            };
            let algorithm = match triage(&jwk) {
                Triage::Import(algorithm) => algorithm,
                Triage::Skip(reason) => {
                    skipped.push(skip(reason));
                    continue;
                }
            };
            match super::jwk::from_value(algorithm, jwk)
                .and_then(|jwk| super::jwk::public_key_from(algorithm, jwk))
            {
                Ok(key) => imported.push((index, key)),
                Err(err) => skipped.push(skip(SkipReason::Invalid(err))),
            }
        }
        let keys = drop_ambiguous_kids(imported, &mut skipped);
        skipped.sort_by_key(|key| key.index);
        Ok(JwkSet { keys, skipped })
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

    /// The keys [`JwkSet::from_json`] did not import, in the set's order,
    /// each with its index, `kid` and the reason; empty for a set built
    /// with [`JwkSet::new`]. Worth logging: a key skipped by mistake shows
    /// up here long before a token it should have verified is refused.
    pub fn skipped(&self) -> &[SkippedKey] {
        &self.skipped
    }

    /// The key with this `kid`.
    pub fn get(&self, kid: &str) -> Option<&PublicKey> {
        self.keys.iter().find(|key| key.kid() == Some(kid))
    }

    /// The set's keys for a verifier, each bound to `issuer` when one is
    /// given (RFC 8725 §3.8: tokens they verify must carry exactly that
    /// `iss`): what a fetcher of an issuer's published set hands on.
    ///
    /// ```
    /// use jwt_claims::{Algorithm, JwkSet, PrivateKey};
    ///
    /// let set = JwkSet::new([PrivateKey::generate(Algorithm::ES256)?.public_key()]);
    /// let keys = set.into_verifying_keys(Some("https://auth.example.com"));
    /// assert_eq!(keys[0].issuer(), Some("https://auth.example.com"));
    /// # Ok::<(), jwt_claims::Error>(())
    /// ```
    pub fn into_verifying_keys(self, issuer: Option<&str>) -> Vec<VerifyingKey> {
        self.keys
            .into_iter()
            .map(|key| match issuer {
                Some(issuer) => key.with_issuer(issuer),
                None => key,
            })
            .map(VerifyingKey::from)
            .collect()
    }

    /// How long a JWK Set fetched over HTTP may be cached, by its
    /// response's `Cache-Control` value: its `max-age`, with `no-store`
    /// and `no-cache` as zero (a fetcher then applies its lower bound).
    /// `None` when the value says neither. The rule every fetcher of
    /// remote sets shares ([`RemoteJwks`](crate::RemoteJwks) and the axum
    /// crate's background refresher).
    ///
    /// ```
    /// use std::time::Duration;
    /// use jwt_claims::JwkSet;
    ///
    /// assert_eq!(JwkSet::cache_lifetime("public, max-age=300"), Some(Duration::from_secs(300)));
    /// assert_eq!(JwkSet::cache_lifetime("no-store, max-age=300"), Some(Duration::ZERO));
    /// assert_eq!(JwkSet::cache_lifetime("private"), None);
    /// ```
    pub fn cache_lifetime(cache_control: &str) -> Option<Duration> {
        let mut age = None;
        for directive in cache_control.split(',').map(str::trim) {
            let (name, value) = directive
                .split_once('=')
                .map_or((directive, None), |(n, v)| (n.trim(), Some(v.trim())));
            if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
                return Some(Duration::ZERO);
            }
            if name.eq_ignore_ascii_case("max-age") {
                age = value
                    .and_then(|v| v.trim_matches('"').parse::<u64>().ok())
                    .map(Duration::from_secs);
            }
        }
        age
    }
}

impl IntoIterator for JwkSet {
    type Item = PublicKey;
    type IntoIter = std::vec::IntoIter<PublicKey>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.into_iter()
    }
}

/// How a remote JWK Set is fetched and cached: the bounds every fetcher
/// starts from ([`RemoteJwks`](crate::RemoteJwks) with the
/// `remote-jwks` feature, jwt-claims-axum's `RemoteKeySet`), each set
/// through the fetcher's builder.
///
/// ```
/// use std::time::Duration;
/// use jwt_claims::FetchLimits;
///
/// let limits = FetchLimits::DEFAULT;
/// assert_eq!(limits.cache_for(Some("max-age=5")), Duration::from_secs(60)); // at least min_ttl
/// assert_eq!(limits.cache_for(None), Duration::from_secs(600)); // default_ttl
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchLimits {
    /// How long one fetch may take: 5 s.
    pub timeout: Duration,
    /// The largest response read: 256 KiB.
    pub max_size: usize,
    /// The shortest time a set is cached, whatever `Cache-Control` says: 1 min.
    pub min_ttl: Duration,
    /// The longest: 24 h.
    pub max_ttl: Duration,
    /// How long a set without `Cache-Control: max-age` is cached: 10 min.
    pub default_ttl: Duration,
    /// The least time between two fetches, whatever triggers them (an
    /// expired set, an unknown `kid`): 30 s.
    pub cooldown: Duration,
}

impl FetchLimits {
    /// The defaults listed on each field.
    pub const DEFAULT: FetchLimits = FetchLimits {
        timeout: Duration::from_secs(5),
        max_size: 256 * 1024,
        min_ttl: Duration::from_secs(60),
        max_ttl: Duration::from_secs(24 * 60 * 60),
        default_ttl: Duration::from_secs(10 * 60),
        cooldown: Duration::from_secs(30),
    };

    /// How long to cache a set fetched with this `Cache-Control` header
    /// ([`JwkSet::cache_lifetime`]), within `min_ttl..=max_ttl`.
    pub fn cache_for(&self, cache_control: Option<&str>) -> Duration {
        cache_control
            .and_then(JwkSet::cache_lifetime)
            .unwrap_or(self.default_ttl)
            .clamp(self.min_ttl, self.max_ttl)
    }
}

impl Default for FetchLimits {
    fn default() -> FetchLimits {
        FetchLimits::DEFAULT
    }
}

/// The start of every "this is not a JWK Set" reason.
const EXPECTED: &str = "expected a JWK Set (a JSON object with a \"keys\" array)";

/// A JSON value's type, for reasons.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether the set's JWK is one to import, and as which algorithm.
fn triage(jwk: &Value) -> Triage {
    use SkipReason::*;
    let skip = Triage::Skip;
    if !jwk.is_object() {
        return skip(Malformed {
            reason: format!("{} is not a JSON object", json_type(jwk)),
        });
    }
    let usage = match Usage::deserialize(jwk) {
        Ok(usage) => usage,
        Err(err) => {
            return skip(Malformed {
                reason: crate::json::reason(&err),
            });
        }
    };
    if usage.use_.as_deref().is_some_and(|use_| use_ != "sig") {
        return skip(NotForVerifying { member: "use" });
    }
    if usage
        .key_ops
        .as_ref()
        .is_some_and(|ops| !ops.iter().any(|op| op == "verify"))
    {
        return skip(NotForVerifying { member: "key_ops" });
    }
    let by_curve = match (usage.kty.as_deref(), usage.crv.as_deref()) {
        (None, _) => {
            return skip(Malformed {
                reason: "no \"kty\"".into(),
            });
        }
        (Some("oct"), _) => return skip(SymmetricKey),
        (Some("RSA"), _) => None,
        (Some("EC"), Some("P-256")) => Some(Algorithm::ES256),
        (Some("EC"), Some("P-384")) => Some(Algorithm::ES384),
        (Some("OKP"), Some("Ed25519")) => Some(Algorithm::EdDSA),
        (Some(kty @ ("EC" | "OKP")), None) => {
            return skip(Malformed {
                reason: format!("a \"{kty}\" key without \"crv\""),
            });
        }
        (Some(kty), crv) => {
            return skip(UnsupportedKeyType {
                kty: crate::error::echo(kty),
                crv: crv.map(crate::error::echo),
            });
        }
    };
    match (usage.alg.as_deref(), by_curve) {
        (Some(alg), _) => match Algorithm::from_name(alg) {
            Some(algorithm) if algorithm.is_hmac() => skip(SymmetricKey),
            // A mismatch with the key type (ES384 on a P-256 key, RS256 on
            // an EC key) is the import's to report.
            Some(algorithm) => Triage::Import(algorithm),
            None => skip(UnsupportedAlgorithm {
                alg: crate::error::echo(alg),
            }),
        },
        (None, Some(algorithm)) => Triage::Import(algorithm),
        (None, None) => skip(MissingAlgorithm),
    }
}

/// The imported keys, without those whose `kid` another, different key
/// also has (all of them are skipped: which one a token meant cannot be
/// told) and without repeats of a key (the first copy is kept).
fn drop_ambiguous_kids(
    imported: Vec<(usize, PublicKey)>,
    skipped: &mut Vec<SkippedKey>,
) -> Vec<PublicKey> {
    let same = |a: &PublicKey, b: &PublicKey| {
        a.algorithm() == b.algorithm() && a.thumbprint() == b.thumbprint()
    };
    // The positions of the keys sharing each kid, in order: one pass, so a
    // large set costs no more than its size.
    let mut by_kid: HashMap<&str, Vec<usize>> = HashMap::new();
    for (position, (_, key)) in imported.iter().enumerate() {
        if let Some(kid) = key.kid() {
            by_kid.entry(kid).or_default().push(position);
        }
    }
    let mut reasons: Vec<Option<SkipReason>> = vec![None; imported.len()];
    for positions in by_kid.values() {
        let [first, rest @ ..] = positions.as_slice() else {
            continue;
        };
        let key = &imported[*first].1;
        if rest.iter().all(|&other| same(key, &imported[other].1)) {
            for &other in rest {
                reasons[other] = Some(SkipReason::RepeatedKey {
                    first: imported[*first].0,
                });
            }
        } else {
            for &position in positions {
                reasons[position] = Some(SkipReason::DuplicateKid);
            }
        }
    }
    let mut keys = Vec::with_capacity(imported.len());
    for ((index, key), reason) in imported.into_iter().zip(reasons) {
        match reason {
            None => keys.push(key),
            Some(reason) => skipped.push(SkippedKey {
                index,
                kid: key.kid().map(crate::error::echo),
                reason,
            }),
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_max_age_and_treats_no_store_as_zero() {
        assert_eq!(
            JwkSet::cache_lifetime("public, max-age=300"),
            Some(Duration::from_secs(300))
        );
        assert_eq!(
            JwkSet::cache_lifetime("MAX-AGE = 5 , must-revalidate"),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            JwkSet::cache_lifetime("no-store, max-age=300"),
            Some(Duration::ZERO)
        );
        assert_eq!(JwkSet::cache_lifetime("private"), None);
        assert_eq!(JwkSet::cache_lifetime("max-age=soon"), None);
    }

    const ED: &str = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"ed"}"#;
    const EC: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"ec"}"#;

    fn set(keys: &[&str]) -> Result<JwkSet, Error> {
        JwkSet::from_json(&format!(r#"{{"keys":[{}]}}"#, keys.join(",")))
    }

    fn reasons(set: &JwkSet) -> Vec<(usize, Option<&str>, &SkipReason)> {
        set.skipped()
            .iter()
            .map(|key| (key.index(), key.kid(), key.reason()))
            .collect()
    }

    #[test]
    fn imports_keys_by_curve_and_lists_keys_not_for_signatures() {
        let enc = r#"{"kty":"RSA","use":"enc","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"}"#;
        let es512 = r#"{"kty":"EC","crv":"P-521","alg":"ES512","x":"AA","y":"AA"}"#;
        let ops = r#"{"kty":"OKP","crv":"Ed25519","x":"AA","key_ops":["encrypt"]}"#;
        let oct = r#"{"kty":"oct","k":"c2VjcmV0","kid":"hs"}"#;
        let ps = r#"{"kty":"RSA","alg":"PS999","n":"AQAB","e":"AQAB"}"#;
        let set = set(&[ED, enc, EC, es512, ops, oct, ps]).unwrap();
        let kids: Vec<_> = set
            .keys()
            .iter()
            .map(|key| (key.kid().unwrap(), key.algorithm()))
            .collect();
        assert_eq!(kids, [("ed", Algorithm::EdDSA), ("ec", Algorithm::ES256)]);
        assert_eq!(
            reasons(&set),
            [
                (1, None, &SkipReason::NotForVerifying { member: "use" }),
                (
                    3,
                    None,
                    &SkipReason::UnsupportedKeyType {
                        kty: "EC".into(),
                        crv: Some("P-521".into())
                    }
                ),
                (4, None, &SkipReason::NotForVerifying { member: "key_ops" }),
                (5, Some("hs"), &SkipReason::SymmetricKey),
                (
                    6,
                    None,
                    &SkipReason::UnsupportedAlgorithm {
                        alg: "PS999".into()
                    }
                ),
            ]
        );
    }

    #[test]
    fn skips_every_key_sharing_a_kid_with_a_different_key_and_keeps_one_of_a_repeat() {
        let other_ed = r#"{"kty":"OKP","crv":"Ed25519","x":"3t9zzVSbCHn6bv2Tx0GDsSvYyKKqOnHe_iBePoQxaDU","kid":"ed"}"#;
        let set = set(&[ED, EC, other_ed, EC]).unwrap();
        assert_eq!(set.keys().len(), 1);
        assert_eq!(set.keys()[0].kid(), Some("ec"));
        assert_eq!(
            reasons(&set),
            [
                (0, Some("ed"), &SkipReason::DuplicateKid),
                (2, Some("ed"), &SkipReason::DuplicateKid),
                (3, Some("ec"), &SkipReason::RepeatedKey { first: 1 }),
            ]
        );
        assert_eq!(
            set.skipped()[0].to_string(),
            "key [0] (kid \"ed\"): another key of the set has the same \"kid\": neither is used"
        );
    }

    #[test]
    fn skips_rsa_keys_without_alg_and_private_keys() {
        let rsa = r#"{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}"#;
        let private = r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
        let set = set(&[rsa, private]).unwrap();
        assert!(set.keys().is_empty());
        assert_eq!(
            reasons(&set),
            [
                (0, Some("r"), &SkipReason::MissingAlgorithm),
                (
                    1,
                    None,
                    &SkipReason::Invalid(Error::InvalidKey {
                        algorithm: Algorithm::EdDSA,
                        reason: "this JWK holds a private key: load it with PrivateKey and call public_key()".into()
                    })
                ),
            ]
        );
    }

    #[test]
    fn skips_entries_that_are_not_jwks() {
        let set = set(&["1", "{}", r#"{"kty":"EC"}"#, r#"{"kty":"OKP","use":5}"#, ED]).unwrap();
        assert_eq!(set.keys().len(), 1);
        let malformed = |reason: &str| SkipReason::Malformed {
            reason: reason.into(),
        };
        assert_eq!(
            reasons(&set),
            [
                (0, None, &malformed("a number is not a JSON object")),
                (1, None, &malformed("no \"kty\"")),
                (2, None, &malformed("a \"EC\" key without \"crv\"")),
                (
                    3,
                    None,
                    &malformed("invalid type: integer `5`, expected a string")
                ),
            ]
        );
    }

    #[test]
    fn refuses_documents_that_are_not_sets_and_says_what_they_are() {
        let expected = "expected a JWK Set (a JSON object with a \"keys\" array), found";
        for (json, found) in [
            ("[]", format!("{expected} an array")),
            ("{}", format!("{expected} an object without \"keys\"")),
            (
                EC,
                format!("{expected} a single JWK: wrap it as {{\"keys\":[...]}}"),
            ),
            (
                r#"{"keys":{}}"#,
                "\"keys\" is an object, not an array".to_owned(),
            ),
            ("not json", format!("{expected} text starting \"not json\"")),
            ("  ", format!("{expected} no text")),
            (
                "<html>\r\n<body>502 Bad Gateway: the upstream server did not answer in time, try later</body>",
                format!(
                    "{expected} text starting \"<html>\\u{{d}}\\u{{a}}<body>502 Bad Gateway: the upstream server did not answe…\""
                ),
            ),
            (
                r#"{"keys":["#,
                "not valid JSON: EOF while parsing a list at line 1 column 9".to_owned(),
            ),
        ] {
            assert_eq!(
                JwkSet::from_json(json).unwrap_err(),
                Error::InvalidKeySet { reason: found },
                "{json}"
            );
        }
    }

    #[test]
    fn refuses_a_member_given_twice_anywhere_in_the_set() {
        for (json, name) in [
            (format!(r#"{{"keys":[{ED}],"keys":[]}}"#), "keys"),
            (
                ED.replace(r#""kid":"ed""#, r#""kid":"ed","kid":"other""#),
                "kid",
            ),
            (
                EC.replace(r#""kty":"EC""#, r#""kty":"EC","\u0078":"AA""#),
                "x",
            ),
        ] {
            let json = if json.contains("\"keys\"") {
                json
            } else {
                format!(r#"{{"keys":[{json}]}}"#)
            };
            let err = JwkSet::from_json(&json).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidKeySet { reason } if reason.starts_with(&format!("not valid JSON: member \"{name}\" appears twice at line 1 column "))),
                "{json}: {err:?}"
            );
        }
    }

    #[test]
    fn round_trips_through_json() {
        let set = set(&[ED, EC]).unwrap();
        assert!(set.skipped().is_empty());
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
