//! The in-memory store: one process, nothing to start.

use core::cmp::Reverse;
use core::hash::{BuildHasher, Hasher};
use core::time::Duration;
use std::collections::hash_map::{Entry as Slot, RandomState};
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use jwt_claims::Error;

use crate::StoreKey;
use crate::store::{
    Check, Facts, FamilyState, FamilyStatus, Rotate, RotateOutcome, Store, StoreFuture,
};

/// How many entries a [`MemoryStore`] holds unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 1_000_000;

/// A [`Store`] in this process's memory: the default, for a service that
/// runs on one machine (several machines need a shared store, such as the
/// `redis` feature's).
///
/// It holds at most a fixed number of entries. An entry whose time is not
/// up is never dropped: at capacity, a new entry is refused with
/// [`Error::StoreUnavailable`] (verification fails closed) until entries
/// expire. State is lost when the process exits: every one-time token can
/// then be used once more, and refresh families are gone (their tokens are
/// refused).
///
/// ```
/// use std::time::Duration;
/// use jwt_claims::{Error, ErrorKind};
/// use jwt_claims_state::{KeyKind, MemoryStore, Store, StoreKey};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::with_capacity(1);
/// let ttl = Duration::from_secs(60);
/// let first = StoreKey::new(KeyKind::Used, Some("auth"), "a");
/// let second = StoreKey::new(KeyKind::Used, Some("auth"), "b");
/// assert_eq!(store.mark(&first, ttl).await, Ok(true));
/// let full = store.mark(&second, ttl).await.unwrap_err();
/// assert_eq!(full.kind(), ErrorKind::Unavailable);
/// assert_eq!(store.len(), 1);
/// # });
/// ```
pub struct MemoryStore {
    state: Mutex<State>,
    capacity: usize,
}

#[derive(Default)]
struct State {
    entries: HashMap<StoreKey, Entry, DigestState>,
    /// When entries expire, soonest first; an entry whose expiry moved
    /// later has a stale item here, skipped when it comes up.
    expiries: BinaryHeap<Reverse<(Instant, StoreKey)>>,
}

struct Entry {
    value: Value,
    expires: Instant,
}

/// The map's hasher. A key is a SHA-256 digest already, of which
/// [`StoreKey`]'s `Hash` writes two words: uniform, and not to be aimed
/// at a bucket without a preimage search, so SipHash's rounds (the most
/// of a mark's own instructions) buy nothing. A random seed for each
/// store keeps the buckets unpredictable all the same.
#[derive(Clone)]
struct DigestState {
    seed: u64,
}

impl Default for DigestState {
    fn default() -> DigestState {
        DigestState {
            seed: RandomState::new().hash_one(0x6a77_742d_7374_6f72_u64),
        }
    }
}

impl BuildHasher for DigestState {
    type Hasher = DigestHasher;

    fn build_hasher(&self) -> DigestHasher {
        DigestHasher(self.seed)
    }
}

/// Folds each word in with one 64×64→128-bit multiply.
struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn write_u64(&mut self, word: u64) {
        let product = u128::from(self.0 ^ word) * 0x9e37_79b9_7f4a_7c15_u128;
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not what `StoreKey` writes; here so that any input hashes.
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

enum Value {
    Mark,
    Watermark(i64),
    Family(Box<FamilyState>),
}

impl MemoryStore {
    /// A store of up to [`DEFAULT_CAPACITY`] entries (a mark or a denial
    /// is about 100 bytes, a family about 250).
    pub fn new() -> MemoryStore {
        MemoryStore::with_capacity(DEFAULT_CAPACITY)
    }

    /// A store of up to `capacity` entries.
    pub fn with_capacity(capacity: usize) -> MemoryStore {
        MemoryStore {
            state: Mutex::new(State::default()),
            capacity,
        }
    }

    /// The most entries it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many entries it holds now, expired ones not yet purged
    /// included.
    pub fn len(&self) -> usize {
        self.lock().map_or(0, |state| state.entries.len())
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, Error> {
        // A panic while holding the lock cannot leave an entry half
        // written (each is replaced whole), so the state stays usable.
        Ok(self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Runs `op` on the state at one instant: the step every method takes.
    fn with<T>(&self, op: impl FnOnce(&mut Tx<'_>) -> Result<T, Error>) -> Result<T, Error> {
        let mut state = self.lock()?;
        let mut tx = Tx {
            state: &mut state,
            now: None,
            capacity: self.capacity,
        };
        op(&mut tx)
    }
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore::new()
    }
}

impl core::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .finish()
    }
}

/// The state at one instant, under the lock.
struct Tx<'a> {
    state: &'a mut State,
    /// The instant, read from the clock when first needed: a check that
    /// finds no entry never needs it.
    now: Option<Instant>,
    capacity: usize,
}

impl Tx<'_> {
    fn now(&mut self) -> Instant {
        *self.now.get_or_insert_with(Instant::now)
    }

    /// The live entry at `key`; an expired one is removed.
    fn get(&mut self, key: &StoreKey) -> Option<&mut Entry> {
        // One lookup for a key that is not there, the usual answer.
        let expires = self.state.entries.get(key)?.expires;
        if expires <= self.now() {
            self.state.entries.remove(key);
            return None;
        }
        self.state.entries.get_mut(key)
    }

    /// Stores a new entry at `key` (which holds no live one), refusing
    /// when the store is full of live entries.
    fn insert(&mut self, key: StoreKey, value: Value, ttl: Duration) -> Result<(), Error> {
        if self.state.entries.len() >= self.capacity {
            self.purge();
        }
        if self.state.entries.len() >= self.capacity {
            return Err(Error::StoreUnavailable {
                reason: format!(
                    "the in-memory store is full ({} entries that have not expired)",
                    self.capacity
                ),
            });
        }
        let expires = self.expiry(ttl);
        self.state.entries.insert(key, Entry { value, expires });
        self.state.expiries.push(Reverse((expires, key)));
        Ok(())
    }

    /// Makes the entry at `key` live at least `ttl` from now.
    fn extend(&mut self, key: StoreKey, ttl: Duration) {
        let expires = self.expiry(ttl);
        if let Some(entry) = self.state.entries.get_mut(&key)
            && entry.expires < expires
        {
            entry.expires = expires;
            self.state.expiries.push(Reverse((expires, key)));
        }
    }

    fn expiry(&mut self, ttl: Duration) -> Instant {
        let now = self.now();
        // A time to live past what `Instant` can hold is, in practice, forever.
        now.checked_add(ttl)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
    }

    /// Removes every expired entry, soonest first.
    fn purge(&mut self) {
        let now = self.now();
        while let Some(Reverse((expires, key))) = self.state.expiries.peek().copied() {
            if expires > now {
                break;
            }
            self.state.expiries.pop();
            let current = self.state.entries.get(&key).map(|entry| entry.expires);
            if current.is_some_and(|current| current <= now) {
                self.state.entries.remove(&key);
            }
        }
        // Stale items (entries extended or removed) are dropped now and
        // then, so the heap stays near the number of entries.
        if self.state.expiries.len() > 2 * self.state.entries.len() + 1024 {
            let entries = &self.state.entries;
            self.state.expiries = entries
                .iter()
                .map(|(key, entry)| Reverse((entry.expires, *key)))
                .collect();
        }
    }

    fn mark(&mut self, key: &StoreKey, ttl: Duration) -> Result<bool, Error> {
        if self.state.entries.len() >= self.capacity {
            // Full: the general path, which purges first.
            if self.get(key).is_some() {
                return Ok(false);
            }
            self.insert(*key, Value::Mark, ttl)?;
            return Ok(true);
        }
        // The usual case, a key not there yet, in one lookup.
        let now = self.now();
        let expires = self.expiry(ttl);
        let entry = Entry {
            value: Value::Mark,
            expires,
        };
        match self.state.entries.entry(*key) {
            Slot::Occupied(slot) if slot.get().expires > now => return Ok(false),
            // Expired: replaced, its old expiry left stale in the heap.
            Slot::Occupied(mut slot) => drop(slot.insert(entry)),
            Slot::Vacant(slot) => drop(slot.insert(entry)),
        }
        self.state.expiries.push(Reverse((expires, *key)));
        Ok(true)
    }
}

/// `op` as a future: it runs when polled (a future dropped unpolled has
/// done nothing), and answers at once.
fn ready<'a, T: Send + 'a>(
    op: impl FnOnce() -> Result<T, Error> + Send + 'a,
) -> StoreFuture<'a, T> {
    Box::pin(async move { op() })
}

impl Store for MemoryStore {
    fn check<'a>(&'a self, check: &'a Check) -> StoreFuture<'a, Facts> {
        ready(move || {
            self.with(|tx| {
                let mut facts = Facts {
                    denied: check.denied.is_some_and(|key| tx.get(&key).is_some()),
                    watermark: check.watermark.and_then(|key| {
                        match tx.get(&key).map(|entry| &entry.value) {
                            Some(Value::Watermark(at)) => Some(*at),
                            _ => None,
                        }
                    }),
                    family: check
                        .family
                        .map(|key| match tx.get(&key).map(|e| &e.value) {
                            Some(Value::Family(family)) if family.revoked => FamilyStatus::Revoked,
                            Some(Value::Family(_)) => FamilyStatus::Live,
                            _ => FamilyStatus::Missing,
                        }),
                    marked: None,
                };
                if let Some((key, ttl)) = &check.mark
                    && !check.revokes(&facts)
                {
                    facts.marked = Some(tx.mark(key, *ttl)?);
                }
                Ok(facts)
            })
        })
    }

    fn mark<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, bool> {
        ready(move || self.with(|tx| tx.mark(key, ttl)))
    }

    fn deny<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, ()> {
        ready(move || {
            self.with(|tx| match tx.get(key) {
                Some(_) => {
                    tx.extend(*key, ttl);
                    Ok(())
                }
                None => tx.insert(*key, Value::Mark, ttl),
            })
        })
    }

    fn raise_watermark<'a>(
        &'a self,
        key: &'a StoreKey,
        at: i64,
        ttl: Duration,
    ) -> StoreFuture<'a, i64> {
        ready(move || {
            self.with(|tx| {
                let Some(entry) = tx.get(key) else {
                    tx.insert(*key, Value::Watermark(at), ttl)?;
                    return Ok(at);
                };
                let raised = match &mut entry.value {
                    Value::Watermark(current) => {
                        *current = (*current).max(at);
                        *current
                    }
                    other => {
                        *other = Value::Watermark(at);
                        at
                    }
                };
                tx.extend(*key, ttl);
                Ok(raised)
            })
        })
    }

    fn create_family<'a>(
        &'a self,
        key: &'a StoreKey,
        family: &'a FamilyState,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        ready(move || {
            self.with(|tx| {
                if tx.get(key).is_some() {
                    return Ok(false);
                }
                tx.insert(*key, Value::Family(Box::new(family.clone())), ttl)?;
                Ok(true)
            })
        })
    }

    fn rotate_family<'a>(
        &'a self,
        key: &'a StoreKey,
        rotate: &'a Rotate,
    ) -> StoreFuture<'a, RotateOutcome> {
        ready(move || {
            self.with(|tx| {
                Ok(match tx.get(key).map(|entry| &mut entry.value) {
                    Some(Value::Family(family)) => family.rotate(rotate),
                    _ => RotateOutcome::Missing,
                })
            })
        })
    }

    fn revoke_family<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, bool> {
        ready(move || {
            self.with(|tx| {
                Ok(match tx.get(key).map(|entry| &mut entry.value) {
                    Some(Value::Family(family)) => {
                        family.revoked = true;
                        true
                    }
                    _ => false,
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyKind;

    fn key(id: &str) -> StoreKey {
        StoreKey::new(KeyKind::Used, Some("i"), id)
    }

    /// A transaction at `now` on `state`, as the store runs one.
    fn at<T>(
        state: &mut State,
        now: Instant,
        capacity: usize,
        op: impl FnOnce(&mut Tx<'_>) -> T,
    ) -> T {
        op(&mut Tx {
            state,
            now: Some(now),
            capacity,
        })
    }

    #[test]
    fn a_mark_expires_after_its_time_to_live_and_not_before() {
        let mut state = State::default();
        let t0 = Instant::now();
        let ttl = Duration::from_secs(10);
        assert_eq!(
            at(&mut state, t0, 10, |tx| tx.mark(&key("a"), ttl)),
            Ok(true)
        );
        let just_before = t0 + Duration::from_millis(9_999);
        assert_eq!(
            at(&mut state, just_before, 10, |tx| tx.mark(&key("a"), ttl)),
            Ok(false)
        );
        let after = t0 + ttl;
        assert_eq!(
            at(&mut state, after, 10, |tx| tx.mark(&key("a"), ttl)),
            Ok(true)
        );
    }

    #[test]
    fn a_mark_replacing_an_expired_one_lives_its_own_time_to_live() {
        let mut state = State::default();
        let t0 = Instant::now();
        let ttl = Duration::from_secs(10);
        at(&mut state, t0, 10, |tx| tx.mark(&key("a"), ttl)).unwrap();
        let again = t0 + ttl;
        assert_eq!(
            at(&mut state, again, 10, |tx| tx.mark(&key("a"), ttl)),
            Ok(true)
        );
        // The first mark's expiry, still in the heap, purges nothing.
        at(&mut state, again + Duration::from_secs(5), 10, |tx| {
            tx.purge();
            assert_eq!(tx.mark(&key("a"), ttl), Ok(false));
        });
        assert_eq!(state.entries.len(), 1);
    }

    #[test]
    fn at_capacity_a_new_mark_is_refused_and_no_live_entry_is_evicted() {
        let mut state = State::default();
        let t0 = Instant::now();
        let ttl = Duration::from_secs(10);
        at(&mut state, t0, 2, |tx| {
            assert_eq!(tx.mark(&key("a"), ttl), Ok(true));
            assert_eq!(tx.mark(&key("b"), ttl), Ok(true));
            let refused = tx.mark(&key("c"), ttl).unwrap_err();
            assert_eq!(
                refused,
                Error::StoreUnavailable {
                    reason: "the in-memory store is full (2 entries that have not expired)".into()
                }
            );
            assert_eq!(tx.mark(&key("a"), ttl), Ok(false));
            assert_eq!(tx.mark(&key("b"), ttl), Ok(false));
        });
    }

    #[test]
    fn at_capacity_expired_entries_make_room() {
        let mut state = State::default();
        let t0 = Instant::now();
        at(&mut state, t0, 2, |tx| {
            tx.mark(&key("short"), Duration::from_secs(1)).unwrap();
            tx.mark(&key("long"), Duration::from_secs(100)).unwrap();
        });
        let later = t0 + Duration::from_secs(2);
        at(&mut state, later, 2, |tx| {
            assert_eq!(tx.mark(&key("c"), Duration::from_secs(10)), Ok(true));
            assert_eq!(tx.mark(&key("long"), Duration::from_secs(10)), Ok(false));
        });
        assert_eq!(state.entries.len(), 2);
    }

    #[test]
    fn an_extended_entry_is_not_purged_at_its_first_expiry() {
        let mut state = State::default();
        let t0 = Instant::now();
        at(&mut state, t0, 1, |tx| {
            tx.insert(key("d"), Value::Mark, Duration::from_secs(1))
                .unwrap();
            tx.extend(key("d"), Duration::from_secs(100));
        });
        at(&mut state, t0 + Duration::from_secs(2), 1, |tx| {
            tx.purge();
            assert!(tx.get(&key("d")).is_some());
        });
    }
}
