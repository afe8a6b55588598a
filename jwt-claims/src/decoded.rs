//! A verified token: its claims, registered claims and header facts.

use core::ops::Deref;

use crate::{Algorithm, RegisteredClaims};

/// The result of a successful decode: the claims of type `T`, which every
/// check passed for, with the registered claims beside them.
///
/// Derefs to `T`, so `decoded.org_id` reads a claim directly.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded<T> {
    pub(crate) claims: T,
    pub(crate) registered: RegisteredClaims,
    pub(crate) algorithm: Algorithm,
    pub(crate) kid: Option<String>,
}

impl<T> Decoded<T> {
    /// The purpose's own claims.
    pub fn claims(&self) -> &T {
        &self.claims
    }

    /// The purpose's own claims, owned.
    pub fn into_claims(self) -> T {
        self.claims
    }

    /// The registered claims (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`,
    /// `jti`).
    pub fn registered(&self) -> &RegisteredClaims {
        &self.registered
    }

    /// Splits into the claims and the registered claims.
    pub fn into_parts(self) -> (T, RegisteredClaims) {
        (self.claims, self.registered)
    }

    /// The algorithm the signature was verified with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The `kid` that selected the key, if the token had one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}

impl<T> Deref for Decoded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.claims
    }
}
