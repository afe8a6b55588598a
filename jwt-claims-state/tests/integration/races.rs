//! Races: concurrent uses of one token never fork it.

use std::sync::Arc;
use std::time::Duration;

use jwt_claims::Error;
use jwt_claims_state::{Families, Issued, Outcome};

use crate::support::*;

/// Rotates `token` from 16 tasks at once.
pub(crate) async fn rotate_16(
    families: Vec<Arc<Families<Refresh>>>,
    token: &str,
) -> Vec<Result<Issued<Refresh>, Error>> {
    let barrier = Arc::new(tokio::sync::Barrier::new(16));
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let families = families[i % families.len()].clone();
            let token = token.to_owned();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                families.rotate(&token).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

/// With grace: exactly one rotation, 15 retries, all one successor.
pub(crate) fn assert_one_successor(results: &[Result<Issued<Refresh>, Error>]) -> String {
    let outcomes: Vec<_> = results
        .iter()
        .map(|r| r.as_ref().map(Issued::outcome).map_err(Clone::clone))
        .collect();
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Ok(Outcome::Rotated))
            .count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Ok(Outcome::Retried))
            .count(),
        15,
        "{outcomes:?}"
    );
    let successors: std::collections::BTreeSet<_> = results
        .iter()
        .map(|r| r.as_ref().unwrap().token().as_str().to_owned())
        .collect();
    assert_eq!(successors.len(), 1);
    successors.into_iter().next().unwrap()
}

on_every_store! {
    async fn sixteen_concurrent_rotations_give_exactly_one_successor(store: Arc<dyn Store>) {
        let world = World::new(store);
        let login = world.families.start("alice", World::refresh_claims).await.unwrap();
        let families = Arc::new(world.families);
        let results = rotate_16(vec![families.clone()], login.token().as_str()).await;
        let successor = assert_one_successor(&results);
        assert_eq!(families.rotate(&successor).await.map(|i| i.outcome()), Ok(Outcome::Rotated));
    }

    async fn sixteen_concurrent_rotations_without_grace_give_one_successor_and_revoke_it(store: Arc<dyn Store>) {
        let world = World::with_grace(store, Duration::ZERO);
        let login = world.families.start("alice", World::refresh_claims).await.unwrap();
        let families = Arc::new(world.families);
        let results = rotate_16(vec![families.clone()], login.token().as_str()).await;
        let rotated: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(rotated.len(), 1);
        assert_eq!(rotated[0].outcome(), Outcome::Rotated);
        let reused = results.iter().filter(|r| r.as_ref().err() == Some(&Error::RefreshReused)).count();
        assert_eq!(reused, 15);
        // Never a live successor left behind a detected reuse.
        assert_eq!(families.rotate(rotated[0].token().as_str()).await.err(), Some(Error::RefreshReused));
    }

    async fn sixteen_concurrent_uses_of_a_one_time_token_accept_exactly_one(store: Arc<dyn Store>) {
        let world = Arc::new(World::new(store));
        let link = world.reset_link(5);
        let barrier = Arc::new(tokio::sync::Barrier::new(16));
        let tasks: Vec<_> = (0..16).map(|i| {
            let (world, link, barrier) = (world.clone(), link.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                // Half decode at once, half verify and then commit.
                if i % 2 == 0 {
                    world.stateful.decode::<PasswordReset>(&link).await.map(|d| d.into_claims())
                } else {
                    let verified = world.stateful.verify::<PasswordReset>(&link).await?;
                    verified.commit().await.map(|d| d.into_claims())
                }
            })
        }).collect();
        let mut accepted = 0;
        let mut replayed = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(claims) => { assert_eq!(claims, PasswordReset { account: 5 }); accepted += 1 }
                Err(Error::Replayed) => replayed += 1,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((accepted, replayed), (1, 15));
    }
}
