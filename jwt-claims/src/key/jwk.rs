//! Single-JWK import (RFC 7517; key types of RFC 7518 §6 and RFC 8037).

use serde::Deserialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::{HmacKey, PrivateKey, PublicKey, invalid};
use crate::base64url;
use crate::json::Unique;
use crate::key::der;
use crate::{Algorithm, Error, KeyFamily};

/// The members of a JWK jwt-claims reads, for signing keys and for the
/// JWE layer's encryption keys. Unknown members are ignored as RFC 7517
/// §4 asks; any member twice is refused when the JSON is read
/// ([`Unique`]).
#[derive(Deserialize)]
pub(crate) struct Jwk {
    pub(crate) kty: String,
    pub(crate) alg: Option<String>,
    #[serde(rename = "use")]
    pub(crate) use_: Option<String>,
    pub(crate) key_ops: Option<Vec<String>>,
    pub(crate) kid: Option<String>,
    pub(crate) crv: Option<String>,
    pub(crate) x: Option<String>,
    pub(crate) y: Option<String>,
    pub(crate) d: Option<String>,
    pub(crate) n: Option<String>,
    pub(crate) e: Option<String>,
    pub(crate) p: Option<String>,
    pub(crate) q: Option<String>,
    pub(crate) dp: Option<String>,
    pub(crate) dq: Option<String>,
    pub(crate) qi: Option<String>,
    pub(crate) oth: Option<serde::de::IgnoredAny>,
    pub(crate) k: Option<String>,
}

/// What the key will do; `use` and `key_ops` must allow it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Operation {
    Sign,
    Verify,
}

impl Operation {
    fn key_op(self) -> &'static str {
        match self {
            Operation::Sign => "sign",
            Operation::Verify => "verify",
        }
    }
}

pub(super) fn hmac_key(algorithm: Algorithm, json: &str) -> Result<HmacKey, Error> {
    HmacKey::min_secret_len(algorithm)?;
    let jwk = parse(algorithm, json)?;
    // An HMAC key both signs and verifies: either operation is acceptable.
    check_common(algorithm, &jwk, &[Operation::Sign, Operation::Verify])?;
    let secret = member(algorithm, "k", &jwk.k)?;
    with_kid(
        HmacKey::new(algorithm, &secret)?,
        jwk.kid,
        HmacKey::with_kid,
    )
}

pub(super) fn public_key(algorithm: Algorithm, json: &str) -> Result<PublicKey, Error> {
    asymmetric(algorithm)?;
    public_key_from(algorithm, parse(algorithm, json)?)
}

/// A JSON value already read without duplicate members (a member of a
/// JWK Set) as a JWK.
pub(super) fn from_value(algorithm: Algorithm, value: Value) -> Result<Jwk, Error> {
    Jwk::deserialize(value).map_err(|e| not_a_jwk(algorithm, &e))
}

pub(super) fn public_key_from(algorithm: Algorithm, jwk: Jwk) -> Result<PublicKey, Error> {
    asymmetric(algorithm)?;
    check_common(algorithm, &jwk, &[Operation::Verify])?;
    if jwk.d.is_some() {
        return Err(invalid(
            algorithm,
            "this JWK holds a private key: load it with PrivateKey and call public_key()",
        ));
    }
    let raw = match algorithm.family() {
        KeyFamily::Rsa => {
            let (n, e) = (
                unsigned(algorithm, "n", &jwk.n)?,
                unsigned(algorithm, "e", &jwk.e)?,
            );
            der::integer_sequence(&[&n, &e])
        }
        KeyFamily::Ec => ec_point(algorithm, &jwk)?,
        KeyFamily::Okp => fixed(algorithm, "x", &jwk.x, 32)?.to_vec(),
        KeyFamily::Hmac => return Err(super::public::hmac_algorithm(algorithm)),
    };
    with_kid(
        PublicKey::from_raw(algorithm, &raw)?,
        jwk.kid,
        PublicKey::with_kid,
    )
}

pub(super) fn private_key(algorithm: Algorithm, json: &str) -> Result<PrivateKey, Error> {
    asymmetric(algorithm)?;
    let jwk = parse(algorithm, json)?;
    check_common(algorithm, &jwk, &[Operation::Sign])?;
    if jwk.d.is_none() {
        return Err(invalid(
            algorithm,
            "this JWK holds no private key (no \"d\")",
        ));
    }
    let key = match algorithm.family() {
        KeyFamily::Rsa => {
            if jwk.oth.is_some() {
                return Err(invalid(
                    algorithm,
                    "multi-prime RSA keys (\"oth\") are not supported",
                ));
            }
            let mut integers = Vec::with_capacity(9);
            integers.push(Zeroizing::new(vec![0])); // RSAPrivateKey version 0 (two primes)
            // n and e name the key (its thumbprint, its export): only their
            // minimal encoding is accepted. The private members are read
            // as numbers, leading zero octets or not.
            integers.push(unsigned(algorithm, "n", &jwk.n)?);
            integers.push(unsigned(algorithm, "e", &jwk.e)?);
            for (name, value) in [
                ("d", &jwk.d),
                ("p", &jwk.p),
                ("q", &jwk.q),
                ("dp", &jwk.dp),
                ("dq", &jwk.dq),
                ("qi", &jwk.qi),
            ] {
                integers.push(member(algorithm, name, value)?);
            }
            let refs: Vec<&[u8]> = integers.iter().map(|integer| integer.as_slice()).collect();
            PrivateKey::from_rsa_pkcs1(algorithm, &der::integer_sequence(&refs))?
        }
        KeyFamily::Ec => {
            let len = if algorithm == Algorithm::ES384 {
                48
            } else {
                32
            };
            let scalar = fixed(algorithm, "d", &jwk.d, len)?;
            PrivateKey::from_ec_parts(algorithm, &scalar, &ec_point(algorithm, &jwk)?)?
        }
        KeyFamily::Okp => {
            let seed = fixed(algorithm, "d", &jwk.d, 32)?;
            PrivateKey::from_ed25519_parts(&seed, &fixed(algorithm, "x", &jwk.x, 32)?)?
        }
        KeyFamily::Hmac => return Err(super::public::hmac_algorithm(algorithm)),
    };
    with_kid(key, jwk.kid, PrivateKey::with_kid)
}

/// `check_common` takes `"kty": "oct"` for an HMAC algorithm, and the
/// asymmetric imports could only fail on it later: refuse HMAC up front,
/// as `PublicKey::from_der` and `PrivateKey::from_pem` do.
fn asymmetric(algorithm: Algorithm) -> Result<(), Error> {
    if algorithm.is_hmac() {
        return Err(super::public::hmac_algorithm(algorithm));
    }
    Ok(())
}

fn parse(algorithm: Algorithm, json: &str) -> Result<Jwk, Error> {
    let Unique(value) = serde_json::from_str(json).map_err(|e| not_a_jwk(algorithm, &e))?;
    from_value(algorithm, value)
}

fn not_a_jwk(algorithm: Algorithm, err: &serde_json::Error) -> Error {
    invalid(
        algorithm,
        format!("not a valid JWK: {}", crate::json::reason(err)),
    )
}

/// The rules every JWK shares: `kty` and `crv` fit the algorithm, and
/// `alg`, `use` and `key_ops` (when present) allow one of `operations`.
fn check_common(algorithm: Algorithm, jwk: &Jwk, operations: &[Operation]) -> Result<(), Error> {
    let (kty, crv) = match algorithm.family() {
        KeyFamily::Hmac => ("oct", None),
        KeyFamily::Rsa => ("RSA", None),
        KeyFamily::Ec => (
            "EC",
            Some(if algorithm == Algorithm::ES384 {
                "P-384"
            } else {
                "P-256"
            }),
        ),
        KeyFamily::Okp => ("OKP", Some("Ed25519")),
    };
    if jwk.kty != kty {
        return Err(invalid(
            algorithm,
            format!(
                "JWK has \"kty\": \"{}\", expected \"{kty}\"",
                crate::error::echo(&jwk.kty)
            ),
        ));
    }
    if let Some(crv) = crv
        && jwk.crv.as_deref() != Some(crv)
    {
        let found = jwk.crv.as_deref().map_or_else(
            || "none".to_owned(),
            |c| format!("\"{}\"", crate::error::echo(c)),
        );
        return Err(invalid(
            algorithm,
            format!("JWK curve is {found}, expected \"{crv}\""),
        ));
    }
    if let Some(alg) = &jwk.alg
        && alg != algorithm.name()
    {
        return Err(invalid(
            algorithm,
            format!("JWK is for \"{}\"", crate::error::echo(alg)),
        ));
    }
    if let Some(use_) = &jwk.use_
        && use_ != "sig"
    {
        return Err(invalid(
            algorithm,
            format!(
                "JWK \"use\" is \"{}\", not \"sig\"",
                crate::error::echo(use_)
            ),
        ));
    }
    if let Some(ops) = &jwk.key_ops
        && !operations
            .iter()
            .any(|op| ops.iter().any(|o| o == op.key_op()))
    {
        let wanted: Vec<_> = operations.iter().map(|op| op.key_op()).collect();
        return Err(invalid(
            algorithm,
            format!("JWK \"key_ops\" does not allow {}", wanted.join(" or ")),
        ));
    }
    Ok(())
}

fn member(
    algorithm: Algorithm,
    name: &str,
    value: &Option<String>,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let value = value
        .as_deref()
        .ok_or_else(|| invalid(algorithm, format!("JWK has no \"{name}\"")))?;
    base64url::decode(value)
        .map(Zeroizing::new)
        .ok_or_else(|| invalid(algorithm, format!("JWK \"{name}\" is not base64url")))
}

/// A Base64urlUInt member (RFC 7518 §2, §6.3.1): the minimal octets of an
/// unsigned integer, so no leading zero octet. Peers such as jose write
/// it so; a padded `n` would give the key a different thumbprint here
/// (which hashes the integer) than in a library that hashes the text.
fn unsigned(
    algorithm: Algorithm,
    name: &str,
    value: &Option<String>,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let bytes = member(algorithm, name, value)?;
    if bytes.len() > 1 && bytes[0] == 0 {
        return Err(invalid(
            algorithm,
            format!(
                "JWK \"{name}\" has a leading zero octet: RFC 7518 §6.3.1 requires the minimal encoding"
            ),
        ));
    }
    Ok(bytes)
}

fn fixed(
    algorithm: Algorithm,
    name: &str,
    value: &Option<String>,
    len: usize,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let bytes = member(algorithm, name, value)?;
    if bytes.len() != len {
        return Err(invalid(
            algorithm,
            format!("JWK \"{name}\" is {} bytes, expected {len}", bytes.len()),
        ));
    }
    Ok(bytes)
}

/// The uncompressed SEC 1 point `04 || x || y`.
fn ec_point(algorithm: Algorithm, jwk: &Jwk) -> Result<Vec<u8>, Error> {
    let len = if algorithm == Algorithm::ES384 {
        48
    } else {
        32
    };
    let mut point = Vec::with_capacity(1 + 2 * len);
    point.push(0x04);
    point.extend_from_slice(&fixed(algorithm, "x", &jwk.x, len)?);
    point.extend_from_slice(&fixed(algorithm, "y", &jwk.y, len)?);
    Ok(point)
}

fn with_kid<K>(key: K, kid: Option<String>, set: fn(K, String) -> K) -> Result<K, Error> {
    Ok(match kid {
        Some(kid) => set(key, kid),
        None => key,
    })
}

/// The members RFC 7638 §3.2 requires for a public key, in lexicographic
/// order (which the thumbprint hashes and the export writes first).
fn required_members(algorithm: Algorithm, raw: &[u8]) -> Vec<(&'static str, String)> {
    let b64 = |bytes: &[u8]| {
        let mut out = String::new();
        base64url::encode_into(bytes, &mut out);
        out
    };
    match algorithm.family() {
        KeyFamily::Rsa => {
            let (n, e) = der::rsa_public_integers(raw).expect("public keys hold valid PKCS#1");
            vec![("e", b64(e)), ("kty", "RSA".into()), ("n", b64(n))]
        }
        KeyFamily::Ec => {
            let crv = if algorithm == Algorithm::ES384 {
                "P-384"
            } else {
                "P-256"
            };
            let (x, y) = raw[1..].split_at((raw.len() - 1) / 2);
            vec![
                ("crv", crv.into()),
                ("kty", "EC".into()),
                ("x", b64(x)),
                ("y", b64(y)),
            ]
        }
        KeyFamily::Okp => vec![
            ("crv", "Ed25519".into()),
            ("kty", "OKP".into()),
            ("x", b64(raw)),
        ],
        KeyFamily::Hmac => unreachable!("public keys are never HMAC keys"),
    }
}

/// RFC 7638: SHA-256 of the required members as compact JSON, base64url.
pub(super) fn thumbprint(algorithm: Algorithm, raw: &[u8]) -> String {
    let members = required_members(algorithm, raw);
    let mut json = serde_json::Map::new();
    for (name, value) in members {
        json.insert(name.to_owned(), value.into());
    }
    // Inserted in lexicographic order (so the form holds even with
    // serde_json's `preserve_order`), no whitespace, and values that need
    // no escaping: exactly RFC 7638's canonical form.
    let canonical = serde_json::to_vec(&json).expect("strings always serialize");
    let mut out = String::new();
    base64url::encode_into(&crate::crypto::sha256(&canonical), &mut out);
    out
}

/// A public JWK: `kty` first, as people read it, then the key members,
/// `alg`, `use` and `kid`.
pub(super) fn to_public_jwk(algorithm: Algorithm, raw: &[u8], kid: Option<&str>) -> String {
    let mut members = required_members(algorithm, raw);
    let kty = members
        .iter()
        .position(|(name, _)| *name == "kty")
        .expect("every JWK has a kty");
    let kty = members.remove(kty);
    let mut out = String::from("{");
    let mut push = |name: &str, value: &str| {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(name).expect("strings serialize"));
        out.push(':');
        out.push_str(&serde_json::to_string(value).expect("strings serialize"));
    };
    push(kty.0, &kty.1);
    for (name, value) in &members {
        push(name, value);
    }
    push("alg", algorithm.name());
    push("use", "sig");
    if let Some(kid) = kid {
        push("kid", kid);
    }
    out.push('}');
    out
}

/// A private JWK: the public members, then the private ones (RFC 7518
/// §6.2.2, §6.3.2, RFC 8037 §2), `alg`, `use` and `kid`. Wiped on drop.
pub(super) fn to_private_jwk(
    algorithm: Algorithm,
    pkcs8: &[u8],
    public_raw: &[u8],
    kid: Option<&str>,
) -> Result<Zeroizing<String>, Error> {
    let unreadable = || {
        invalid(
            algorithm,
            "the backend exported a key jwt-claims cannot read",
        )
    };
    let (_, _, inner) = der::pkcs8(pkcs8).ok_or_else(unreadable)?;
    let b64 = |bytes: &[u8]| {
        let mut out = String::new();
        base64url::encode_into(bytes, &mut out);
        Zeroizing::new(out)
    };
    let private: Vec<(&str, Zeroizing<String>)> = match algorithm.family() {
        KeyFamily::Rsa => {
            let integers = der::integers(inner).ok_or_else(unreadable)?;
            let [_version, _n, _e, d, p, q, dp, dq, qi] = integers[..] else {
                return Err(invalid(
                    algorithm,
                    "multi-prime RSA keys cannot be exported as JWK",
                ));
            };
            vec![
                ("d", b64(d)),
                ("p", b64(p)),
                ("q", b64(q)),
                ("dp", b64(dp)),
                ("dq", b64(dq)),
                ("qi", b64(qi)),
            ]
        }
        KeyFamily::Ec => {
            let len: usize = if algorithm == Algorithm::ES384 {
                48
            } else {
                32
            };
            let scalar = der::ec_private_scalar(inner).ok_or_else(unreadable)?;
            // RFC 7518 §6.2.2.1: `d` has the full coordinate length.
            let scalar = der::strip_leading_zeros(scalar);
            let mut padded = Zeroizing::new(vec![0u8; len.saturating_sub(scalar.len())]);
            padded.extend_from_slice(scalar);
            vec![("d", b64(&padded))]
        }
        KeyFamily::Okp => vec![("d", b64(der::ed25519_seed(inner).ok_or_else(unreadable)?))],
        KeyFamily::Hmac => return Err(super::public::hmac_algorithm(algorithm)),
    };
    let public = to_public_jwk(algorithm, public_raw, kid);
    // Insert the private members before "alg": every public JWK has it.
    let at = public.find(",\"alg\"").ok_or_else(unreadable)?;
    let mut out = Zeroizing::new(String::with_capacity(public.len() + 1024));
    out.push_str(&public[..at]);
    for (name, value) in &private {
        out.push_str(&format!(",\"{name}\":\"{}\"", value.as_str()));
    }
    out.push_str(&public[at..]);
    Ok(out)
}

/// An `oct` JWK (RFC 7518 §6.4) of an HMAC secret. Wiped on drop.
pub(super) fn to_hmac_jwk(
    algorithm: Algorithm,
    secret: &[u8],
    kid: Option<&str>,
) -> Zeroizing<String> {
    let mut k = Zeroizing::new(String::new());
    base64url::encode_into(secret, &mut k);
    let kid = kid
        .map(|kid| format!(",\"kid\":{}", serde_json::Value::from(kid)))
        .unwrap_or_default();
    Zeroizing::new(format!(
        "{{\"kty\":\"oct\",\"k\":\"{}\",\"alg\":\"{}\",\"use\":\"sig\"{kid}}}",
        k.as_str(),
        algorithm.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7638 §3.1's example RSA key and its SHA-256 thumbprint.
    const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

    #[test]
    fn reproduces_the_rfc7638_rsa_thumbprint() {
        let jwk = format!(
            r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","alg":"RS256","kid":"2011-04-29"}}"#
        );
        let key = PublicKey::from_jwk(Algorithm::RS256, &jwk).unwrap();
        assert_eq!(key.kid(), Some("2011-04-29"));
        assert_eq!(
            key.thumbprint(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn exported_public_jwk_imports_to_the_same_key() {
        let jwk = format!(r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB"}}"#);
        let key = PublicKey::from_jwk(Algorithm::PS256, &jwk)
            .unwrap()
            .with_kid("k");
        let exported = key.to_jwk();
        assert!(
            exported.starts_with(r#"{"kty":"RSA","e":"AQAB","n":"0vx7"#),
            "{exported}"
        );
        assert!(
            exported.ends_with(r#""alg":"PS256","use":"sig","kid":"k"}"#),
            "{exported}"
        );
        let again = PublicKey::from_jwk(Algorithm::PS256, &exported).unwrap();
        assert_eq!(again.thumbprint(), key.thumbprint());
        assert_eq!(again.kid(), Some("k"));
    }

    #[test]
    fn thumbprint_kid_is_the_thumbprint() {
        let jwk = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
        let key = PublicKey::from_jwk(Algorithm::ES256, jwk)
            .unwrap()
            .with_thumbprint_kid();
        assert_eq!(key.kid(), Some(key.thumbprint().as_str()));
        assert_eq!(key.thumbprint().len(), 43);
    }

    #[test]
    fn hmac_algorithms_are_refused_for_asymmetric_jwks_without_panicking() {
        let oct = r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow","d":"AQAB"}"#;
        let refused = super::super::public::hmac_algorithm(Algorithm::HS256);
        assert_eq!(
            PublicKey::from_jwk(Algorithm::HS256, oct).map(drop),
            Err(refused.clone())
        );
        assert_eq!(
            PrivateKey::from_jwk(Algorithm::HS256, oct).map(drop),
            Err(refused)
        );
    }
}
