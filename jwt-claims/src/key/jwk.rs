//! Single-JWK import (RFC 7517; key types of RFC 7518 §6 and RFC 8037).

use serde::Deserialize;

use super::{HmacKey, PrivateKey, PublicKey, invalid};
use crate::base64url;
use crate::der;
use crate::{Algorithm, Error, KeyFamily};

/// The members of a JWK jwt-claims reads. Unknown members are ignored as
/// RFC 7517 §4 asks; a known member twice is a serde error.
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    key_ops: Option<Vec<String>>,
    kid: Option<String>,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
    d: Option<String>,
    n: Option<String>,
    e: Option<String>,
    p: Option<String>,
    q: Option<String>,
    dp: Option<String>,
    dq: Option<String>,
    qi: Option<String>,
    oth: Option<serde::de::IgnoredAny>,
    k: Option<String>,
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
    let jwk = parse(algorithm, json)?;
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
                member(algorithm, "n", &jwk.n)?,
                member(algorithm, "e", &jwk.e)?,
            );
            der::integer_sequence(&[&n, &e])
        }
        KeyFamily::Ec => ec_point(algorithm, &jwk)?,
        KeyFamily::Okp => fixed(algorithm, "x", &jwk.x, 32)?,
        KeyFamily::Hmac => unreachable!("check_common rejects HMAC algorithms for asymmetric keys"),
    };
    with_kid(
        PublicKey::from_raw(algorithm, &raw)?,
        jwk.kid,
        PublicKey::with_kid,
    )
}

pub(super) fn private_key(algorithm: Algorithm, json: &str) -> Result<PrivateKey, Error> {
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
            integers.push(vec![0]); // RSAPrivateKey version 0 (two primes)
            for (name, value) in [
                ("n", &jwk.n),
                ("e", &jwk.e),
                ("d", &jwk.d),
                ("p", &jwk.p),
                ("q", &jwk.q),
                ("dp", &jwk.dp),
                ("dq", &jwk.dq),
                ("qi", &jwk.qi),
            ] {
                integers.push(member(algorithm, name, value)?);
            }
            let refs: Vec<&[u8]> = integers.iter().map(Vec::as_slice).collect();
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
        KeyFamily::Hmac => unreachable!("check_common rejects HMAC algorithms for asymmetric keys"),
    };
    with_kid(key, jwk.kid, PrivateKey::with_kid)
}

fn parse(algorithm: Algorithm, json: &str) -> Result<Jwk, Error> {
    serde_json::from_str(json).map_err(|e| {
        invalid(
            algorithm,
            format!("not a valid JWK: {}", crate::error::echo(&e.to_string())),
        )
    })
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

fn member(algorithm: Algorithm, name: &str, value: &Option<String>) -> Result<Vec<u8>, Error> {
    let value = value
        .as_deref()
        .ok_or_else(|| invalid(algorithm, format!("JWK has no \"{name}\"")))?;
    base64url::decode(value)
        .ok_or_else(|| invalid(algorithm, format!("JWK \"{name}\" is not base64url")))
}

fn fixed(
    algorithm: Algorithm,
    name: &str,
    value: &Option<String>,
    len: usize,
) -> Result<Vec<u8>, Error> {
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
    point.extend(fixed(algorithm, "x", &jwk.x, len)?);
    point.extend(fixed(algorithm, "y", &jwk.y, len)?);
    Ok(point)
}

fn with_kid<K>(key: K, kid: Option<String>, set: fn(K, String) -> K) -> Result<K, Error> {
    Ok(match kid {
        Some(kid) => set(key, kid),
        None => key,
    })
}
