//! The payload a signer writes: registered claims first, then the claims
//! type's own members, in one JSON object and one serialization pass.
//!
//! The claims type serializes into [`Flatten`], a serializer that accepts
//! only a struct or a map and forwards its members into the outer object.
//! A member named like a registered claim is refused, so a
//! `#[serde(flatten)]` map cannot smuggle in a second `exp` or `aud`; and
//! a member name written twice (a field and a flattened map's key, or two
//! flattened maps sharing a key) is refused, since last-wins readers
//! (PyJWT, jose, `serde_json::Value`) would read the second value where
//! the verifier refuses the token (RFC 7519 §4: claim names are unique).

use std::borrow::Cow;
use std::cell::Cell;

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeMap, SerializeStruct, Serializer};

use crate::json::MemberSet;
use crate::{Error, Policy, RegisteredClaim};

/// The registered claims to write.
pub(crate) struct Registered<'a> {
    pub(crate) iss: Option<&'a str>,
    pub(crate) sub: Option<&'a str>,
    pub(crate) aud: &'a Policy,
    pub(crate) exp: i64,
    pub(crate) nbf: Option<i64>,
    pub(crate) iat: i64,
    pub(crate) jti: Option<&'a str>,
}

/// Registered claims and the claims type, as one JSON object.
pub(crate) struct Envelope<'a, T> {
    /// A member name the claims type wrote twice, set when serialization
    /// fails for it (serde's error can only carry a message).
    pub(crate) duplicate: Cell<Option<String>>,
    pub(crate) registered: Registered<'a>,
    pub(crate) claims: &'a T,
}

impl<T> Envelope<'_, T> {
    /// A failed serialization as our error: a duplicate member by name,
    /// anything else as the claims' shape.
    pub(crate) fn error(&self, err: &serde_json::Error) -> Error {
        match self.duplicate.take() {
            Some(name) => Error::DuplicateClaim { name },
            None => shape_error(err),
        }
    }
}

impl<T: Serialize> Serialize for Envelope<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = &self.registered;
        let mut map = serializer.serialize_map(None)?;
        if let Some(iss) = r.iss {
            map.serialize_entry("iss", iss)?;
        }
        if let Some(sub) = r.sub {
            map.serialize_entry("sub", sub)?;
        }
        match r.aud.audiences().len() {
            1 => map.serialize_entry("aud", r.aud.audiences().next().unwrap_or_default())?,
            _ => map.serialize_entry("aud", &Audiences(r.aud))?,
        }
        map.serialize_entry("exp", &r.exp)?;
        if let Some(nbf) = r.nbf {
            map.serialize_entry("nbf", &nbf)?;
        }
        map.serialize_entry("iat", &r.iat)?;
        if let Some(jti) = r.jti {
            map.serialize_entry("jti", jti)?;
        }
        let mut names = Names {
            seen: MemberSet::default(),
            duplicate: &self.duplicate,
        };
        self.claims.serialize(Flatten(&mut map, &mut names))?;
        map.end()
    }
}

struct Audiences<'a>(&'a Policy);

impl Serialize for Audiences<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.audiences())
    }
}

/// The member names the claims type has written so far.
struct Names<'e> {
    seen: MemberSet<'static>,
    duplicate: &'e Cell<Option<String>>,
}

impl Names<'_> {
    /// Admits one member name: not a registered claim, not written before.
    fn admit<E: ser::Error>(&mut self, name: Cow<'static, str>) -> Result<(), E> {
        if let Some(claim) = RegisteredClaim::from_name(&name) {
            return Err(E::custom(format_args!(
                "the claims type serializes \"{}\", a registered claim the signer writes",
                claim.name()
            )));
        }
        // Cloning a borrowed name is free; an owned one (a map's key) is
        // the rare path.
        if !self.seen.insert(name.clone()) {
            self.duplicate.set(Some(crate::error::echo(&name)));
            return Err(E::custom("duplicate member"));
        }
        Ok(())
    }
}

/// A map key's JSON member name, as serde_json writes it: strings as they
/// are, integers and booleans as their text. `None` for keys serde_json
/// refuses anyway.
fn key_name<T: Serialize + ?Sized>(key: &T) -> Option<String> {
    match serde_json::to_value(key).ok()? {
        serde_json::Value::String(name) => Some(name),
        serde_json::Value::Number(number) => Some(number.to_string()),
        serde_json::Value::Bool(value) => Some(value.to_string()),
        _ => None,
    }
}

fn not_an_object<E: ser::Error>() -> E {
    E::custom("claims must serialize as a JSON object (a struct with named fields or a map)")
}

/// Forwards a struct's or map's members into the outer map `M`.
struct Flatten<'m, 'n, M>(&'m mut M, &'m mut Names<'n>);

macro_rules! refuse {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {$(
        fn $method(self, $(_: $arg),*) -> Result<(), M::Error> {
            Err(not_an_object())
        }
    )*};
}

impl<'m, 'n, M: SerializeMap> Serializer for Flatten<'m, 'n, M> {
    type Ok = ();
    type Error = M::Error;
    type SerializeSeq = Impossible<(), M::Error>;
    type SerializeTuple = Impossible<(), M::Error>;
    type SerializeTupleStruct = Impossible<(), M::Error>;
    type SerializeTupleVariant = Impossible<(), M::Error>;
    type SerializeMap = FlattenMap<'m, 'n, M>;
    type SerializeStruct = FlattenStruct<'m, 'n, M>;
    type SerializeStructVariant = Impossible<(), M::Error>;

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_unit(self) -> Result<(), M::Error> {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), M::Error> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), M::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), M::Error> {
        Err(not_an_object())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, M::Error> {
        Err(not_an_object())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, M::Error> {
        Err(not_an_object())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, M::Error> {
        Err(not_an_object())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, M::Error> {
        Err(not_an_object())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, M::Error> {
        Ok(FlattenMap(self.0, self.1))
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, M::Error> {
        Ok(FlattenStruct(self.0, self.1))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, M::Error> {
        Err(not_an_object())
    }
}

struct FlattenStruct<'m, 'n, M>(&'m mut M, &'m mut Names<'n>);

impl<M: SerializeMap> SerializeStruct for FlattenStruct<'_, '_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.1.admit(Cow::Borrowed(key))?;
        self.0.serialize_entry(key, value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

struct FlattenMap<'m, 'n, M>(&'m mut M, &'m mut Names<'n>);

impl<M: SerializeMap> SerializeMap for FlattenMap<'_, '_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), M::Error> {
        // Map keys are rare in claims (flattened maps and fields of a
        // struct with a flattened field); reading one as a JSON value is
        // the simplest faithful way to see its name.
        if let Some(name) = key_name(key) {
            self.1.admit(Cow::Owned(name))?;
        }
        self.0.serialize_key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), M::Error> {
        self.0.serialize_value(value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

/// A serialization failure of the claims, as our error.
pub(crate) fn shape_error(err: &serde_json::Error) -> crate::Error {
    crate::Error::InvalidClaimsShape {
        reason: crate::json::reason(err),
    }
}
