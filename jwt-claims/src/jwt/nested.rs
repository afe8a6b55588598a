//! Claims that are themselves tokens, verified all the way down.

use core::fmt;

use serde::de::{self, Visitor};

use crate::{Claims, Decoded, Error, Token, Verifier};

/// The default limit on how deep tokens may nest inside each other.
pub const DEFAULT_MAX_NESTING_DEPTH: usize = 4;

/// A claim holding a token of purpose `T`.
///
/// Mark the field `#[jwt(nested)]` (the derive refuses a `Nested` field
/// without it). When the outer token is decoded, each nested token is
/// verified with `T`'s own policy and keys, against the same clock, within
/// the verifier's depth limit and the size budget shared by all levels.
/// A failure names the field's path, e.g. `grants[3].inner`.
///
/// In JSON it is the compact token string; a JSON object there is refused.
///
/// ```
/// use jwt_claims::{Claims, Nested};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(aud = "billing", typ = "delegation", ttl = "5m")]
/// struct DelegationGrant { on_behalf_of: String }
///
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// struct BillingAccess {
///     #[jwt(nested)]
///     grant: Option<Nested<DelegationGrant>>,
/// }
/// ```
pub struct Nested<T> {
    token: String,
    verified: Option<Box<Decoded<T>>>,
    /// The registered claims of a token minted here ([`Nested::new`]).
    minted: Option<Box<crate::RegisteredClaims>>,
}

impl<T> Nested<T> {
    /// Wraps a token minted for `T`, to be embedded in outer claims.
    pub fn new(token: Token<T>) -> Nested<T> {
        let (token, registered) = token.into_parts();
        Nested {
            token,
            verified: None,
            minted: Some(Box::new(registered)),
        }
    }

    /// A nested token read from outside, not yet verified.
    pub(crate) fn from_token(token: String) -> Nested<T> {
        Nested {
            token,
            verified: None,
            minted: None,
        }
    }

    /// The nested token's compact serialization.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The verified nested token: `Some` in claims a [`Verifier`] returned,
    /// `None` in claims built for encoding or deserialized by other means.
    pub fn verified(&self) -> Option<&Decoded<T>> {
        self.verified.as_deref()
    }

    /// The verified nested claims; see [`Nested::verified`].
    pub fn claims(&self) -> Option<&T> {
        self.verified().map(Decoded::claims)
    }
}

impl<T: Clone> Clone for Nested<T> {
    fn clone(&self) -> Self {
        Nested {
            token: self.token.clone(),
            verified: self.verified.clone(),
            minted: self.minted.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Nested<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a bearer credential: show what it says, not what it is.
        f.debug_struct("Nested")
            .field("verified", &self.verified)
            .finish_non_exhaustive()
    }
}

impl<T> serde::Serialize for Nested<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.token)
    }
}

impl<'de, T> serde::Deserialize<'de> for Nested<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TokenString;
        impl Visitor<'_> for TokenString {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a nested token as a compact JWS string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
                Ok(v)
            }
        }
        let token = deserializer.deserialize_str(TokenString)?;
        Ok(Nested::from_token(token))
    }
}

/// The token a wrapping purpose (`#[jwt(wraps)]`) carries as its payload.
pub trait Wrapped {
    /// The wrapped token's compact serialization.
    #[doc(hidden)]
    fn wrapped_token(&self) -> &str;

    /// The wrapped token's registered claims, once verified or when it was
    /// minted here.
    #[doc(hidden)]
    fn wrapped_registered(&self) -> Option<&crate::RegisteredClaims>;
}

impl<T> Wrapped for Nested<T> {
    fn wrapped_token(&self) -> &str {
        &self.token
    }

    fn wrapped_registered(&self) -> Option<&crate::RegisteredClaims> {
        match &self.verified {
            Some(verified) => Some(verified.registered()),
            None => self.minted.as_deref(),
        }
    }
}

/// The state shared by one decode and every token nested in it.
pub struct NestedCx<'a> {
    pub(crate) verifier: &'a Verifier,
    pub(crate) depth: usize,
    /// Bytes still allowed across all levels.
    pub(crate) budget: usize,
    /// The instant every level is checked against.
    pub(crate) now: i64,
}

/// A field type that holds nested tokens: `Nested<T>`, `Option<Nested<T>>`
/// or `Vec<Nested<T>>`.
pub trait NestedField {
    /// Verifies every token in the field.
    #[doc(hidden)]
    fn verify_tokens(&mut self, cx: &mut NestedCx<'_>) -> Result<(), Error>;
}

impl<T: Claims> NestedField for Nested<T> {
    fn verify_tokens(&mut self, cx: &mut NestedCx<'_>) -> Result<(), Error> {
        let verifier = cx.verifier;
        let decoded =
            verifier.descend(cx, |verifier, cx| verifier.decode_in::<T>(&self.token, cx))?;
        self.verified = Some(Box::new(decoded));
        Ok(())
    }
}

impl<F: NestedField> NestedField for Option<F> {
    fn verify_tokens(&mut self, cx: &mut NestedCx<'_>) -> Result<(), Error> {
        match self {
            Some(field) => field.verify_tokens(cx),
            None => Ok(()),
        }
    }
}

impl<F: NestedField> NestedField for Vec<F> {
    fn verify_tokens(&mut self, cx: &mut NestedCx<'_>) -> Result<(), Error> {
        for (index, field) in self.iter_mut().enumerate() {
            field
                .verify_tokens(cx)
                .map_err(|err| err.nested_at(&format!("[{index}]")))?;
        }
        Ok(())
    }
}

/// Verifies the nested tokens of the field serialized as `name`; what the
/// derive calls for each `#[jwt(nested)]` field.
pub fn verify_nested<F: NestedField>(
    field: &mut F,
    name: &'static str,
    cx: &mut NestedCx<'_>,
) -> Result<(), Error> {
    field.verify_tokens(cx).map_err(|err| err.nested_at(name))
}
