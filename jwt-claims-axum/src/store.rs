//! Token stores: state a verified token is checked against last
//! (revocation lists, one-time token registers).
//!
//! A store runs after every check of the verifier has passed, so garbage
//! costs it nothing. A revoked or replayed token answers exactly as a bad
//! signature does (401 `invalid_token`, the same bytes), so the answer
//! tells an attacker nothing about the store; a store that does not
//! answer is 503, never 401.

use std::future::Future;
use std::pin::Pin;

use jwt_claims::{Policy, RegisteredClaims};

/// A boxed future of a [`TokenStore`] check.
pub type StoreFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StoreRefusal>> + Send + 'a>>;

/// Why a store refused a verified token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreRefusal {
    /// The token (its `jti`, its subject's session) was revoked: 401, as
    /// a bad signature.
    Revoked,
    /// The token is one-time and was used before: 401, as a bad
    /// signature.
    Replayed,
    /// The store did not answer: 503 with `Retry-After`.
    Unavailable,
}

/// What a store is shown of a verified token: its purpose's policy and
/// its registered claims (`jti`, `sub`, `exp`, ...).
#[derive(Clone, Copy, Debug)]
pub struct VerifiedToken<'a> {
    /// The purpose the token was verified as.
    pub policy: &'a Policy,
    /// Its registered claims.
    pub registered: &'a RegisteredClaims,
}

/// State a verified token is checked against; give one to
/// [`BearerAuthBuilder::store`](crate::BearerAuthBuilder::store).
///
/// ```
/// use std::collections::HashSet;
/// use std::sync::Mutex;
/// use jwt_claims_axum::{StoreFuture, StoreRefusal, TokenStore, VerifiedToken};
///
/// /// Revoked `jti`s, kept in memory.
/// struct Revoked(Mutex<HashSet<String>>);
///
/// impl TokenStore for Revoked {
///     fn check<'a>(&'a self, token: VerifiedToken<'a>) -> StoreFuture<'a> {
///         let revoked = token
///             .registered
///             .jwt_id()
///             .is_some_and(|jti| self.0.lock().unwrap().contains(jti));
///         Box::pin(async move { if revoked { Err(StoreRefusal::Revoked) } else { Ok(()) } })
///     }
/// }
/// ```
pub trait TokenStore: Send + Sync + 'static {
    /// Checks (and, for a one-time purpose, marks) a verified token.
    ///
    /// # Errors
    /// The [`StoreRefusal`] saying why the token is refused.
    fn check<'a>(&'a self, token: VerifiedToken<'a>) -> StoreFuture<'a>;
}
