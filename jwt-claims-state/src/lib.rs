//! # jwt-claims-state: tokens that can be taken back
//!
//! Stateless tokens cannot be revoked. This crate adds the state that can,
//! on top of [`jwt_claims`], in one async [`Store`] shared by every machine
//! of a service:
//!
//! - **Refresh-token families** ([`Families`]): each rotation replaces the
//!   family's current token in one compare-and-swap; a retry of the token
//!   just replaced, within a grace window, gets the same successor; any
//!   other reuse revokes the family (RFC 9700 §4.14.2). A family ends a
//!   fixed time after it started, whatever the rotations.
//! - **One-time tokens** (`#[jwt(one_time)]`): the second use is
//!   [`Error::Replayed`](jwt_claims::Error::Replayed). The mark is taken
//!   last, after every other check, and keyed by (`iss`, `jti`), never by
//!   the token's bytes.
//! - **Revocation**: one token until it expires
//!   ([`StatefulVerifier::revoke`]), every token of a subject issued until
//!   now ([`StatefulVerifier::log_out_everywhere`]), a whole family
//!   ([`Families::revoke`]) with the access tokens minted from it.
//!
//! Everything fails closed: a store that errors or does not answer in time
//! makes verification fail with
//! [`Error::StoreUnavailable`](jwt_claims::Error::StoreUnavailable) (kind
//! [`Unavailable`](jwt_claims::ErrorKind::Unavailable), a 503), never
//! accept.
//!
//! Stores: [`MemoryStore`] (the default: in the process, nothing to
//! start) and, with the `redis` feature, `RedisStore` (Redis or Valkey,
//! standalone or Cluster).
//!
//! ```
//! use std::sync::Arc;
//! use jwt_claims::{Algorithm, Claims, Error, HmacKey, Signer, Verifier};
//! use jwt_claims_state::{
//!     FamilyId, Families, MemoryStore, RefreshClaims, Revocable, StatefulVerifier,
//! };
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Claims)]
//! #[jwt(typ = "refresh", aud = "auth", ttl = "14d", require = ["sub", "jti"])]
//! struct Refresh { sid: FamilyId }
//!
//! impl RefreshClaims for Refresh {
//!     fn family_id(&self) -> &FamilyId { &self.sid }
//! }
//!
//! // Access tokens carry the family id, so revoking the family rejects them.
//! #[derive(Debug, Serialize, Deserialize, Claims)]
//! #[jwt(typ = "access", aud = "api", ttl = "15m", require = ["sub", "jti"])]
//! struct Access { sid: FamilyId }
//!
//! impl Revocable for Access {
//!     fn family(&self) -> Option<&FamilyId> { Some(&self.sid) }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let key = HmacKey::new(Algorithm::HS256, &[1; 32])?;
//! let signer = Signer::builder().issuer("auth").shared_key(key.clone()).build()?;
//! let verifier = Verifier::builder().issuer("auth").shared_key(key.clone()).build()?;
//! let stateful = StatefulVerifier::new(verifier, Arc::new(MemoryStore::new()));
//! let families = Families::<Refresh>::builder(stateful.clone(), key).issuer("auth").build()?;
//!
//! // Log in: a family, its first refresh token, an access token of it.
//! let login = families.start("alice", |sid| Refresh { sid }).await?;
//! let access = signer
//!     .issue(&Access { sid: login.family().clone() })
//!     .subject("alice")
//!     .encode()?;
//! assert_eq!(stateful.decode::<Access>(access.as_str()).await?.registered().subject(), Some("alice"));
//!
//! // Rotate; then log this session out: revoke the family.
//! let next = families.rotate(login.token().as_str()).await?;
//! assert_eq!(families.revoke(next.family()).await, Ok(true));
//! assert_eq!(families.rotate(next.token().as_str()).await.err(), Some(Error::Revoked));
//! assert_eq!(stateful.decode::<Access>(access.as_str()).await.err(), Some(Error::Revoked));
//! # Ok::<(), Error>(())
//! # }).unwrap();
//! ```

// The README's examples are part of the documentation: keep them compiling.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod family;
mod key;
mod memory;
#[cfg(feature = "redis")]
mod redis;
mod store;
mod verifier;

pub use family::{
    DEFAULT_GRACE, Families, FamiliesBuilder, FamilyId, Issued, MAX_GRACE, Outcome, RefreshClaims,
};
pub use key::{KeyKind, StoreKey};
pub use memory::{DEFAULT_CAPACITY, MemoryStore};
#[cfg(feature = "redis")]
pub use redis::{DEFAULT_PREFIX, RedisStore, RedisStoreBuilder};
pub use store::{
    Check, Facts, FamilyState, FamilyStatus, Rotate, RotateOutcome, Store, StoreFuture, TokenId,
};
pub use verifier::{
    DEFAULT_STORE_TIMEOUT, DEFAULT_WATERMARK_LIFETIME, Revocable, StatefulVerifier,
    StatefulVerifierBuilder, Verified,
};
