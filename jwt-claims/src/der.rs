//! The little DER jwt-claims writes: RSA keys as PKCS#1 structures built
//! from their JWK integers (RFC 8017 Appendix A.1), so a backend parses
//! them like any other RSA key, and the tag-length-value framing the
//! RustCrypto backend's PKCS#8 wrapping needs.

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
#[cfg_attr(feature = "aws_lc_rs", allow(dead_code))]
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
}
