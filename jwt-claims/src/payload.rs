//! Reading a verified payload in one serde pass: registered claims go to
//! typed slots, every other member goes to the claims type, and a member
//! appearing twice is an error whoever would have read it.
//!
//! The claims type is deserialized through [`Intercept`], a deserializer
//! that wraps serde_json's and hands the type a map with the registered
//! claims taken out. No intermediate `Value` is built, and
//! `#[serde(flatten)]` fields can neither see a registered claim nor hide a
//! duplicate.

use std::borrow::Cow;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::error::{Part, echo};
use crate::json::{JsonStr, MemberSet};
use crate::registered::MAX_NUMERIC_DATE;
use crate::{Audience, Error, RegisteredClaim};

/// Registered claims as they were found, before the policy's checks.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub(crate) iss: Option<String>,
    pub(crate) sub: Option<String>,
    pub(crate) aud: Option<Audience>,
    pub(crate) exp: Option<i64>,
    pub(crate) nbf: Option<i64>,
    pub(crate) iat: Option<i64>,
    pub(crate) jti: Option<String>,
}

impl Found {
    pub(crate) fn has(&self, claim: RegisteredClaim) -> bool {
        match claim {
            RegisteredClaim::Issuer => self.iss.is_some(),
            RegisteredClaim::Subject => self.sub.is_some(),
            RegisteredClaim::Audience => self.aud.is_some(),
            RegisteredClaim::ExpirationTime => self.exp.is_some(),
            RegisteredClaim::NotBefore => self.nbf.is_some(),
            RegisteredClaim::IssuedAt => self.iat.is_some(),
            RegisteredClaim::JwtId => self.jti.is_some(),
        }
    }
}

/// Decodes the payload into the registered claims and `T`.
pub(crate) fn decode<T: DeserializeOwned>(payload: &[u8]) -> Result<(Found, T), Error> {
    let mut found = Found::default();
    let mut failure = None;
    let result = crate::json_object::parse(payload, Part::Payload, |de, duplicate| {
        T::deserialize(Intercept {
            de,
            found: &mut found,
            failure: &mut failure,
            duplicate,
        })
    });
    match (result, failure) {
        (Ok(claims), _) => Ok((found, claims)),
        // A claim the interceptor refused outranks the serde error it caused.
        (Err(_), Some(err)) => Err(err),
        (Err(err), None) => Err(err),
    }
}

/// The deserializer the claims type sees: whatever it asks for, it gets
/// the payload object with registered claims removed.
struct Intercept<'a, 'de> {
    de: &'a mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    found: &'a mut Found,
    failure: &'a mut Option<Error>,
    duplicate: &'a mut Option<String>,
}

impl<'de> de::Deserializer<'de> for Intercept<'_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let Intercept {
            de,
            found,
            failure,
            duplicate,
        } = self;
        de.deserialize_map(InterceptVisitor {
            visitor,
            found,
            failure,
            duplicate,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct InterceptVisitor<'a, V> {
    visitor: V,
    found: &'a mut Found,
    failure: &'a mut Option<Error>,
    duplicate: &'a mut Option<String>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for InterceptVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_map(InterceptMap {
            map,
            found: self.found,
            failure: self.failure,
            duplicate: self.duplicate,
            seen: MemberSet::default(),
        })
    }
}

struct InterceptMap<'a, 'de, A> {
    map: A,
    found: &'a mut Found,
    failure: &'a mut Option<Error>,
    duplicate: &'a mut Option<String>,
    seen: MemberSet<'de>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for InterceptMap<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(JsonStr(name)) = self.map.next_key::<JsonStr<'de>>()? else {
                return Ok(None);
            };
            if !self.seen.insert(name.clone()) {
                *self.duplicate = Some(echo(&name));
                return Err(de::Error::custom("duplicate member"));
            }
            if let Some(claim) = RegisteredClaim::from_name(&name) {
                let value = self.map.next_value::<ClaimValue>()?;
                if let Err(err) = store(self.found, claim, value) {
                    *self.failure = Some(err);
                    return Err(de::Error::custom("invalid registered claim"));
                }
                continue;
            }
            return match name {
                Cow::Borrowed(name) => seed.deserialize(BorrowedStrDeserializer::new(name)),
                Cow::Owned(name) => seed.deserialize(StringDeserializer::new(name)),
            }
            .map(Some);
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// A registered claim's raw value: strings for `iss`/`sub`/`jti`/`aud`,
/// numbers for the dates, and every other shape kept only as "wrong type".
enum ClaimValue {
    Str(String),
    Strings(Vec<String>),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    /// An array with a non-string element.
    MixedArray,
    Null,
    Other,
}

impl<'de> de::Deserialize<'de> for ClaimValue {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ClaimValueVisitor)
    }
}

struct ClaimValueVisitor;

impl<'de> Visitor<'de> for ClaimValueVisitor {
    type Value = ClaimValue;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a registered claim value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<ClaimValue, E> {
        Ok(ClaimValue::Other)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ClaimValue, E> {
        Ok(ClaimValue::Unsigned(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ClaimValue, E> {
        Ok(ClaimValue::Signed(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<ClaimValue, E> {
        Ok(ClaimValue::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ClaimValue, E> {
        Ok(ClaimValue::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<ClaimValue, E> {
        Ok(ClaimValue::Str(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<ClaimValue, E> {
        Ok(ClaimValue::Null)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<ClaimValue, S::Error> {
        let mut strings = Vec::new();
        let mut mixed = false;
        while let Some(item) = seq.next_element::<ClaimValue>()? {
            match item {
                ClaimValue::Str(s) if !mixed => strings.push(s),
                _ => mixed = true,
            }
        }
        Ok(if mixed {
            ClaimValue::MixedArray
        } else {
            ClaimValue::Strings(strings)
        })
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<ClaimValue, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(ClaimValue::Other)
    }
}

/// Type-checks a registered claim and stores it.
fn store(found: &mut Found, claim: RegisteredClaim, value: ClaimValue) -> Result<(), Error> {
    let invalid = |reason| Error::InvalidClaim { claim, reason };
    if let ClaimValue::Null = value {
        return Err(invalid("null"));
    }
    match claim {
        RegisteredClaim::Issuer | RegisteredClaim::Subject | RegisteredClaim::JwtId => {
            let ClaimValue::Str(s) = value else {
                return Err(invalid("expected a string"));
            };
            let slot = match claim {
                RegisteredClaim::Issuer => &mut found.iss,
                RegisteredClaim::Subject => &mut found.sub,
                _ => &mut found.jti,
            };
            *slot = Some(s);
        }
        RegisteredClaim::Audience => {
            found.aud = Some(match value {
                ClaimValue::Str(aud) => Audience::One(aud),
                ClaimValue::Strings(auds) if auds.is_empty() => return Err(invalid("empty array")),
                ClaimValue::Strings(auds) => Audience::Many(auds),
                _ => return Err(invalid("expected a string or an array of strings")),
            });
        }
        RegisteredClaim::ExpirationTime
        | RegisteredClaim::NotBefore
        | RegisteredClaim::IssuedAt => {
            let secs = numeric_date(value).map_err(invalid)?;
            let slot = match claim {
                RegisteredClaim::ExpirationTime => &mut found.exp,
                RegisteredClaim::NotBefore => &mut found.nbf,
                _ => &mut found.iat,
            };
            *slot = Some(secs);
        }
    }
    Ok(())
}

/// A NumericDate (RFC 7519 §2): a JSON number of seconds since the epoch,
/// fractions allowed and truncated; negative or past year 9999 refused.
fn numeric_date(value: ClaimValue) -> Result<i64, &'static str> {
    let secs = match value {
        ClaimValue::Unsigned(v) => i64::try_from(v).unwrap_or(i64::MAX),
        ClaimValue::Signed(v) => v,
        ClaimValue::Float(v) if v < 0.0 => return Err("negative"),
        ClaimValue::Float(v) if v > MAX_NUMERIC_DATE as f64 => return Err("out of range"),
        ClaimValue::Float(v) => v.trunc() as i64,
        _ => return Err("expected a NumericDate (a JSON number)"),
    };
    match secs {
        s if s < 0 => Err("negative"),
        s if s > MAX_NUMERIC_DATE => Err("out of range"),
        s => Ok(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Access {
        role: String,
    }

    #[test]
    fn splits_registered_claims_from_the_claims_type() {
        let (found, claims): (Found, Access) =
            decode(br#"{"sub":"u1","role":"admin","exp":100,"aud":["a","b"],"iat":1.9}"#).unwrap();
        assert_eq!(
            claims,
            Access {
                role: "admin".into()
            }
        );
        assert_eq!(found.sub.as_deref(), Some("u1"));
        assert_eq!(found.exp, Some(100));
        assert_eq!(found.iat, Some(1));
        assert_eq!(
            found.aud,
            Some(Audience::Many(vec!["a".into(), "b".into()]))
        );
    }

    #[test]
    fn rejects_duplicate_registered_and_user_members() {
        for json in [
            &br#"{"role":"a","exp":1,"exp":2}"#[..],
            br#"{"role":"a","role":"b"}"#,
            br#"{"role":"a","other":1,"other":2}"#,
            br#"{"role":"a","\u0065xp":1,"exp":2}"#,
        ] {
            let err = decode::<Access>(json).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::DuplicateMember {
                        part: Part::Payload,
                        ..
                    }
                ),
                "{err}"
            );
        }
    }

    #[test]
    fn rejects_mistyped_registered_claims_with_the_claim_named() {
        let cases: [(&[u8], RegisteredClaim, &str); 9] = [
            (
                br#"{"exp":"123"}"#,
                RegisteredClaim::ExpirationTime,
                "expected a NumericDate (a JSON number)",
            ),
            (br#"{"exp":null}"#, RegisteredClaim::ExpirationTime, "null"),
            (
                br#"{"exp":-1}"#,
                RegisteredClaim::ExpirationTime,
                "negative",
            ),
            (
                br#"{"exp":1e300}"#,
                RegisteredClaim::ExpirationTime,
                "out of range",
            ),
            (
                br#"{"exp":18446744073709551615}"#,
                RegisteredClaim::ExpirationTime,
                "out of range",
            ),
            (
                br#"{"iss":["a"]}"#,
                RegisteredClaim::Issuer,
                "expected a string",
            ),
            (br#"{"aud":[]}"#, RegisteredClaim::Audience, "empty array"),
            (
                br#"{"aud":["a",1]}"#,
                RegisteredClaim::Audience,
                "expected a string or an array of strings",
            ),
            (
                br#"{"nbf":true}"#,
                RegisteredClaim::NotBefore,
                "expected a NumericDate (a JSON number)",
            ),
        ];
        for (json, claim, reason) in cases {
            assert_eq!(
                decode::<serde_json::Value>(json).unwrap_err(),
                Error::InvalidClaim { claim, reason }
            );
        }
    }

    #[test]
    fn case_variants_are_not_registered_claims() {
        let (found, value): (Found, serde_json::Value) = decode(br#"{"EXP":1,"Aud":"x"}"#).unwrap();
        assert_eq!(found.exp, None);
        assert_eq!(value, serde_json::json!({"EXP":1,"Aud":"x"}));
    }

    #[test]
    fn separates_syntax_errors_from_claims_type_errors() {
        assert!(matches!(
            decode::<Access>(br#"{"role":1}"#),
            Err(Error::InvalidClaims { .. })
        ));
        assert!(matches!(
            decode::<Access>(br#"{}"#),
            Err(Error::InvalidClaims { .. })
        ));
        for json in [
            &br#"{"role":"a",}"#[..],
            br#"{"role":"a"} x"#,
            br#"{"role":NaN}"#,
            br#"{/*c*/"role":"a"}"#,
            br#"[1]"#,
            b"\"x\"",
            b"null",
            b"1",
        ] {
            assert!(
                matches!(
                    decode::<Access>(json),
                    Err(Error::InvalidJson {
                        part: Part::Payload,
                        ..
                    })
                ),
                "{:?}",
                String::from_utf8_lossy(json)
            );
        }
    }
}
