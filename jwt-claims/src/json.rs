//! Strict JSON object reading, shared by the header and the payload: one
//! object per segment with strict framing (the first byte opens it,
//! nothing follows it, UTF-8 as a whole), duplicate members detected
//! without allocating for small objects, member names borrowed from the
//! input when they have no escapes, and typed errors for what serde reports.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::Deserialize;
use serde::de::{self, Visitor};
use serde_json::{Map, Value};

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

/// A JSON string, borrowed from the input when it has no escapes.
/// (serde's own `Cow<str>` always allocates.)
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct JsonStr<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for JsonStr<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = JsonStr<'de>;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(JsonStr(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

/// How many member names are kept inline before switching to a hash set:
/// small objects (every real header and most payloads) never allocate.
const INLINE: usize = 16;

/// The member names of one JSON object seen so far.
///
/// Names borrowed from the input are kept inline, and a 64-bit filter holds
/// one bit per name (chosen by a hash of it), so a name whose bit is clear
/// is new without a single string comparison; only a name whose bit is
/// taken is compared with the names kept. Past [`INLINE`] names, or at the
/// first name with an escape (an owned string, which real tokens do not
/// have), every name moves to a hash set. Kept for `decode-HS256`
/// (BENCHMARKS.md): a hash set per object would cost an allocation and a
/// SipHash per member on every decode, and the allocation test pins the
/// count.
pub(crate) struct MemberSet<'de> {
    filter: u64,
    inline: [&'de str; INLINE],
    len: usize,
    spill: Option<HashSet<Cow<'de, str>>>,
}

impl Default for MemberSet<'_> {
    fn default() -> Self {
        MemberSet {
            filter: 0,
            inline: [""; INLINE],
            len: 0,
            spill: None,
        }
    }
}

impl<'de> MemberSet<'de> {
    /// Records `name`; `false` when it was already there.
    #[inline]
    pub(crate) fn insert(&mut self, name: Cow<'de, str>) -> bool {
        let name = match name {
            Cow::Borrowed(name) if self.spill.is_none() && self.len < INLINE => name,
            name => return self.insert_spilled(name),
        };
        let bit = 1u64 << (fingerprint(name.as_bytes()) >> 58);
        if self.filter & bit != 0 && self.inline[..self.len].contains(&name) {
            return false;
        }
        self.filter |= bit;
        self.inline[self.len] = name;
        self.len += 1;
        true
    }

    /// [`MemberSet::insert`] in the hash set, moving the inline names there
    /// first.
    #[cold]
    #[inline(never)]
    fn insert_spilled(&mut self, name: Cow<'de, str>) -> bool {
        let inline = &self.inline[..self.len];
        self.spill
            .get_or_insert_with(|| inline.iter().map(|&name| Cow::Borrowed(name)).collect())
            .insert(name)
    }
}

/// A cheap hash of a member name: its length and its first and last two
/// bytes, mixed by one multiplication. It only picks the filter bit, so
/// it needs spread, not strength, and a short dependency chain: a
/// byte-at-a-time hash costs a multiplication's latency per byte.
#[inline]
fn fingerprint(name: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let len = name.len();
    let byte = |i: usize| u64::from(name.get(i).copied().unwrap_or(0));
    let mixed = len as u64
        ^ byte(0) << 8
        ^ byte(1) << 16
        ^ byte(len.wrapping_sub(2)) << 24
        ^ byte(len.wrapping_sub(1)) << 32;
    mixed.wrapping_mul(K)
}

/// A JSON value in which no object, at any depth, has a member twice.
///
/// RFC 7517 §4 and §5: member names MUST be unique, and a parser must
/// either refuse duplicates or take the last. serde_json's `Value` takes
/// the last, serde's derive refuses only the members it knows, and other
/// parsers take the first: the same text would be a different key to
/// different readers. jwt-claims refuses it, for a JWK and a JWK Set
/// alike. serde_json's nesting limit (128) bounds the recursion.
pub(crate) struct Unique(pub(crate) Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                return Err(de::Error::custom(format_args!(
                    "member \"{}\" appears twice",
                    crate::error::echo(&name)
                )));
            }
            let Unique(value) = map.next_value()?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserializer as _;

    use super::*;

    #[test]
    fn detects_duplicates_inline_and_after_spilling() {
        let mut set = MemberSet::default();
        let names: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
        for name in &names {
            assert!(set.insert(Cow::Borrowed(name)));
        }
        for name in &names {
            assert!(!set.insert(Cow::Borrowed(name)), "{name}");
        }
        let mut small = MemberSet::default();
        assert!(small.insert(Cow::Borrowed("alg")));
        assert!(!small.insert(Cow::Owned("alg".to_owned())));
    }

    #[test]
    fn an_escaped_name_is_checked_against_the_plain_ones_and_after() {
        let mut set = MemberSet::default();
        assert!(set.insert(Cow::Borrowed("role")));
        assert!(!set.insert(Cow::Owned("role".to_owned())));
        assert!(set.insert(Cow::Owned("scope".to_owned())));
        assert!(!set.insert(Cow::Borrowed("scope")));
        assert!(!set.insert(Cow::Borrowed("role")));
        assert!(set.insert(Cow::Borrowed("org")));
    }

    #[test]
    fn names_sharing_a_filter_bit_are_still_told_apart() {
        // 64 bits for 200 names: many share a bit, none is a duplicate.
        let names: Vec<String> = (0..200).map(|i| format!("claim_{i}")).collect();
        for len in [2, 16] {
            let mut set = MemberSet::default();
            for name in &names[..len] {
                assert!(set.insert(Cow::Borrowed(name)), "{name}");
            }
            for name in &names[..len] {
                assert!(!set.insert(Cow::Borrowed(name)), "{name}");
            }
        }
        let shared =
            |a: &str, b: &str| fingerprint(a.as_bytes()) >> 58 == fingerprint(b.as_bytes()) >> 58;
        let (a, b) = names
            .iter()
            .enumerate()
            .find_map(|(i, a)| names[i + 1..].iter().find(|b| shared(a, b)).map(|b| (a, b)))
            .expect("200 names in 64 bits collide");
        let mut set = MemberSet::default();
        assert!(set.insert(Cow::Borrowed(a)));
        assert!(set.insert(Cow::Borrowed(b)));
        assert!(!set.insert(Cow::Borrowed(b)));
    }

    #[test]
    fn json_str_borrows_unescaped_strings_and_unescapes_others() {
        let plain: JsonStr<'_> = serde_json::from_str(r#""exp""#).unwrap();
        assert!(matches!(plain.0, Cow::Borrowed("exp")));
        let escaped: JsonStr<'_> = serde_json::from_str(r#""\u0065xp""#).unwrap();
        assert_eq!(escaped.0, "exp");
    }

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
