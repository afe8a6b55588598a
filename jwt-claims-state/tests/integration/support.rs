//! Fixtures: purposes, keys, a clock the tests move, and the stores the
//! behavioural suite runs on (memory, and a real redis-server).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use jwt_claims::{Algorithm, Claims, Clock, HmacKey, Signer, Verifier};
use jwt_claims_state::{
    Families, FamilyId, MemoryStore, RefreshClaims, Revocable, StatefulVerifier, Store,
};
use serde::{Deserialize, Serialize};

pub(crate) const ISSUER: &str = "https://auth.example.com";
/// 2026-01-01T00:00:00Z: where every test's clock starts.
pub(crate) const START: i64 = 1_767_225_600;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "reset", aud = "accounts", ttl = "15m", one_time)]
pub(crate) struct PasswordReset {
    pub(crate) account: u64,
}

impl Revocable for PasswordReset {
    fn family(&self) -> Option<&FamilyId> {
        None
    }
}

/// The same purpose without `one_time`: a token of it has no `jti`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "reset", aud = "accounts", ttl = "15m")]
pub(crate) struct ResetWithoutJti {
    pub(crate) account: u64,
}

/// A one-time purpose with a nested grant, to show nested tokens are
/// checked before the mark.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "confirm", aud = "accounts", ttl = "15m", one_time)]
pub(crate) struct Confirm {
    #[jwt(nested)]
    pub(crate) grant: jwt_claims::Nested<Grant>,
}

impl Revocable for Confirm {
    fn family(&self) -> Option<&FamilyId> {
        None
    }
}

#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(typ = "grant", aud = "accounts", ttl = "1m")]
pub(crate) struct Grant {
    pub(crate) by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "refresh", aud = "auth", ttl = "1h", require = ["sub", "jti"])]
pub(crate) struct Refresh {
    pub(crate) sid: FamilyId,
    pub(crate) scope: String,
}

impl RefreshClaims for Refresh {
    fn family_id(&self) -> &FamilyId {
        &self.sid
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "api", ttl = "15m", require = ["sub", "jti"])]
pub(crate) struct Access {
    pub(crate) sid: FamilyId,
}

impl Revocable for Access {
    fn family(&self) -> Option<&FamilyId> {
        Some(&self.sid)
    }
}

/// An access token of no family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Claims)]
#[jwt(typ = "service", aud = "api", ttl = "15m", require = ["sub", "jti"])]
pub(crate) struct ServiceAccess {
    pub(crate) tier: String,
}

impl Revocable for ServiceAccess {
    fn family(&self) -> Option<&FamilyId> {
        None
    }
}

/// A clock the test moves, shared by signer, verifier and families.
#[derive(Clone)]
pub(crate) struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub(crate) fn new() -> TestClock {
        TestClock(Arc::new(AtomicI64::new(START * 1000)))
    }

    pub(crate) fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_millis() as i64, Ordering::SeqCst);
    }

    pub(crate) fn now_secs(&self) -> i64 {
        self.0.load(Ordering::SeqCst).div_euclid(1000)
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.0.load(Ordering::SeqCst)).unwrap()
    }
}

pub(crate) fn key() -> HmacKey {
    HmacKey::new(Algorithm::HS256, &[42; 32]).unwrap()
}

/// Everything a test needs around one store.
pub(crate) struct World {
    pub(crate) clock: TestClock,
    pub(crate) signer: Signer,
    pub(crate) stateful: StatefulVerifier,
    pub(crate) families: Families<Refresh>,
}

impl World {
    pub(crate) fn new(store: Arc<dyn Store>) -> World {
        World::with_grace(store, Duration::from_secs(10))
    }

    pub(crate) fn with_grace(store: Arc<dyn Store>, grace: Duration) -> World {
        let clock = TestClock::new();
        let signer = Signer::builder()
            .issuer(ISSUER)
            .shared_key(key())
            .clock(clock.clone())
            .build()
            .unwrap();
        let verifier = Verifier::builder()
            .issuer(ISSUER)
            .shared_key(key())
            .clock(clock.clone())
            .build()
            .unwrap();
        let stateful = StatefulVerifier::builder(verifier, store)
            .clock(clock.clone())
            .store_timeout(Duration::from_millis(800))
            .build();
        let families = Families::<Refresh>::builder(stateful.clone(), key())
            .issuer(ISSUER)
            .family_lifetime(Duration::from_secs(3 * 3600))
            .grace(grace)
            .build()
            .unwrap();
        World {
            clock,
            signer,
            stateful,
            families,
        }
    }

    pub(crate) fn reset_link(&self, account: u64) -> String {
        self.signer
            .encode(&PasswordReset { account })
            .unwrap()
            .into_string()
    }

    pub(crate) fn refresh_claims(sid: FamilyId) -> Refresh {
        Refresh {
            sid,
            scope: "read".into(),
        }
    }
}

pub(crate) fn memory() -> Arc<dyn Store> {
    Arc::new(MemoryStore::new())
}

/// One test body, run on each store: `name::memory` and, with the redis
/// feature, `name::redis` against a real server.
macro_rules! on_every_store {
    ($(async fn $name:ident($store:ident: Arc<dyn Store>) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($store: std::sync::Arc<dyn jwt_claims_state::Store>) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn memory() {
                body($crate::support::memory()).await;
            }

            #[cfg(feature = "redis")]
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn redis() {
                let Some(server) = $crate::redis_server::Redis::for_suite() else {
                    return;
                };
                body(server.store().await).await;
                drop(server);
            }
        }
    )*};
}
pub(crate) use on_every_store;
