//! What the Redis store says about the server, and how its keys look.

use std::sync::Arc;

use jwt_claims_state::{KeyKind, Store, StoreKey};

use crate::redis_server::{Server, connect};
use crate::support::*;

#[tokio::test]
async fn the_store_reads_the_eviction_policy_and_sees_when_it_is_not_noeviction() {
    let Some(safe) = Server::start(false, &[]) else {
        return;
    };
    assert_eq!(
        connect(&safe.url(), "p:").await.eviction_policy(),
        Some("noeviction")
    );
    let Some(evicting) = Server::start(false, &["--maxmemory-policy", "allkeys-lru"]) else {
        return;
    };
    assert_eq!(
        connect(&evicting.url(), "p:").await.eviction_policy(),
        Some("allkeys-lru")
    );
}

#[tokio::test]
async fn every_key_has_the_prefix_and_a_hash_tag_and_marks_expire_relatively() {
    let Some(server) = Server::start(false, &[]) else {
        return;
    };
    let store = connect(&server.url(), "app:").await;
    let key = StoreKey::new(KeyKind::Used, Some(ISSUER), "j");
    assert_eq!(store.redis_key(&key), format!("app:{{{}}}:used", key.hex()));
    let store: Arc<dyn Store> = Arc::new(store);
    let world = World::new(store);
    let link = world.reset_link(1);
    world.stateful.decode::<PasswordReset>(&link).await.unwrap();
    world
        .families
        .start("alice", World::refresh_claims)
        .await
        .unwrap();

    let client = redis::Client::open(server.url().as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let mut keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut connection)
        .await
        .unwrap();
    keys.sort();
    assert_eq!(keys.len(), 2, "{keys:?}");
    for key in &keys {
        assert!(
            key.starts_with("app:{") && key[5..].find("}:").map(|at| at + 5) == Some(5 + 64),
            "{key}"
        );
    }
    let used = keys.iter().find(|key| key.ends_with(":used")).unwrap();
    // exp (15 min) - now + leeway (5 min), relative: the server's clock plays no part.
    let ttl: i64 = redis::cmd("PTTL")
        .arg(used)
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!((1_199_000..=1_200_000).contains(&ttl), "{ttl}");
}
