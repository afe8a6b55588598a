//! `Token<T>`: a compact JWS known to be for purpose `T`.

use core::fmt;
use core::marker::PhantomData;

/// A compact JWS minted by a [`Signer`](crate::Signer) for purpose `T`.
///
/// The purpose is in the type, so a function taking
/// `Token<BillingAccess>` does not accept a `Token<RefreshToken>`:
///
/// ```compile_fail
/// # use jwt_claims::{Claims, Token};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, Claims)]
/// # #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// # struct BillingAccess {}
/// # #[derive(Serialize, Deserialize, Claims)]
/// # #[jwt(aud = "auth", typ = "refresh", ttl = "30d")]
/// # struct RefreshToken {}
/// fn call_billing(token: &Token<BillingAccess>) {}
/// fn misuse(refresh: Token<RefreshToken>) {
///     call_billing(&refresh); // error: expected `Token<BillingAccess>`
/// }
/// ```
///
/// It serializes as the plain compact string. It cannot be deserialized:
/// a string received from outside is not known to be anything until a
/// [`Verifier`](crate::Verifier) has decoded it. `Debug` does not show the
/// token, which is a bearer credential.
pub struct Token<T> {
    compact: String,
    purpose: PhantomData<fn() -> T>,
}

impl<T> Token<T> {
    pub(crate) fn new(compact: String) -> Token<T> {
        Token {
            compact,
            purpose: PhantomData,
        }
    }

    /// The compact serialization, e.g. for an `Authorization: Bearer` header.
    pub fn as_str(&self) -> &str {
        &self.compact
    }

    /// The compact serialization, owned.
    pub fn into_string(self) -> String {
        self.compact
    }
}

impl<T> Clone for Token<T> {
    fn clone(&self) -> Self {
        Token::new(self.compact.clone())
    }
}

impl<T> PartialEq for Token<T> {
    fn eq(&self, other: &Self) -> bool {
        self.compact == other.compact
    }
}

impl<T> Eq for Token<T> {}

impl<T> AsRef<str> for Token<T> {
    fn as_ref(&self) -> &str {
        &self.compact
    }
}

impl<T> fmt::Debug for Token<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Token<{}>({} bytes, redacted)",
            core::any::type_name::<T>(),
            self.compact.len()
        )
    }
}

impl<T> serde::Serialize for Token<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.compact)
    }
}
