//! `Token<T>`: a compact JWS known to be for purpose `T`.

use core::fmt;
use core::marker::PhantomData;
use core::time::Duration;

use crate::key::SigningKey;
use crate::{Algorithm, RegisteredClaims};

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
///
/// What it was signed with can be read back, e.g. to record a refresh
/// token's `jti` or answer an OAuth `expires_in`:
///
/// ```
/// use std::time::Duration;
/// use jwt_claims::{Algorithm, Claims, HmacKey, Signer};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, Claims)]
/// # #[jwt(aud = "auth", typ = "refresh", ttl = "30d", require = ["jti", "sub"])]
/// # struct Refresh {}
///
/// let key = HmacKey::new(Algorithm::HS256, &[4; 32])?.with_kid("r1");
/// let signer = Signer::builder().issuer("auth").key::<Refresh>(key).build()?;
/// let token = signer.issue(&Refresh {}).subject("alice").encode()?;
///
/// let claims = token.registered();
/// assert_eq!(claims.subject(), Some("alice"));
/// assert_eq!(claims.jwt_id().map(str::len), Some(22)); // 128 random bits
/// assert_eq!(token.expires_in(), Duration::from_secs(30 * 24 * 3600));
/// assert_eq!((token.algorithm(), token.kid()), (Algorithm::HS256, Some("r1")));
/// # Ok::<(), jwt_claims::Error>(())
/// ```
pub struct Token<T> {
    compact: String,
    registered: RegisteredClaims,
    algorithm: Algorithm,
    kid: Option<String>,
    purpose: PhantomData<fn() -> T>,
}

impl<T> Token<T> {
    pub(crate) fn new(compact: String, registered: RegisteredClaims, key: &SigningKey) -> Token<T> {
        Token {
            compact,
            registered,
            algorithm: key.algorithm(),
            kid: key.kid().map(str::to_owned),
            purpose: PhantomData,
        }
    }

    /// The registered claims the token was signed with (`iss`, `sub`,
    /// `aud`, `exp`, `nbf`, `iat`, `jti`). For a wrapping purpose
    /// (`#[jwt(wraps)]`), those of the wrapped token, which carries them.
    pub fn registered(&self) -> &RegisteredClaims {
        &self.registered
    }

    /// How long the token is valid from when it was issued (`exp - iat`):
    /// an OAuth token response's `expires_in`.
    pub fn expires_in(&self) -> Duration {
        let issued = self.registered.iat.unwrap_or(self.registered.exp);
        Duration::from_secs(u64::try_from(self.registered.exp - issued).unwrap_or(0))
    }

    /// The algorithm the token was signed with (for an encrypted purpose,
    /// the inner JWS's).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The `kid` in the token's header, if the signing key has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The same token, encrypted: `jwe` in place of the JWS it holds.
    pub(crate) fn with_compact(mut self, jwe: String) -> Token<T> {
        self.compact = jwe;
        self
    }

    /// Splits into the compact serialization and the registered claims.
    pub(crate) fn into_parts(self) -> (String, RegisteredClaims) {
        (self.compact, self.registered)
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
        Token {
            compact: self.compact.clone(),
            registered: self.registered.clone(),
            algorithm: self.algorithm,
            kid: self.kid.clone(),
            purpose: PhantomData,
        }
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
