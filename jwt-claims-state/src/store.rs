//! The one interface every store implements, and what passes through it.
//!
//! A store keeps four kinds of entry ([`KeyKind`](crate::KeyKind)), each
//! under one key and each with a time to live relative to the call (so the
//! store's own clock never matters): one-time marks, denied tokens,
//! per-subject watermarks and refresh-token families. Every method is one
//! atomic step on one key, except [`Store::check`], which reads several
//! keys and may take one mark, in one round trip.

use core::future::Future;
use core::pin::Pin;
use core::time::Duration;

use jwt_claims::Error;

use crate::StoreKey;

/// What a store method returns: a boxed future, so `dyn Store` works.
/// Errors are [`Error::StoreUnavailable`].
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// A store of token state, shared by every verifier, signer and machine
/// that must agree on it.
///
/// Implementations: [`MemoryStore`](crate::MemoryStore) (in the process)
/// and, with the `redis` feature, `RedisStore`. The contract, for other
/// implementations:
///
/// - every method is atomic on its key: two concurrent calls never both
///   take a mark or both rotate a family from the same token;
/// - a time to live is relative to the call and is never shortened by a
///   later call (a mark or a denial lives at least as long as asked);
/// - an entry whose time to live has not run out is never dropped to make
///   room: a full store refuses new entries with
///   [`Error::StoreUnavailable`] instead, because a dropped mark is a
///   replay and a dropped denial an un-revocation;
/// - a failure or timeout is [`Error::StoreUnavailable`], never an answer.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use jwt_claims_state::{KeyKind, MemoryStore, Store, StoreKey};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
/// let key = StoreKey::new(KeyKind::Used, Some("auth"), "jti-1");
/// assert_eq!(store.mark(&key, Duration::from_secs(60)).await, Ok(true));
/// assert_eq!(store.mark(&key, Duration::from_secs(60)).await, Ok(false));
/// # });
/// ```
pub trait Store: Send + Sync + 'static {
    /// Reads what [`Check`] asks about and, if it asks for a mark and
    /// nothing it read revokes the token ([`Check::revokes`]), takes the
    /// mark as [`Store::mark`] does. A mark taken for a token that turns
    /// out revoked must not stay taken.
    fn check<'a>(&'a self, check: &'a Check) -> StoreFuture<'a, Facts>;

    /// Takes the mark `key` for `ttl` if nobody has (`SET NX PX`): `true`
    /// when this call took it, `false` when it was taken already.
    fn mark<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, bool>;

    /// Denies `key` for at least `ttl` (a longer denial stays).
    fn deny<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Raises the watermark `key` to `at` (seconds since the epoch) unless
    /// it is higher already, and keeps it for at least `ttl`. Returns the
    /// watermark now in force. It never decreases.
    fn raise_watermark<'a>(
        &'a self,
        key: &'a StoreKey,
        at: i64,
        ttl: Duration,
    ) -> StoreFuture<'a, i64>;

    /// Creates the family `key` in state `family` for `ttl`, unless it
    /// exists: `false` then, and nothing changes.
    fn create_family<'a>(
        &'a self,
        key: &'a StoreKey,
        family: &'a FamilyState,
        ttl: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Rotates the family `key` as [`FamilyState::rotate`] says, in one
    /// atomic step; a missing family is [`RotateOutcome::Missing`]. The
    /// family keeps its time to live.
    fn rotate_family<'a>(
        &'a self,
        key: &'a StoreKey,
        rotate: &'a Rotate,
    ) -> StoreFuture<'a, RotateOutcome>;

    /// Revokes the family `key`: `false` if there is no such family.
    fn revoke_family<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, bool>;
}

/// What [`Store::check`] is asked: the revocation entries of one verified
/// token and, for a one-time token, the mark to take.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// The token's denial, (`iss`, `jti`), when it has a `jti`.
    pub denied: Option<StoreKey>,
    /// Its subject's watermark, (`iss`, `sub`), when it has a `sub`.
    pub watermark: Option<StoreKey>,
    /// The token's `iat`, compared with the watermark.
    pub issued_at: Option<i64>,
    /// Its refresh family, when it was minted from one.
    pub family: Option<StoreKey>,
    /// The one-time mark to take, and for how long.
    pub mark: Option<(StoreKey, Duration)>,
}

impl Check {
    /// A check of nothing yet, for a token issued at `issued_at`: the
    /// verifier sets the parts that apply.
    pub fn new(issued_at: Option<i64>) -> Check {
        Check {
            denied: None,
            watermark: None,
            issued_at,
            family: None,
            mark: None,
        }
    }

    /// Whether `facts` revoke the token: it is denied, it was issued no
    /// later than its subject's watermark (or has no `iat` while there is
    /// one), or its family is revoked or gone (a family outlives every
    /// token minted from it, so a missing one was lost: fail closed).
    pub fn revokes(&self, facts: &Facts) -> bool {
        let below_watermark = facts
            .watermark
            .is_some_and(|mark| self.issued_at.is_none_or(|iat| iat <= mark));
        let family_gone = matches!(
            facts.family,
            Some(FamilyStatus::Revoked | FamilyStatus::Missing)
        );
        facts.denied || below_watermark || family_gone
    }
}

/// What a store read for a [`Check`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// The token is denied.
    pub denied: bool,
    /// The subject's watermark, if one is in force.
    pub watermark: Option<i64>,
    /// The family's status, if the check named a family.
    pub family: Option<FamilyStatus>,
    /// Whether the mark was taken by this check (`Some(false)`: it was
    /// taken before), if the check asked for one and nothing revoked the
    /// token.
    pub marked: Option<bool>,
}

/// The status of a refresh family, as [`Store::check`] reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FamilyStatus {
    /// The family exists and is not revoked.
    Live,
    /// The family was revoked.
    Revoked,
    /// There is no such family (it ended, or the store lost it).
    Missing,
}

/// What a refresh token is known by in its family: what its successor is
/// minted with, and minted with again for a retry within the grace window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenId {
    /// `jti`.
    pub jti: String,
    /// `iat`, seconds since the epoch.
    pub issued_at: i64,
    /// `exp`, seconds since the epoch.
    pub expires_at: i64,
}

/// One refresh-token family: its current token, the one it replaced and
/// when, its absolute end, and whether it was revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FamilyState {
    /// When the family ends, seconds since the epoch: no token of it
    /// expires later, whatever the rotations.
    pub ends_at: i64,
    /// The one token of the family that may be rotated.
    pub current: TokenId,
    /// The `jti` of the token `current` replaced.
    pub previous: Option<String>,
    /// When `current` replaced `previous`, milliseconds since the epoch.
    pub replaced_at_ms: i64,
    /// Whether the family was revoked: every token of it is refused.
    pub revoked: bool,
    /// Whether it was revoked because a replaced token came back: every
    /// rotation then answers [`RotateOutcome::Reused`] again.
    pub reused: bool,
}

/// A rotation: the token presented, the successor to put in its place,
/// the time, and the grace window for a retry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rotate {
    /// The presented token's `jti`.
    pub presented: String,
    /// The successor if the presented token is current; its `expires_at`
    /// is cut to the family's end.
    pub successor: TokenId,
    /// Now, milliseconds since the epoch.
    pub now_ms: i64,
    /// How long after a rotation the replaced token still gets the same
    /// successor, in milliseconds; 0 for no grace.
    pub grace_ms: u64,
}

impl Rotate {
    /// A rotation of the token `presented` to `successor` at `now_ms`.
    pub fn new(presented: String, successor: TokenId, now_ms: i64, grace_ms: u64) -> Rotate {
        Rotate {
            presented,
            successor,
            now_ms,
            grace_ms,
        }
    }
}

/// What a rotation did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotateOutcome {
    /// The presented token was current and is replaced by this successor.
    Rotated {
        /// The successor, its expiry cut to the family's end.
        successor: TokenId,
        /// When the family ends, seconds since the epoch.
        ends_at: i64,
    },
    /// The presented token was replaced within the grace window: the
    /// successor it was replaced by, unchanged.
    Retried {
        /// The successor.
        successor: TokenId,
        /// When the family ends, seconds since the epoch.
        ends_at: i64,
    },
    /// The presented token is neither current nor a retry in time: the
    /// family is revoked now (RFC 9700 §4.14.2).
    Reused,
    /// The family was revoked before (not for reuse).
    Revoked,
    /// There is no such family.
    Missing,
    /// The family ended at `ends_at` (seconds since the epoch).
    Ended {
        /// When the family ended.
        ends_at: i64,
    },
}

impl FamilyState {
    /// A new family whose first token is `current`, ending at `ends_at`.
    pub fn new(current: TokenId, ends_at: i64) -> FamilyState {
        FamilyState {
            ends_at,
            current,
            previous: None,
            replaced_at_ms: 0,
            revoked: false,
            reused: false,
        }
    }

    /// The rotation every store implements, in one atomic step:
    ///
    /// 1. a revoked family stays revoked (and one revoked for reuse says
    ///    so again);
    /// 2. a family past its end rotates no more;
    /// 3. the current token is replaced by the successor (its expiry cut to
    ///    the family's end): [`RotateOutcome::Rotated`];
    /// 4. the token replaced last, presented again within the grace window,
    ///    gets the same successor: [`RotateOutcome::Retried`];
    /// 5. any other token of the family revokes it: [`RotateOutcome::Reused`].
    ///
    /// ```
    /// use jwt_claims_state::{FamilyState, Rotate, RotateOutcome, TokenId};
    ///
    /// let id = |jti: &str| TokenId { jti: jti.into(), issued_at: 100, expires_at: 200 };
    /// let rotate = |presented: &str, successor, now_ms, grace_ms| {
    ///     Rotate::new(presented.into(), successor, now_ms, grace_ms)
    /// };
    /// let mut family = FamilyState::new(id("a"), 150);
    /// let successor = TokenId { expires_at: 150, ..id("b") };
    /// assert_eq!(
    ///     family.rotate(&rotate("a", id("b"), 100_000, 10_000)),
    ///     RotateOutcome::Rotated { successor: successor.clone(), ends_at: 150 },
    /// );
    /// assert_eq!(
    ///     family.rotate(&rotate("a", id("c"), 105_000, 10_000)),
    ///     RotateOutcome::Retried { successor, ends_at: 150 },
    /// );
    /// assert_eq!(family.rotate(&rotate("a", id("d"), 111_000, 10_000)), RotateOutcome::Reused);
    /// assert!(family.revoked);
    /// ```
    pub fn rotate(&mut self, rotate: &Rotate) -> RotateOutcome {
        if self.revoked {
            return match self.reused {
                true => RotateOutcome::Reused,
                false => RotateOutcome::Revoked,
            };
        }
        if rotate.now_ms >= self.ends_at.saturating_mul(1000) {
            return RotateOutcome::Ended {
                ends_at: self.ends_at,
            };
        }
        if rotate.presented == self.current.jti {
            let successor = TokenId {
                expires_at: rotate.successor.expires_at.min(self.ends_at),
                ..rotate.successor.clone()
            };
            self.previous = Some(core::mem::replace(&mut self.current, successor.clone()).jti);
            self.replaced_at_ms = rotate.now_ms;
            return RotateOutcome::Rotated {
                successor,
                ends_at: self.ends_at,
            };
        }
        let in_grace = rotate.grace_ms > 0
            && rotate.now_ms.saturating_sub(self.replaced_at_ms)
                <= i64::try_from(rotate.grace_ms).unwrap_or(i64::MAX);
        if in_grace && self.previous.as_deref() == Some(rotate.presented.as_str()) {
            return RotateOutcome::Retried {
                successor: self.current.clone(),
                ends_at: self.ends_at,
            };
        }
        self.revoked = true;
        self.reused = true;
        RotateOutcome::Reused
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyKind;

    fn id(jti: &str, expires_at: i64) -> TokenId {
        TokenId {
            jti: jti.into(),
            issued_at: 1,
            expires_at,
        }
    }

    fn rotate(presented: &str, successor: TokenId, now_ms: i64, grace_ms: u64) -> Rotate {
        Rotate::new(presented.into(), successor, now_ms, grace_ms)
    }

    #[test]
    fn the_current_token_rotates_and_the_successor_never_outlives_the_family() {
        let mut family = FamilyState::new(id("a", 500), 1000);
        assert_eq!(
            family.rotate(&rotate("a", id("b", 2000), 10_000, 0)),
            RotateOutcome::Rotated {
                successor: id("b", 1000),
                ends_at: 1000
            }
        );
        assert_eq!(family.current, id("b", 1000));
        assert_eq!(family.previous.as_deref(), Some("a"));
        assert_eq!(family.replaced_at_ms, 10_000);
    }

    #[test]
    fn a_retry_within_grace_gets_the_same_successor_and_changes_nothing() {
        let mut family = FamilyState::new(id("a", 500), 1000);
        family.rotate(&rotate("a", id("b", 600), 10_000, 10_000));
        let before = family.clone();
        assert_eq!(
            family.rotate(&rotate("a", id("c", 700), 20_000, 10_000)),
            RotateOutcome::Retried {
                successor: id("b", 600),
                ends_at: 1000
            }
        );
        assert_eq!(family, before);
    }

    #[test]
    fn a_retry_after_grace_or_without_grace_is_reuse_and_revokes() {
        let mut late = FamilyState::new(id("a", 500), 1000);
        late.rotate(&rotate("a", id("b", 600), 10_000, 10_000));
        assert_eq!(
            late.rotate(&rotate("a", id("c", 700), 20_001, 10_000)),
            RotateOutcome::Reused
        );
        assert!(late.revoked && late.reused);
        assert_eq!(
            late.rotate(&rotate("b", id("d", 700), 20_002, 10_000)),
            RotateOutcome::Reused
        );
        let mut revoked = FamilyState::new(id("a", 500), 1000);
        revoked.revoked = true;
        assert_eq!(
            revoked.rotate(&rotate("a", id("b", 600), 10_000, 10_000)),
            RotateOutcome::Revoked
        );

        let mut no_grace = FamilyState::new(id("a", 500), 1000);
        no_grace.rotate(&rotate("a", id("b", 600), 10_000, 0));
        assert_eq!(
            no_grace.rotate(&rotate("a", id("c", 700), 10_000, 0)),
            RotateOutcome::Reused
        );
    }

    #[test]
    fn an_older_token_is_reuse_even_within_grace() {
        let mut family = FamilyState::new(id("a", 500), 1000);
        family.rotate(&rotate("a", id("b", 600), 10_000, 10_000));
        family.rotate(&rotate("b", id("c", 600), 11_000, 10_000));
        assert_eq!(
            family.rotate(&rotate("a", id("d", 600), 12_000, 10_000)),
            RotateOutcome::Reused
        );
    }

    #[test]
    fn a_family_past_its_end_rotates_no_more() {
        let mut family = FamilyState::new(id("a", 500), 1000);
        assert_eq!(
            family.rotate(&rotate("a", id("b", 2000), 1_000_000, 0)),
            RotateOutcome::Ended { ends_at: 1000 }
        );
        assert!(!family.revoked);
    }

    #[test]
    fn revocation_is_decided_by_denial_watermark_and_family() {
        let key = StoreKey::new(KeyKind::Denied, None, "j");
        let mut check = Check::new(Some(100));
        check.denied = Some(key);
        let facts = |denied, watermark, family| Facts {
            denied,
            watermark,
            family,
            marked: None,
        };
        assert!(!check.revokes(&facts(false, None, None)));
        assert!(check.revokes(&facts(true, None, None)));
        assert!(check.revokes(&facts(false, Some(100), None)));
        assert!(!check.revokes(&facts(false, Some(99), None)));
        assert!(check.revokes(&facts(false, None, Some(FamilyStatus::Revoked))));
        assert!(check.revokes(&facts(false, None, Some(FamilyStatus::Missing))));
        assert!(!check.revokes(&facts(false, None, Some(FamilyStatus::Live))));
        let no_iat = Check::new(None);
        assert!(no_iat.revokes(&facts(false, Some(1), None)));
    }
}
