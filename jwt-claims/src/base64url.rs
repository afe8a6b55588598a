//! Strict base64url (RFC 7515 §2, RFC 4648 §5): no padding, no whitespace,
//! no `+` or `/`, and a canonical final character (unused bits zero), so
//! every byte string has exactly one accepted encoding.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const STRICT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Decodes strictly; `None` for anything but canonical unpadded base64url.
pub(crate) fn decode(input: &str) -> Option<Vec<u8>> {
    STRICT.decode(input).ok()
}

/// Decodes strictly into `out` (cleared first), reusing its allocation.
pub(crate) fn decode_into(input: &str, out: &mut Vec<u8>) -> Option<()> {
    out.clear();
    STRICT.decode_vec(input, out).ok()
}

/// Decodes strictly into a fixed buffer; `None` when it does not fit.
pub(crate) fn decode_slice<'b>(input: &str, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    // Checked first so an oversized signature is refused without decoding.
    if input.len() * 3 / 4 > buf.len() {
        return None;
    }
    let len = STRICT.decode_slice(input, buf).ok()?;
    Some(&buf[..len])
}

/// Appends the unpadded base64url encoding of `input` to `out`.
pub(crate) fn encode_into(input: &[u8], out: &mut String) {
    STRICT.encode_string(input, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_padding_whitespace_and_standard_alphabet() {
        for bad in ["YQ==", "YQ=", "Y Q", "YQ\n", "+/8", "a+b", "a/b", " YQ"] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rejects_non_canonical_final_character() {
        // "YQ" is "a"; "YR" decodes to "a" too but with a non-zero unused bit.
        assert_eq!(decode("YQ").as_deref(), Some(&b"a"[..]));
        assert_eq!(decode("YR"), None);
    }

    #[test]
    fn rejects_impossible_length() {
        assert_eq!(decode("Y"), None);
        assert_eq!(decode("YQXYZ"), None);
    }

    #[test]
    fn slice_decode_refuses_input_larger_than_the_buffer() {
        let mut buf = [0u8; 4];
        assert_eq!(decode_slice("YWJjZA", &mut buf), Some(&b"abcd"[..]));
        assert_eq!(decode_slice("YWJjZGVmZ2g", &mut buf), None);
    }

    #[test]
    fn round_trips() {
        let mut s = String::new();
        encode_into(&[0xfb, 0xff, 0x00], &mut s);
        assert_eq!(s, "-_8A");
        assert_eq!(decode(&s).as_deref(), Some(&[0xfb, 0xff, 0x00][..]));
    }
}
