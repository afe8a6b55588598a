//! Running serde over one JSON object segment with strict framing: the
//! first byte must open an object, nothing may follow it, and errors the
//! visitor raises for duplicates come back as typed errors.

use crate::Error;
use crate::error::{Part, echo_message};

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
    // A duplicate is refused even when the visitor swallowed the error it
    // was told of: a hand-written `Deserialize` does not decide that.
    if let Some(name) = duplicate {
        return Err(Error::DuplicateMember { part, name });
    }
    value.map_err(|err| match (err.classify(), part) {
        // Well-formed JSON the claims type would not take.
        (serde_json::error::Category::Data, Part::Payload) => Error::InvalidClaims {
            reason: reason(&err),
        },
        (_, _) => Error::InvalidJson {
            part,
            reason: reason(&err),
        },
    })
}

/// serde_json's message, made safe to show: it quotes offending values
/// from the token, which are escaped and cut like every token-supplied
/// string ([`echo_message`]); enough is kept to diagnose, no more.
pub(crate) fn reason(err: &serde_json::Error) -> String {
    const MAX: usize = 160;
    echo_message(&err.to_string(), MAX)
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
