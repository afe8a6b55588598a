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
use crate::jwt::policy::ClaimValue as RequiredValue;
use crate::jwt::registered::MAX_NUMERIC_DATE;
use crate::{Audience, Error, RegisteredClaim};

/// Registered claims as they were found, before the policy's checks.
///
/// Strings borrow from the payload where it has no escapes: a rejected
/// token costs no allocation for them, however many audiences it names,
/// and an accepted one the same as owned strings would.
#[derive(Debug, Default)]
pub(crate) struct Found<'de> {
    pub(crate) iss: Option<Cow<'de, str>>,
    pub(crate) sub: Option<Cow<'de, str>>,
    pub(crate) aud: Option<FoundAudience<'de>>,
    pub(crate) exp: Option<i64>,
    pub(crate) nbf: Option<i64>,
    pub(crate) iat: Option<i64>,
    pub(crate) jti: Option<Cow<'de, str>>,
    /// What the token holds for each of the policy's required private
    /// claims ([`Policy::claims`](crate::Policy::claims)), in their order;
    /// `None` when it requires none (most purposes: nothing to build or
    /// drop on the hot path).
    pub(crate) claims: Option<Box<[ClaimSeen]>>,
}

/// A required private claim as found in the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ClaimSeen {
    Missing,
    /// Present with the required value.
    Equal,
    /// Present with another value: the JSON of it, cut for an error.
    Other(String),
}

impl Found<'_> {
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

/// The `aud` claim as found: [`Audience`], borrowing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FoundAudience<'de> {
    One(Cow<'de, str>),
    Many(Vec<Cow<'de, str>>),
}

impl FoundAudience<'_> {
    /// Every audience named.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            FoundAudience::One(aud) => (Some(&**aud), &[][..]),
            FoundAudience::Many(auds) => (None, auds.as_slice()),
        };
        one.into_iter().chain(many.iter().map(|aud| &**aud))
    }

    /// Whether `audience` is among them (exact, case-sensitive).
    pub(crate) fn contains(&self, audience: &str) -> bool {
        self.iter().any(|aud| aud == audience)
    }

    /// The owned [`Audience`] of a verified token.
    pub(crate) fn into_owned(self) -> Audience {
        match self {
            FoundAudience::One(aud) => Audience::One(aud.into_owned()),
            FoundAudience::Many(auds) => {
                Audience::Many(auds.into_iter().map(Cow::into_owned).collect())
            }
        }
    }
}

/// Decodes the payload into the registered claims and `T`, noting what it
/// holds for each of the required private `claims`.
pub(crate) fn decode<'de, T: DeserializeOwned>(
    payload: &'de [u8],
    claims: &[RequiredValue],
) -> Result<(Found<'de>, T), Error> {
    let mut state = State {
        found: Found {
            claims: (!claims.is_empty()).then(|| vec![ClaimSeen::Missing; claims.len()].into()),
            ..Found::default()
        },
        failure: None,
        seen: MemberSet::default(),
    };
    let result = crate::json::parse(payload, Part::Payload, |de, duplicate| {
        T::deserialize(Intercept {
            de,
            state: &mut state,
            duplicate,
            watched: claims,
        })
    });
    // A registered claim the interceptor refused fails the token, even
    // when the claims type's `Deserialize` swallowed the error it caused;
    // and it outranks that error when it did not.
    match (state.failure, result) {
        (Some(err), _) => Err(err),
        (None, result) => result.map(|claims| (state.found, claims)),
    }
}

/// What the interceptor learns while the claims type reads the payload;
/// it stays in [`decode`]'s frame and is only ever borrowed.
struct State<'de> {
    found: Found<'de>,
    /// The registered claim that was refused, if any.
    failure: Option<Error>,
    /// The names of the claims type's members seen so far (registered
    /// claims are tracked by their slots in `found`).
    seen: MemberSet<'de>,
}

/// The deserializer the claims type sees: whatever it asks for, it gets
/// the payload object with registered claims removed.
struct Intercept<'a, 'de> {
    de: &'a mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    state: &'a mut State<'de>,
    duplicate: &'a mut Option<String>,
    /// The policy's required private claims: their values are read on the
    /// way to the claims type and compared.
    watched: &'a [RequiredValue],
}

impl<'de> de::Deserializer<'de> for Intercept<'_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let Intercept {
            de,
            state,
            duplicate,
            watched,
        } = self;
        de.deserialize_map(InterceptVisitor {
            visitor,
            state,
            duplicate,
            watched,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct InterceptVisitor<'a, 'de, V> {
    visitor: V,
    state: &'a mut State<'de>,
    duplicate: &'a mut Option<String>,
    watched: &'a [RequiredValue],
}

impl<'de, V: Visitor<'de>> Visitor<'de> for InterceptVisitor<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_map(InterceptMap {
            map,
            state: self.state,
            duplicate: self.duplicate,
            watched: self.watched,
            pending: None,
        })
    }
}

struct InterceptMap<'a, 'de, A> {
    map: A,
    state: &'a mut State<'de>,
    duplicate: &'a mut Option<String>,
    watched: &'a [RequiredValue],
    /// The watched claim whose value comes next, if any.
    pending: Option<usize>,
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
            if let Some(claim) = RegisteredClaim::from_name(&name) {
                // A registered claim is stored as soon as its value passes,
                // so a filled slot means the name came before.
                if self.state.found.has(claim) {
                    *self.duplicate = Some(echo(&name));
                    return Err(de::Error::custom("duplicate member"));
                }
                let stored = self.map.next_value_seed(ClaimSeed {
                    found: &mut self.state.found,
                    claim,
                })?;
                if let Err(err) = stored {
                    self.state.failure = Some(err);
                    return Err(de::Error::custom("invalid registered claim"));
                }
                continue;
            }
            if !self.state.seen.insert(name.clone()) {
                *self.duplicate = Some(echo(&name));
                return Err(de::Error::custom("duplicate member"));
            }
            if !self.watched.is_empty() {
                self.pending = self.watched.iter().position(|claim| claim.name() == name);
            }
            return match name {
                Cow::Borrowed(name) => seed.deserialize(BorrowedStrDeserializer::new(name)),
                Cow::Owned(name) => seed.deserialize(StringDeserializer::new(name)),
            }
            .map(Some);
        }
    }

    #[inline]
    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        match self.pending.take() {
            None => self.map.next_value_seed(seed),
            Some(index) => self.watched_value(index, seed),
        }
    }
}

impl<'de, A: MapAccess<'de>> InterceptMap<'_, 'de, A> {
    /// A required private claim's value: read once, compared, then handed
    /// on to the claims type. Out of line: most purposes watch nothing, and
    /// the hot path stays small enough to inline.
    #[cold]
    #[inline(never)]
    fn watched_value<S: DeserializeSeed<'de>>(
        &mut self,
        index: usize,
        seed: S,
    ) -> Result<S::Value, A::Error> {
        let value: serde_json::Value = self.map.next_value()?;
        let seen = match &value {
            serde_json::Value::String(found) if found == self.watched[index].value() => {
                ClaimSeen::Equal
            }
            serde_json::Value::String(found) => ClaimSeen::Other(echo(found)),
            other => ClaimSeen::Other(echo(&other.to_string())),
        };
        if let Some(slot) = self
            .state
            .found
            .claims
            .as_mut()
            .and_then(|c| c.get_mut(index))
        {
            *slot = seen;
        }
        seed.deserialize(value).map_err(de::Error::custom)
    }
}

/// A registered claim's raw value: strings for `iss`/`sub`/`jti`/`aud`,
/// numbers for the dates, and every other shape kept only as "wrong type".
enum ClaimValue<'de> {
    Str(Cow<'de, str>),
    Strings(Vec<Cow<'de, str>>),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    /// An array with a non-string element.
    MixedArray,
    Null,
    Other,
}

impl<'de> de::Deserialize<'de> for ClaimValue<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ClaimValueVisitor)
    }
}

/// Reads a registered claim's value and stores it in one step: a string or
/// number goes from the parser straight to its slot, without a
/// [`ClaimValue`] to build and read back; arrays, objects and the rest
/// are read as [`ClaimValueVisitor`] reads them and go through [`store`].
/// The value is the verdict.
struct ClaimSeed<'a, 'de> {
    found: &'a mut Found<'de>,
    claim: RegisteredClaim,
}

impl<'de> DeserializeSeed<'de> for ClaimSeed<'_, 'de> {
    type Value = Result<(), Error>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ClaimSeed<'_, 'de> {
    type Value = Result<(), Error>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        ClaimValueVisitor.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(store(self.found, self.claim, ClaimValue::Other))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let secs = secs(i64::try_from(v).unwrap_or(i64::MAX));
        Ok(store_date(self.found, self.claim, secs))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(store_date(self.found, self.claim, secs(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(store_date(self.found, self.claim, float_secs(v)))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(store_str(self.found, self.claim, Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(store_str(self.found, self.claim, Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(store_str(self.found, self.claim, Cow::Owned(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(store(self.found, self.claim, ClaimValue::Null))
    }

    fn visit_seq<S: SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        let value = ClaimValueVisitor.visit_seq(seq)?;
        Ok(store(self.found, self.claim, value))
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        let value = ClaimValueVisitor.visit_map(map)?;
        Ok(store(self.found, self.claim, value))
    }
}

struct ClaimValueVisitor;

impl<'de> Visitor<'de> for ClaimValueVisitor {
    type Value = ClaimValue<'de>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a registered claim value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<ClaimValue<'de>, E> {
        Ok(ClaimValue::Other)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ClaimValue<'de>, E> {
        Ok(ClaimValue::Unsigned(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ClaimValue<'de>, E> {
        Ok(ClaimValue::Signed(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<ClaimValue<'de>, E> {
        Ok(ClaimValue::Float(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<ClaimValue<'de>, E> {
        Ok(ClaimValue::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ClaimValue<'de>, E> {
        Ok(ClaimValue::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<ClaimValue<'de>, E> {
        Ok(ClaimValue::Str(Cow::Owned(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<ClaimValue<'de>, E> {
        Ok(ClaimValue::Null)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<ClaimValue<'de>, S::Error> {
        let mut strings = Vec::new();
        let mut mixed = false;
        while let Some(item) = seq.next_element::<ClaimValue<'de>>()? {
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

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<ClaimValue<'de>, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(ClaimValue::Other)
    }
}

/// Type-checks a registered claim and stores it.
fn store<'de>(
    found: &mut Found<'de>,
    claim: RegisteredClaim,
    value: ClaimValue<'de>,
) -> Result<(), Error> {
    match value {
        ClaimValue::Null => Err(Error::InvalidClaim {
            claim,
            reason: "null",
        }),
        ClaimValue::Str(s) => store_str(found, claim, s),
        ClaimValue::Unsigned(v) => {
            store_date(found, claim, secs(i64::try_from(v).unwrap_or(i64::MAX)))
        }
        ClaimValue::Signed(v) => store_date(found, claim, secs(v)),
        ClaimValue::Float(v) => store_date(found, claim, float_secs(v)),
        ClaimValue::Strings(auds) if claim == RegisteredClaim::Audience => {
            if auds.is_empty() {
                return Err(Error::InvalidClaim {
                    claim,
                    reason: "empty array",
                });
            }
            found.aud = Some(FoundAudience::Many(auds));
            Ok(())
        }
        ClaimValue::Strings(_) | ClaimValue::MixedArray | ClaimValue::Other => {
            Err(wrong_type(claim))
        }
    }
}

/// Stores a string: `iss`, `sub` and `jti` are one, `aud` may be one.
#[inline]
fn store_str<'de>(
    found: &mut Found<'de>,
    claim: RegisteredClaim,
    s: Cow<'de, str>,
) -> Result<(), Error> {
    match claim {
        RegisteredClaim::Issuer => found.iss = Some(s),
        RegisteredClaim::Subject => found.sub = Some(s),
        RegisteredClaim::JwtId => found.jti = Some(s),
        RegisteredClaim::Audience => found.aud = Some(FoundAudience::One(s)),
        _ => return Err(wrong_type(claim)),
    }
    Ok(())
}

/// Stores a number of seconds, when `claim` is a date.
#[inline]
fn store_date(
    found: &mut Found<'_>,
    claim: RegisteredClaim,
    secs: Result<i64, &'static str>,
) -> Result<(), Error> {
    let slot = match claim {
        RegisteredClaim::ExpirationTime => &mut found.exp,
        RegisteredClaim::NotBefore => &mut found.nbf,
        RegisteredClaim::IssuedAt => &mut found.iat,
        _ => return Err(wrong_type(claim)),
    };
    *slot = Some(secs.map_err(|reason| Error::InvalidClaim { claim, reason })?);
    Ok(())
}

/// The error for a value of the wrong JSON type for `claim`.
fn wrong_type(claim: RegisteredClaim) -> Error {
    let reason = match claim {
        RegisteredClaim::Issuer | RegisteredClaim::Subject | RegisteredClaim::JwtId => {
            "expected a string"
        }
        RegisteredClaim::Audience => "expected a string or an array of strings",
        _ => "expected a NumericDate (a JSON number)",
    };
    Error::InvalidClaim { claim, reason }
}

/// A NumericDate (RFC 7519 §2) in whole seconds since the epoch; negative
/// or past year 9999 refused.
fn secs(secs: i64) -> Result<i64, &'static str> {
    match secs {
        s if s < 0 => Err("negative"),
        s if s > MAX_NUMERIC_DATE => Err("out of range"),
        s => Ok(s),
    }
}

/// A NumericDate with a fraction, which is truncated.
fn float_secs(v: f64) -> Result<i64, &'static str> {
    if v < 0.0 {
        Err("negative")
    } else if v > MAX_NUMERIC_DATE as f64 {
        Err("out of range")
    } else {
        secs(v.trunc() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn decode_plain<T: DeserializeOwned>(payload: &[u8]) -> Result<(Found<'_>, T), Error> {
        decode(payload, &[])
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Access {
        role: String,
    }

    #[test]
    fn splits_registered_claims_from_the_claims_type() {
        let (found, claims): (Found<'_>, Access) =
            decode_plain(br#"{"sub":"u1","role":"admin","exp":100,"aud":["a","b"],"iat":1.9}"#)
                .unwrap();
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
            Some(FoundAudience::Many(vec!["a".into(), "b".into()]))
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
            let err = decode_plain::<Access>(json).unwrap_err();
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
                decode_plain::<serde_json::Value>(json).unwrap_err(),
                Error::InvalidClaim { claim, reason }
            );
        }
    }

    #[test]
    fn every_registered_claim_is_found_by_its_name() {
        for claim in RegisteredClaim::ALL {
            assert_eq!(RegisteredClaim::from_name(claim.name()), Some(claim));
        }
        assert_eq!(RegisteredClaim::from_name("expires"), None);
        assert_eq!(RegisteredClaim::from_name("EXP"), None);
    }

    #[test]
    fn case_variants_are_not_registered_claims() {
        let (found, value): (Found<'_>, serde_json::Value) =
            decode_plain(br#"{"EXP":1,"Aud":"x"}"#).unwrap();
        assert_eq!(found.exp, None);
        assert_eq!(value, serde_json::json!({"EXP":1,"Aud":"x"}));
    }

    #[test]
    fn separates_syntax_errors_from_claims_type_errors() {
        assert!(matches!(
            decode_plain::<Access>(br#"{"role":1}"#),
            Err(Error::InvalidClaims { .. })
        ));
        assert!(matches!(
            decode_plain::<Access>(br#"{}"#),
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
                    decode_plain::<Access>(json),
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
