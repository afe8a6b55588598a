//! The compact serialization: `BASE64URL(header) . BASE64URL(payload) .
//! BASE64URL(signature)` (RFC 7515 §7.1).

use crate::Error;

/// The three segments of a compact JWS, still encoded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segments<'t> {
    pub(crate) header: &'t str,
    pub(crate) payload: &'t str,
    pub(crate) signature: &'t str,
    /// `header.payload`: the bytes the signature covers.
    pub(crate) signing_input: &'t str,
}

/// Splits `token` into exactly three segments, after checking it against
/// the size `limit` so an oversized token is refused before any work.
pub(crate) fn split(token: &str, limit: usize) -> Result<Segments<'_>, Error> {
    if token.len() > limit {
        return Err(Error::TokenTooLarge {
            limit,
            found: token.len(),
        });
    }
    let mut dots = token
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'.')
        .map(|(i, _)| i);
    let (Some(first), Some(second), None) = (dots.next(), dots.next(), dots.next()) else {
        return Err(Error::WrongSegmentCount {
            found: token.bytes().filter(|&b| b == b'.').count() + 1,
        });
    };
    Ok(Segments {
        header: &token[..first],
        payload: &token[first + 1..second],
        signature: &token[second + 1..],
        signing_input: &token[..second],
    })
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
            assert_eq!(
                split(token, 100).unwrap_err(),
                Error::WrongSegmentCount { found },
                "{token:?}"
            );
        }
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
