//! The compact serialization: `BASE64URL(header) . BASE64URL(payload) .
//! BASE64URL(signature)` (RFC 7515 §7.1).

use crate::Error;
use crate::error::Part;

/// The three segments of a compact JWS, still encoded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segments<'t> {
    pub(crate) header: &'t str,
    pub(crate) payload: &'t str,
    pub(crate) signature: &'t str,
    /// `header.payload`: the bytes the signature covers.
    pub(crate) signing_input: &'t str,
}

/// Splits `token` at its first and last `.`, after checking it against
/// the size `limit` so an oversized token is refused before any work.
///
/// Only the header and the signature are scanned: a further `.` can only
/// sit in the payload segment, where it fails base64url decoding, and
/// [`Segments::malformed`] then reports the segment count, as if the dots
/// had been counted up front. So fewer than three segments are refused
/// here, more than three when a segment fails to decode.
pub(crate) fn split(token: &str, limit: usize) -> Result<Segments<'_>, Error> {
    if token.len() > limit {
        return Err(Error::TokenTooLarge {
            limit,
            found: token.len(),
        });
    }
    match (token.find('.'), token.rfind('.')) {
        (Some(first), Some(last)) if first != last => Ok(Segments {
            header: &token[..first],
            payload: &token[first + 1..last],
            signature: &token[last + 1..],
            signing_input: &token[..last],
        }),
        (first, _) => Err(Error::WrongSegmentCount {
            found: if first.is_some() { 2 } else { 1 },
        }),
    }
}

impl Segments<'_> {
    /// The error for a segment that is not valid base64url: the segment
    /// count when the payload segment holds more dots, else
    /// [`Error::InvalidBase64`] for `part`.
    pub(crate) fn malformed(&self, part: Part) -> Error {
        match self.payload.bytes().filter(|&b| b == b'.').count() {
            0 => Error::InvalidBase64 { part },
            dots => Error::WrongSegmentCount { found: dots + 3 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_three_segments() {
        let s = split("a.b.c", 100).unwrap();
        assert_eq!(
            (s.header, s.payload, s.signature, s.signing_input),
            ("a", "b", "c", "a.b")
        );
    }

    #[test]
    fn counts_segments_in_the_error() {
        for (token, found) in [
            ("", 1),
            ("a", 1),
            ("a.b", 2),
            ("a.b.c.d", 4),
            ("a.b.c.d.e", 5),
            ("...", 4),
        ] {
            let err = match split(token, 100) {
                Err(err) => err,
                // More than three: the payload segment holds the dots.
                Ok(segments) => segments.malformed(Part::Header),
            };
            assert_eq!(err, Error::WrongSegmentCount { found }, "{token:?}");
        }
    }

    #[test]
    fn a_payload_without_dots_is_invalid_base64_of_its_part() {
        let segments = split("a.b.c", 100).unwrap();
        assert_eq!(
            segments.malformed(Part::Signature),
            Error::InvalidBase64 {
                part: Part::Signature
            }
        );
    }

    #[test]
    fn refuses_oversized_tokens_before_splitting() {
        let token = "a".repeat(101);
        assert_eq!(
            split(&token, 100).unwrap_err(),
            Error::TokenTooLarge {
                limit: 100,
                found: 101
            }
        );
    }
}
