//! Failing closed: a store that errors, hangs or is full makes
//! verification fail as unavailable, never accept, and it recovers by
//! itself when the store answers again.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jwt_claims::{Error, ErrorKind};
use jwt_claims_state::{
    Check, Facts, FamilyState, MemoryStore, Rotate, RotateOutcome, Store, StoreFuture, StoreKey,
};

use crate::support::*;

const ANSWER: u8 = 0;
const FAIL: u8 = 1;
const HANG: u8 = 2;

/// A memory store that records the marks asked for, and can be told to
/// fail or to hang.
pub(crate) struct Recording {
    inner: MemoryStore,
    mode: AtomicU8,
    marks: Mutex<Vec<Duration>>,
}

impl Recording {
    pub(crate) fn new() -> Recording {
        Recording {
            inner: MemoryStore::new(),
            mode: AtomicU8::new(ANSWER),
            marks: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn mark_ttls(&self) -> Vec<Duration> {
        self.marks.lock().unwrap().clone()
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }

    /// `call`, made only when the store answers.
    fn gate<'a, T: Send + 'a>(
        &'a self,
        call: impl FnOnce() -> StoreFuture<'a, T>,
    ) -> StoreFuture<'a, T> {
        match self.mode.load(Ordering::SeqCst) {
            FAIL => Box::pin(async {
                Err(Error::StoreUnavailable {
                    reason: "connection refused".into(),
                })
            }),
            HANG => Box::pin(std::future::pending()),
            _ => call(),
        }
    }
}

impl Store for Recording {
    fn check<'a>(&'a self, check: &'a Check) -> StoreFuture<'a, Facts> {
        if let Some((_, ttl)) = &check.mark {
            self.marks.lock().unwrap().push(*ttl);
        }
        self.gate(|| self.inner.check(check))
    }
    fn mark<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, bool> {
        self.marks.lock().unwrap().push(ttl);
        self.gate(|| self.inner.mark(key, ttl))
    }
    fn deny<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, ()> {
        self.gate(|| self.inner.deny(key, ttl))
    }
    fn raise_watermark<'a>(
        &'a self,
        key: &'a StoreKey,
        at: i64,
        ttl: Duration,
    ) -> StoreFuture<'a, i64> {
        self.gate(|| self.inner.raise_watermark(key, at, ttl))
    }
    fn create_family<'a>(
        &'a self,
        key: &'a StoreKey,
        family: &'a FamilyState,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        self.gate(|| self.inner.create_family(key, family, ttl))
    }
    fn rotate_family<'a>(
        &'a self,
        key: &'a StoreKey,
        rotate: &'a Rotate,
    ) -> StoreFuture<'a, RotateOutcome> {
        self.gate(|| self.inner.rotate_family(key, rotate))
    }
    fn revoke_family<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, bool> {
        self.gate(|| self.inner.revoke_family(key))
    }
}

fn connection_refused() -> Error {
    Error::StoreUnavailable {
        reason: "connection refused".into(),
    }
}

#[tokio::test]
async fn a_failing_store_makes_every_stateful_check_unavailable_until_it_answers_again() {
    let store = Arc::new(Recording::new());
    let world = World::new(store.clone());
    let login = world
        .families
        .start("alice", World::refresh_claims)
        .await
        .unwrap();
    let access = world
        .signer
        .issue(&Access {
            sid: login.family().clone(),
        })
        .subject("alice")
        .encode()
        .unwrap();
    let link = world.reset_link(1);

    store.set(FAIL);
    let err = world
        .stateful
        .decode::<PasswordReset>(&link)
        .await
        .unwrap_err();
    assert_eq!(err, connection_refused());
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(
        world.stateful.decode::<Access>(access.as_str()).await.err(),
        Some(connection_refused())
    );
    assert_eq!(
        world.families.rotate(login.token().as_str()).await.err(),
        Some(connection_refused())
    );
    assert_eq!(
        world
            .stateful
            .log_out_everywhere(Some(ISSUER), "alice")
            .await
            .err(),
        Some(connection_refused())
    );

    store.set(ANSWER);
    assert_eq!(
        world
            .stateful
            .decode::<PasswordReset>(&link)
            .await
            .map(|d| d.into_claims()),
        Ok(PasswordReset { account: 1 })
    );
    assert_eq!(
        world
            .stateful
            .decode::<Access>(access.as_str())
            .await
            .map(|d| d.into_claims()),
        Ok(Access {
            sid: login.family().clone()
        })
    );
    let next = world.families.rotate(login.token().as_str()).await.unwrap();
    assert_eq!(next.outcome(), jwt_claims_state::Outcome::Rotated);
}

#[tokio::test]
async fn a_store_that_does_not_answer_times_out_as_unavailable() {
    let store = Arc::new(Recording::new());
    let world = World::new(store.clone());
    let link = world.reset_link(1);
    store.set(HANG);
    let started = std::time::Instant::now();
    let err = world
        .stateful
        .decode::<PasswordReset>(&link)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::StoreUnavailable {
            reason: "no answer within 800 ms".into()
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    store.set(ANSWER);
    assert_eq!(
        world
            .stateful
            .decode::<PasswordReset>(&link)
            .await
            .map(|d| d.into_claims()),
        Ok(PasswordReset { account: 1 })
    );
}

#[tokio::test]
async fn a_full_memory_store_refuses_new_marks_and_keeps_the_old_ones() {
    let world = World::new(Arc::new(MemoryStore::with_capacity(2)));
    let links: Vec<String> = (0..3).map(|account| world.reset_link(account)).collect();
    for link in &links[..2] {
        world.stateful.decode::<PasswordReset>(link).await.unwrap();
    }
    let err = world
        .stateful
        .decode::<PasswordReset>(&links[2])
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::StoreUnavailable {
            reason: "the in-memory store is full (2 entries that have not expired)".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    // Nothing was evicted: the used links stay used.
    for link in &links[..2] {
        assert_eq!(
            world.stateful.decode::<PasswordReset>(link).await.err(),
            Some(Error::Replayed)
        );
    }
}
