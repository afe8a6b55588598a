//! The JOSE header (RFC 7515 §4), read once into borrowed fields.

use std::borrow::Cow;

use serde::de::{self, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{Part, echo};
use crate::json::{JsonStr, MemberSet};
use crate::{Algorithm, Error};

/// A header member that should be a string.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Member<'h> {
    Absent,
    Str(Cow<'h, str>),
    /// Present but `null`, a number, an object…
    NotString,
}

impl Member<'_> {
    /// The string value; `Err` names the member when it is not a string.
    pub(crate) fn as_str(&self, name: &'static str) -> Result<Option<&str>, Error> {
        match self {
            Member::Absent => Ok(None),
            Member::Str(s) => Ok(Some(s)),
            Member::NotString => Err(Error::UnsupportedHeader {
                name,
                reason: "not a string",
            }),
        }
    }
}

/// The header members jwt-claims acts on. `jwk`, `jku`, `x5u`, `x5c` and
/// every other member are read past and never used: keys come only from
/// the verifier's configuration (RFC 8725 §3.10).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RawHeader<'h> {
    pub(crate) alg: Member<'h>,
    pub(crate) typ: Member<'h>,
    pub(crate) cty: Member<'h>,
    pub(crate) kid: Member<'h>,
    pub(crate) crit: bool,
    pub(crate) b64: bool,
}

impl RawHeader<'_> {
    /// A header with no member, which both readers fill in.
    const EMPTY: RawHeader<'static> = RawHeader {
        alg: Member::Absent,
        typ: Member::Absent,
        cty: Member::Absent,
        kid: Member::Absent,
        crit: false,
        b64: false,
    };

    /// The `alg`, refusing `none` in any spelling and names we don't know.
    pub(crate) fn algorithm(&self) -> Result<Algorithm, Error> {
        let name = match &self.alg {
            Member::Str(name) if !name.is_empty() => name,
            _ => return Err(Error::MissingAlgorithm),
        };
        if name.eq_ignore_ascii_case("none") {
            return Err(Error::UnsecuredToken);
        }
        Algorithm::from_name(name).ok_or_else(|| Error::UnsupportedAlgorithm { found: echo(name) })
    }
}

/// Parses a decoded header: a JSON object with no member twice.
pub(crate) fn parse(bytes: &[u8]) -> Result<RawHeader<'_>, Error> {
    if let Some(header) = parse_flat(bytes) {
        return Ok(header);
    }
    crate::json::parse(bytes, Part::Header, |de, duplicate| {
        de.deserialize_map(HeaderVisitor { duplicate })
    })
}

/// The header almost every token has, read without serde: an object whose
/// members are among `alg`, `typ`, `cty`, `kid`, `crit` and `b64`, each
/// once, with string values, and no whitespace, escape, control or
/// non-ASCII character, e.g. `{"alg":"ES256","typ":"at+jwt","kid":"k1"}`.
///
/// It yields exactly what the serde path yields for such a header, and
/// `None` for anything else, which then takes the serde path: every error
/// comes from there. Kept for `decode-HS256` (BENCHMARKS.md), where the
/// header is a visible share of a decode (2.7% with this path, in the
/// callgrind profile of the last performance work).
#[inline]
fn parse_flat(bytes: &[u8]) -> Option<RawHeader<'_>> {
    let mut header = RawHeader::EMPTY;
    // One bit a member name: a name seen twice goes the serde way.
    let mut seen = 0u8;
    let mut rest = core::str::from_utf8(bytes).ok()?.strip_prefix('{')?;
    loop {
        let (name, after) = flat_string(rest)?;
        let (value, after) = flat_string(after.strip_prefix(':')?)?;
        let value = Member::Str(Cow::Borrowed(value));
        let bit = match name {
            "alg" => {
                header.alg = value;
                1
            }
            "typ" => {
                header.typ = value;
                2
            }
            "cty" => {
                header.cty = value;
                4
            }
            "kid" => {
                header.kid = value;
                8
            }
            "crit" => {
                header.crit = true;
                16
            }
            "b64" => {
                header.b64 = true;
                32
            }
            _ => return None,
        };
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        match after.as_bytes() {
            [b'}'] => return Some(header),
            [b',', ..] => rest = &after[1..],
            _ => return None,
        }
    }
}

/// A JSON string at the start of `text` made of printable ASCII without
/// escapes, and what follows it. The JWE header's fast path reads with it
/// too.
#[inline]
pub(crate) fn flat_string(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    for (end, &byte) in bytes.iter().enumerate().skip(1) {
        match byte {
            b'"' => return Some((&text[1..end], &text[end + 1..])),
            b'\\' => return None,
            b' '..=b'~' => {}
            _ => return None,
        }
    }
    None
}

struct HeaderVisitor<'a> {
    duplicate: &'a mut Option<String>,
}

impl<'de> Visitor<'de> for HeaderVisitor<'_> {
    type Value = RawHeader<'de>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JOSE header object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut header = RawHeader::EMPTY;
        let mut seen = MemberSet::default();
        while let Some(JsonStr(name)) = map.next_key::<JsonStr<'de>>()? {
            if !seen.insert(name.clone()) {
                *self.duplicate = Some(echo(&name));
                return Err(de::Error::custom("duplicate member"));
            }
            let slot = match &*name {
                "alg" => &mut header.alg,
                "typ" => &mut header.typ,
                "cty" => &mut header.cty,
                "kid" => &mut header.kid,
                other => {
                    match other {
                        "crit" => header.crit = true,
                        "b64" => header.b64 = true,
                        _ => {}
                    }
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value::<MemberValue<'de>>()?.0;
        }
        Ok(header)
    }
}

/// Reads any JSON value, keeping it only when it is a string.
struct MemberValue<'de>(Member<'de>);

impl<'de> de::Deserialize<'de> for MemberValue<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MemberValueVisitor)
    }
}

struct MemberValueVisitor;

macro_rules! not_a_string {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, _: $ty) -> Result<Self::Value, E> {
            Ok(MemberValue(Member::NotString))
        }
    )*};
}

impl<'de> Visitor<'de> for MemberValueVisitor {
    type Value = MemberValue<'de>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(MemberValue(Member::Str(Cow::Borrowed(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(MemberValue(Member::Str(Cow::Owned(v.to_owned()))))
    }

    not_a_string!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64)
    );

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(MemberValue(Member::NotString))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(MemberValue(Member::NotString))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(MemberValue(Member::NotString))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_members_it_acts_on() {
        let h =
            parse(br#"{"alg":"ES256","typ":"access","kid":"k1","x5u":"https://evil"}"#).unwrap();
        assert_eq!(h.algorithm(), Ok(Algorithm::ES256));
        assert_eq!(h.typ, Member::Str(Cow::Borrowed("access")));
        assert_eq!(h.kid, Member::Str(Cow::Borrowed("k1")));
        assert!(!h.crit && !h.b64);
    }

    #[test]
    fn refuses_none_in_every_spelling() {
        for alg in ["none", "None", "NONE", "nOnE"] {
            let json = format!(r#"{{"alg":"{alg}"}}"#);
            assert_eq!(
                parse(json.as_bytes()).unwrap().algorithm(),
                Err(Error::UnsecuredToken),
                "{alg}"
            );
        }
    }

    #[test]
    fn missing_empty_null_and_non_string_alg_are_missing() {
        for json in [
            r#"{}"#,
            r#"{"alg":""}"#,
            r#"{"alg":null}"#,
            r#"{"alg":1}"#,
            r#"{"alg":["HS256"]}"#,
        ] {
            assert_eq!(
                parse(json.as_bytes()).unwrap().algorithm(),
                Err(Error::MissingAlgorithm),
                "{json}"
            );
        }
    }

    #[test]
    fn rejects_duplicate_members_including_escaped_spellings() {
        for json in [
            r#"{"alg":"HS256","alg":"none"}"#,
            r#"{"alg":"HS256","\u0061lg":"none"}"#,
            r#"{"x":1,"x":2}"#,
        ] {
            let err = parse(json.as_bytes()).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::DuplicateMember {
                        part: Part::Header,
                        ..
                    }
                ),
                "{json}: {err}"
            );
        }
    }

    #[test]
    fn rejects_non_objects_and_trailing_data() {
        for json in [
            &b"[]"[..],
            b"\"alg\"",
            b"null",
            b"{\"alg\":\"HS256\"} x",
            b"{\"alg\":\"HS256\",}",
            b"\xef\xbb\xbf{}",
        ] {
            let err = parse(json).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidJson {
                        part: Part::Header,
                        ..
                    }
                ),
                "{json:?}: {err}"
            );
        }
    }

    /// The serde path alone, to hold [`parse_flat`] to it.
    fn parse_with_serde(bytes: &[u8]) -> Result<RawHeader<'_>, Error> {
        crate::json::parse(bytes, Part::Header, |de, duplicate| {
            de.deserialize_map(HeaderVisitor { duplicate })
        })
    }

    #[test]
    fn the_flat_reading_agrees_with_serde_or_steps_aside() {
        let flat = [
            r#"{"alg":"HS256"}"#,
            r#"{"alg":"ES256","typ":"at+jwt","kid":"2026-11"}"#,
            r#"{"typ":"JWT","alg":"none"}"#,
            r#"{"alg":"RS256","cty":"JWT"}"#,
            r#"{"alg":"HS256","crit":"exp","b64":"false"}"#,
            r#"{"alg":"","kid":" ~!#$%&'()*+,-./:;<=>?@[]^_`{|}"}"#,
            r#"{"b64":"1","crit":"2","kid":"3","cty":"4","typ":"5","alg":"EdDSA"}"#,
        ];
        for json in flat {
            let header = parse_flat(json.as_bytes());
            assert!(header.is_some(), "{json}");
            assert_eq!(header, parse_with_serde(json.as_bytes()).ok(), "{json}");
        }
        let not_flat = [
            &br#"{}"#[..],
            br#" {"alg":"HS256"}"#,
            br#"{"alg":"HS256"} "#,
            br#"{"alg": "HS256"}"#,
            br#"{"alg":"HS256",}"#,
            br#"{"alg":"HS256"}x"#,
            br#"{"alg":"HS256","alg":"none"}"#,
            br#"{"alg":"HS256","\u0061lg":"none"}"#,
            br#"{"alg":"HS\u0032256"}"#,
            br#"{"alg":"HS256","kid":1}"#,
            br#"{"alg":"HS256","kid":null}"#,
            br#"{"alg":"HS256","crit":["exp"]}"#,
            br#"{"alg":"HS256","b64":false}"#,
            "{\"alg\":\"HS256\",\"kid\":\"k\u{e9}\"}".as_bytes(),
            b"{\"alg\":\"HS\t256\"}",
            b"{\"alg\":\"HS256\x7f\"}",
            br#"{"alg":"RS256","x5u":"https://evil"}"#,
            br#"{"jku":"","alg":"RS256"}"#,
            br#"{"alg":"HS256","typ":"a","alg":"HS256"}"#,
            br#"{"alg":"HS256""#,
            br#"{"alg""#,
        ];
        for json in not_flat {
            assert_eq!(
                parse_flat(json),
                None,
                "{:?}",
                String::from_utf8_lossy(json)
            );
        }
    }

    #[test]
    fn notes_crit_and_b64_whatever_their_value() {
        let h = parse(br#"{"alg":"HS256","crit":[],"b64":true}"#).unwrap();
        assert!(h.crit && h.b64);
    }
}
