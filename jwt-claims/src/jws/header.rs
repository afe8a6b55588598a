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
#[derive(Debug)]
pub(crate) struct RawHeader<'h> {
    pub(crate) alg: Member<'h>,
    pub(crate) typ: Member<'h>,
    pub(crate) cty: Member<'h>,
    pub(crate) kid: Member<'h>,
    pub(crate) crit: bool,
    pub(crate) b64: bool,
}

impl RawHeader<'_> {
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
    crate::json_object::parse(bytes, Part::Header, |de, duplicate| {
        de.deserialize_map(HeaderVisitor { duplicate })
    })
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
        let mut header = RawHeader {
            alg: Member::Absent,
            typ: Member::Absent,
            cty: Member::Absent,
            kid: Member::Absent,
            crit: false,
            b64: false,
        };
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

    #[test]
    fn notes_crit_and_b64_whatever_their_value() {
        let h = parse(br#"{"alg":"HS256","crit":[],"b64":true}"#).unwrap();
        assert!(h.crit && h.b64);
    }
}
