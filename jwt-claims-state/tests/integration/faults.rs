//! Faults on a real server: redis-server killed mid-run, and rotations
//! from two connection managers at once.

use std::sync::Arc;
use std::time::Duration;

use jwt_claims::{Error, ErrorKind};
use jwt_claims_state::{Outcome, Store};

use crate::races::{assert_one_successor, rotate_16};
use crate::redis_server::{Server, connect};
use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_makes_verification_unavailable_and_it_recovers_after_a_restart() {
    let Some(mut server) = Server::start(true, &[]) else {
        return;
    };
    let store: Arc<dyn Store> = Arc::new(connect(&server.url(), "faults:").await);
    let world = World::new(store);
    let login = world
        .families
        .start("alice", World::refresh_claims)
        .await
        .unwrap();
    let link = world.reset_link(9);

    server.kill();
    let err = world
        .stateful
        .decode::<PasswordReset>(&link)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err:?}");
    let err = world
        .families
        .rotate(login.token().as_str())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err:?}");

    server.restart();
    // The connection manager reconnects by itself: the first calls after a
    // restart may still fail while it does.
    let mut decoded = None;
    for _ in 0..50 {
        match world.stateful.decode::<PasswordReset>(&link).await {
            Ok(ok) => {
                decoded = Some(ok.into_claims());
                break;
            }
            Err(err) => assert_eq!(err.kind(), ErrorKind::Unavailable, "{err:?}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(decoded, Some(PasswordReset { account: 9 }));
    assert_eq!(
        world.stateful.decode::<PasswordReset>(&link).await.err(),
        Some(Error::Replayed)
    );
    // The family survived (append-only file): the first token rotates once.
    let next = world.families.rotate(login.token().as_str()).await.unwrap();
    assert_eq!(next.outcome(), Outcome::Rotated);
    assert_eq!(
        world
            .families
            .rotate(next.token().as_str())
            .await
            .map(|i| i.outcome()),
        Ok(Outcome::Rotated)
    );
}

/// A client rotating its token over and over while the server is killed
/// and restarted under it: each answer is a successor or unavailable
/// (after which the client retries the same token); no successor is lost
/// (the chain always continues) and none is duplicated (the store's
/// current token is the client's).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotations_through_a_server_restart_lose_and_duplicate_no_successor() {
    let Some(mut server) = Server::start(true, &[]) else {
        return;
    };
    let store: Arc<dyn Store> = Arc::new(connect(&server.url(), "chain:").await);
    let world = Arc::new(World::new(store));
    let login = world
        .families
        .start("alice", World::refresh_claims)
        .await
        .unwrap();

    let restarted = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let client = {
        let (world, restarted) = (world.clone(), restarted.clone());
        tokio::spawn(async move {
            let mut token = login.into_token().into_string();
            let (mut rotated, mut retried, mut unavailable) = (0, 0, 0);
            // Until 20 rotations after the restart, or 15 s at most.
            let mut after_restart = 0;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
            while tokio::time::Instant::now() < deadline && after_restart < 20 {
                match world.families.rotate(&token).await {
                    Ok(issued) => {
                        match issued.outcome() {
                            Outcome::Rotated => rotated += 1,
                            _ => retried += 1,
                        }
                        if restarted.load(std::sync::atomic::Ordering::SeqCst) {
                            after_restart += 1;
                        }
                        token = issued.into_token().into_string();
                    }
                    Err(err) => {
                        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err:?}");
                        unavailable += 1;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
            (token, rotated, retried, unavailable)
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill();
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.restart();
    restarted.store(true, std::sync::atomic::Ordering::SeqCst);
    let (token, rotated, retried, unavailable) = client.await.unwrap();
    assert!(
        rotated > 0 && unavailable > 0,
        "rotated {rotated}, retried {retried}, unavailable {unavailable}"
    );
    // The client holds the family's one current token: it rotates...
    let next = world.families.rotate(&token).await.unwrap();
    assert_eq!(next.outcome(), Outcome::Rotated);
    // ... and what it held before is now the replaced one (a retry).
    let again = world.families.rotate(&token).await.unwrap();
    assert_eq!(again.outcome(), Outcome::Retried);
    assert_eq!(again.token().registered(), next.token().registered());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotations_from_two_connection_managers_give_exactly_one_successor() {
    let Some(server) = Server::start(false, &[]) else {
        return;
    };
    let first = World::new(Arc::new(connect(&server.url(), "two:").await));
    let second = World::new(Arc::new(connect(&server.url(), "two:").await));
    let mut families = vec![Arc::new(first.families), Arc::new(second.families)];
    for _ in 0..5 {
        let login = families[0]
            .start("alice", World::refresh_claims)
            .await
            .unwrap();
        let results = rotate_16(families.clone(), login.token().as_str()).await;
        let successor = assert_one_successor(&results);
        assert_eq!(
            families[1].rotate(&successor).await.map(|i| i.outcome()),
            Ok(Outcome::Rotated)
        );
        families.reverse();
    }
}
