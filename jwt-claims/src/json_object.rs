//! Running serde over one JSON object segment with strict framing: the
//! first byte must open an object, nothing may follow it, and errors the
//! visitor raises for duplicates come back as typed errors.

use crate::Error;
use crate::error::Part;

/// Parses `bytes` as one JSON object with `read`, which gets the
/// deserializer and a slot to name a duplicate member in.
pub(crate) fn parse<'de, T>(
    bytes: &'de [u8],
    part: Part,
    read: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
        &mut Option<String>,
    ) -> serde_json::Result<T>,
) -> Result<T, Error> {
    // Leading whitespace is legal JSON; a BOM, an array or a scalar is not an object.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Error::InvalidJson {
            part,
            reason: "not a JSON object".to_owned(),
        });
    }
    // serde_json checks UTF-8 only in the strings it decodes: a value it
    // skips (an unknown claim, a `x5u` header) could carry invalid UTF-8
    // and be accepted. A segment must be UTF-8 text as a whole (RFC 8259
    // §8.1, RFC 7515 §4, RFC 7519 §7.2), so check it once, up front.
    // Reading the checked text as a `str` then spares serde_json from
    // validating each string again.
    let text = match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            return Err(Error::InvalidJson {
                part,
                reason: format!("invalid UTF-8 at byte {}", err.valid_up_to()),
            });
        }
    };
    let mut duplicate = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = read(&mut de, &mut duplicate).and_then(|value| de.end().map(|()| value));
    value.map_err(|err| match (duplicate.take(), err.classify(), part) {
        (Some(name), _, _) => Error::DuplicateMember { part, name },
        // Well-formed JSON the claims type would not take.
        (None, serde_json::error::Category::Data, Part::Payload) => Error::InvalidClaims {
            reason: reason(&err),
        },
        (None, _, _) => Error::InvalidJson {
            part,
            reason: reason(&err),
        },
    })
}

/// serde_json's message, cut so a token-sized value never lands in an error.
pub(crate) fn reason(err: &serde_json::Error) -> String {
    // Messages quote offending values; keep enough to diagnose, no more.
    const MAX: usize = 160;
    let message = err.to_string();
    if message.chars().count() <= MAX {
        return message;
    }
    let cut: String = message.chars().take(MAX).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use serde::Deserializer as _;

    use super::*;

    #[test]
    fn rejects_invalid_utf8_even_in_values_serde_json_would_skip() {
        let err = parse(b"{\"x\":\"\xff\"}", Part::Header, |de, _| {
            de.deserialize_any(serde::de::IgnoredAny)
        })
        .unwrap_err();
        assert_eq!(
            err,
            Error::InvalidJson {
                part: Part::Header,
                reason: "invalid UTF-8 at byte 6".into()
            }
        );
    }
}
