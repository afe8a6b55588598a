//! The little DER jwt-claims reads and writes.
//!
//! Reading: the key bits out of a SubjectPublicKeyInfo (RFC 5280 §4.1), so
//! every public key is held in one raw form whatever it was loaded from;
//! the private key out of a PKCS#8 PrivateKeyInfo (RFC 5208); an RSA
//! public key's integers (RFC 8017 Appendix A.1.1). Every reader is strict
//! and total: malformed input gives `None`, never a panic, and no element
//! may have trailing bytes.
//!
//! Writing: RSA keys as PKCS#1 structures built from their JWK integers,
//! and PKCS#8 around SEC 1 and Ed25519 keys for the RustCrypto backend.

/// Encodes `SEQUENCE { INTEGER, ... }` from unsigned big-endian integers.
pub(crate) fn integer_sequence(integers: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    for integer in integers {
        let digits = strip_leading_zeros(integer);
        // A set high bit would read as negative: DER prefixes a zero octet.
        let pad = digits.first().is_none_or(|b| b & 0x80 != 0);
        body.push(0x02);
        push_length(&mut body, digits.len() + usize::from(pad));
        if pad {
            body.push(0);
        }
        body.extend_from_slice(digits);
    }
    let mut out = Vec::with_capacity(body.len() + 6);
    out.push(0x30);
    push_length(&mut out, body.len());
    out.extend_from_slice(&body);
    out
}

/// Encodes one tag-length-value element.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    push_length(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// `integer` without its leading zero octets.
pub(crate) fn strip_leading_zeros(integer: &[u8]) -> &[u8] {
    let first = integer
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(integer.len());
    &integer[first..]
}

fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len() - 1);
    out.push(0x80 | (bytes.len() - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;

/// rsaEncryption, 1.2.840.113549.1.1.1.
pub(crate) const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// id-ecPublicKey, 1.2.840.10045.2.1.
pub(crate) const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// prime256v1 (P-256), 1.2.840.10045.3.1.7.
pub(crate) const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// secp384r1 (P-384), 1.3.132.0.34.
pub(crate) const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
/// id-Ed25519, 1.3.101.112.
pub(crate) const ED25519: &[u8] = &[0x2b, 0x65, 0x70];

/// The SubjectPublicKeyInfo algorithm and curve OIDs of `algorithm`.
pub(crate) fn key_oids(
    algorithm: crate::Algorithm,
) -> Option<(&'static [u8], Option<&'static [u8]>)> {
    use crate::{Algorithm, KeyFamily};
    Some(match algorithm.family() {
        KeyFamily::Rsa => (RSA_ENCRYPTION, None),
        KeyFamily::Ec if algorithm == Algorithm::ES384 => (EC_PUBLIC_KEY, Some(P384)),
        KeyFamily::Ec => (EC_PUBLIC_KEY, Some(P256)),
        KeyFamily::Okp => (ED25519, None),
        KeyFamily::Hmac => return None,
    })
}

/// Reads one element: `(tag, content, rest)`.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, input) = input.split_first()?;
    let (&first, input) = input.split_first()?;
    let (len, input) = match first {
        0..=0x7f => (usize::from(first), input),
        0x81..=0x84 => {
            let n = usize::from(first & 0x7f);
            let (len_bytes, input) = input.split_at_checked(n)?;
            // DER (X.690 §10.1): the shortest form. A long form for a length
            // under 128 (`81 05`) or with a leading zero byte (`82 00 05`)
            // is BER, and two encodings of one key must not both pass.
            if len_bytes[0] == 0 || (n == 1 && len_bytes[0] < 0x80) {
                return None;
            }
            (
                len_bytes
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 8) | usize::from(b)),
                input,
            )
        }
        _ => return None,
    };
    let (content, rest) = input.split_at_checked(len)?;
    Some((tag, content, rest))
}

/// Reads one element of `tag` that must be all of `input`.
fn whole(input: &[u8], tag: u8) -> Option<&[u8]> {
    match element(input)? {
        (t, content, []) if t == tag => Some(content),
        _ => None,
    }
}

/// Reads one element of `tag` off the front of `input`.
fn next(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    match element(input)? {
        (t, content, rest) if t == tag => Some((content, rest)),
        _ => None,
    }
}

/// An AlgorithmIdentifier: the OID and, when it is an OID, its parameter.
fn algorithm_identifier(content: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let (oid, rest) = next(content, OID)?;
    match rest {
        [] => Some((oid, None)),
        [0x05, 0x00] => Some((oid, None)), // NULL parameters (RSA)
        params => Some((oid, Some(whole(params, OID)?))),
    }
}

/// What a SubjectPublicKeyInfo or PKCS#8 structure says of its key: the
/// algorithm OID, the curve OID (for EC keys), and the key bytes.
pub(crate) type KeyInfo<'a> = (&'a [u8], Option<&'a [u8]>, &'a [u8]);

/// SubjectPublicKeyInfo → `(algorithm OID, curve OID, key bits)`.
pub(crate) fn spki(der: &[u8]) -> Option<KeyInfo<'_>> {
    let body = whole(der, SEQUENCE)?;
    let (algorithm, rest) = next(body, SEQUENCE)?;
    let (oid, params) = algorithm_identifier(algorithm)?;
    match whole(rest, BIT_STRING)? {
        [0, key @ ..] => Some((oid, params, key)),
        _ => None,
    }
}

/// PrivateKeyInfo / OneAsymmetricKey → `(algorithm OID, curve OID, private key)`.
pub(crate) fn pkcs8(der: &[u8]) -> Option<KeyInfo<'_>> {
    let body = whole(der, SEQUENCE)?;
    let (version, rest) = next(body, INTEGER)?;
    if !matches!(version, [0] | [1]) {
        return None;
    }
    let (algorithm, rest) = next(rest, SEQUENCE)?;
    let (oid, params) = algorithm_identifier(algorithm)?;
    // Attributes and the v2 public key may follow; they are not needed.
    let (key, _) = next(rest, OCTET_STRING)?;
    Some((oid, params, key))
}

/// Every INTEGER of a `SEQUENCE { INTEGER, ... }` (an RSAPrivateKey),
/// without leading zero octets.
pub(crate) fn integers(der: &[u8]) -> Option<Vec<&[u8]>> {
    let mut rest = whole(der, SEQUENCE)?;
    let mut integers = Vec::new();
    while !rest.is_empty() {
        let (integer, next_rest) = next(rest, INTEGER)?;
        integers.push(strip_leading_zeros(integer));
        rest = next_rest;
    }
    Some(integers)
}

/// The private scalar of a SEC 1 ECPrivateKey (RFC 5915).
pub(crate) fn ec_private_scalar(sec1: &[u8]) -> Option<&[u8]> {
    let body = whole(sec1, SEQUENCE)?;
    let (version, rest) = next(body, INTEGER)?;
    if version != [1] {
        return None;
    }
    next(rest, OCTET_STRING).map(|(scalar, _)| scalar)
}

/// The seed of an Ed25519 CurvePrivateKey (RFC 8410 §7).
pub(crate) fn ed25519_seed(curve_private_key: &[u8]) -> Option<&[u8]> {
    whole(curve_private_key, OCTET_STRING).filter(|seed| seed.len() == 32)
}

/// The modulus and public exponent of a PKCS#1 RSAPublicKey, without
/// leading zero octets.
pub(crate) fn rsa_public_integers(pkcs1: &[u8]) -> Option<(&[u8], &[u8])> {
    let body = whole(pkcs1, SEQUENCE)?;
    let (modulus, rest) = next(body, INTEGER)?;
    let (exponent, rest) = next(rest, INTEGER)?;
    if !rest.is_empty() {
        return None;
    }
    Some((strip_leading_zeros(modulus), strip_leading_zeros(exponent)))
}

/// The bit length of an unsigned big-endian integer.
pub(crate) fn bit_length(integer: &[u8]) -> usize {
    match strip_leading_zeros(integer) {
        [] => 0,
        [first, rest @ ..] => rest.len() * 8 + (8 - first.leading_zeros() as usize),
    }
}

/// PKCS#8 around an RSA key in PKCS#1 form.
#[cfg_attr(feature = "aws_lc_rs", allow(dead_code))]
pub(crate) fn pkcs8_from_rsa_pkcs1(pkcs1: &[u8]) -> Vec<u8> {
    let algorithm = [tlv(OID, RSA_ENCRYPTION), vec![0x05, 0x00]].concat();
    let body = [
        tlv(INTEGER, &[0]),
        tlv(SEQUENCE, &algorithm),
        tlv(OCTET_STRING, pkcs1),
    ]
    .concat();
    tlv(SEQUENCE, &body)
}

/// PKCS#8 around an EC key in SEC 1 form.
#[cfg_attr(feature = "aws_lc_rs", allow(dead_code))]
pub(crate) fn pkcs8_from_sec1(curve: &[u8], sec1: &[u8]) -> Vec<u8> {
    let algorithm = [tlv(OID, EC_PUBLIC_KEY), tlv(OID, curve)].concat();
    let body = [
        tlv(INTEGER, &[0]),
        tlv(SEQUENCE, &algorithm),
        tlv(OCTET_STRING, sec1),
    ]
    .concat();
    tlv(SEQUENCE, &body)
}

/// A SEC 1 ECPrivateKey holding only the scalar (SEC 1 §C.4).
#[cfg_attr(feature = "aws_lc_rs", allow(dead_code))]
pub(crate) fn ec_private_key(scalar: &[u8]) -> Vec<u8> {
    tlv(
        SEQUENCE,
        &[tlv(INTEGER, &[1]), tlv(OCTET_STRING, scalar)].concat(),
    )
}

/// PKCS#8 for an EC key from its scalar and public point (SEC 1 §C.4).
#[cfg_attr(feature = "aws_lc_rs", allow(dead_code))]
pub(crate) fn pkcs8_from_ec_parts(curve: &[u8], scalar: &[u8], point: &[u8]) -> Vec<u8> {
    let public = tlv(BIT_STRING, &[&[0][..], point].concat());
    let sec1 = [
        tlv(INTEGER, &[1]),
        tlv(OCTET_STRING, scalar),
        tlv(0xa1, &public),
    ]
    .concat();
    pkcs8_from_sec1(curve, &tlv(SEQUENCE, &sec1))
}

/// PKCS#8 for an Ed25519 seed (RFC 8410 §7).
#[cfg_attr(feature = "aws_lc_rs", allow(dead_code))]
pub(crate) fn pkcs8_from_ed25519_seed(seed: &[u8]) -> Vec<u8> {
    let body = [
        tlv(INTEGER, &[0]),
        tlv(SEQUENCE, &tlv(OID, ED25519)),
        tlv(OCTET_STRING, &tlv(OCTET_STRING, seed)),
    ]
    .concat();
    tlv(SEQUENCE, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_small_integers_with_sign_padding() {
        assert_eq!(
            integer_sequence(&[&[0x01], &[0x80]]),
            [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80]
        );
    }

    #[test]
    fn encodes_zero_and_strips_leading_zeros() {
        assert_eq!(
            integer_sequence(&[&[0, 0], &[0, 0x05]]),
            [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x05]
        );
    }

    #[test]
    fn encodes_long_lengths() {
        let big = [0x11_u8; 300];
        let der = integer_sequence(&[&big]);
        assert_eq!(&der[..8], &[0x30, 0x82, 0x01, 0x30, 0x02, 0x82, 0x01, 0x2c]);
        assert_eq!(der.len(), 4 + 4 + 300);
    }

    #[test]
    fn readers_refuse_truncated_and_trailing_input_without_panicking() {
        let key = pkcs8_from_ed25519_seed(&[7; 32]);
        assert!(pkcs8(&key).is_some());
        for len in 0..key.len() {
            assert!(pkcs8(&key[..len]).is_none(), "{len}");
            assert!(spki(&key[..len]).is_none(), "{len}");
        }
        let mut trailing = key.clone();
        trailing.push(0);
        assert!(pkcs8(&trailing).is_none());
    }

    #[test]
    fn refuses_non_minimal_length_encodings() {
        // SEQUENCE { INTEGER 1 } with its length in three encodings.
        assert_eq!(
            integers(&[0x30, 0x03, 0x02, 0x01, 0x01]),
            Some(vec![&[1][..]])
        );
        assert_eq!(integers(&[0x30, 0x81, 0x03, 0x02, 0x01, 0x01]), None);
        assert_eq!(integers(&[0x30, 0x82, 0x00, 0x03, 0x02, 0x01, 0x01]), None);
        // The long form is right for 128 bytes and more.
        let long = integer_sequence(&[&[0x7f; 200]]);
        assert_eq!(integers(&long).map(|ints| ints[0].len()), Some(200));
    }

    #[test]
    fn bit_length_ignores_leading_zeros() {
        assert_eq!(bit_length(&[0, 0x80, 0]), 16);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[]), 0);
    }
}
