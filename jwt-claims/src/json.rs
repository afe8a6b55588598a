//! Strict JSON object reading shared by the header and the payload:
//! member names borrowed from the input when they have no escapes, and
//! duplicate members detected without allocating for small objects.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::Deserialize;
use serde::de::{self, Visitor};

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

/// How many member names are compared pairwise before switching to a hash
/// set: small objects (every real header and most payloads) never allocate.
const INLINE: usize = 16;

/// The member names of one JSON object seen so far.
#[derive(Default)]
pub(crate) struct MemberSet<'de> {
    inline: [Option<Cow<'de, str>>; INLINE],
    len: usize,
    spill: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> MemberSet<'de> {
    /// Records `name`; `false` when it was already there.
    pub(crate) fn insert(&mut self, name: Cow<'de, str>) -> bool {
        if let Some(spill) = &mut self.spill {
            return spill.insert(name);
        }
        if self.inline[..self.len]
            .iter()
            .flatten()
            .any(|seen| *seen == name)
        {
            return false;
        }
        if self.len < INLINE {
            self.inline[self.len] = Some(name);
            self.len += 1;
        } else {
            let mut spill: HashSet<_> = self.inline.iter_mut().filter_map(Option::take).collect();
            spill.insert(name);
            self.spill = Some(spill);
        }
        true
    }
}

#[cfg(test)]
mod tests {
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
    fn json_str_borrows_unescaped_strings_and_unescapes_others() {
        let plain: JsonStr<'_> = serde_json::from_str(r#""exp""#).unwrap();
        assert!(matches!(plain.0, Cow::Borrowed("exp")));
        let escaped: JsonStr<'_> = serde_json::from_str(r#""\u0065xp""#).unwrap();
        assert_eq!(escaped.0, "exp");
    }
}
