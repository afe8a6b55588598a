//! Refresh families: rotation, the grace window, reuse detection, the
//! family's absolute end, and access tokens revoked with their family.

use std::time::Duration;

use jwt_claims::{ConfigError, Error, ErrorKind};
use jwt_claims_state::{Families, Outcome};

use crate::support::*;

on_every_store! {
    async fn rotation_replaces_the_current_token_with_a_successor_of_the_same_claims(store: Arc<dyn Store>) {
        let world = World::new(store);
        let login = world.families.start("alice", World::refresh_claims).await.unwrap();
        assert_eq!(login.outcome(), Outcome::Started);
        assert_eq!(login.family_ends_at().timestamp(), START + 3 * 3600);
        let first = login.token().registered();
        assert_eq!((first.issuer(), first.subject()), (Some(ISSUER), Some("alice")));
        assert_eq!(first.expires_at().timestamp(), START + 3600);

        world.clock.advance(Duration::from_secs(60));
        let next = world.families.rotate(login.token().as_str()).await.unwrap();
        assert_eq!(next.outcome(), Outcome::Rotated);
        assert_eq!(next.family(), login.family());
        assert_eq!(next.family_ends_at().timestamp(), START + 3 * 3600);
        let successor = next.token().registered();
        assert_ne!(successor.jwt_id(), first.jwt_id());
        assert_eq!(successor.subject(), Some("alice"));
        assert_eq!(successor.issued_at().map(|at| at.timestamp()), Some(START + 60));
        assert_eq!(successor.expires_at().timestamp(), START + 60 + 3600);
        let decoded = world.stateful.verifier().decode::<Refresh>(next.token().as_str()).unwrap();
        assert_eq!(decoded.claims(), &World::refresh_claims(login.family().clone()));
    }

    async fn a_retry_within_grace_returns_the_same_successor(store: Arc<dyn Store>) {
        let world = World::new(store);
        let login = world.families.start("alice", World::refresh_claims).await.unwrap();
        let next = world.families.rotate(login.token().as_str()).await.unwrap();
        world.clock.advance(Duration::from_secs(10));
        let retry = world.families.rotate(login.token().as_str()).await.unwrap();
        assert_eq!(retry.outcome(), Outcome::Retried);
        assert_eq!(retry.token().registered(), next.token().registered());
        // HS256 is deterministic: the very same token.
        assert_eq!(retry.token().as_str(), next.token().as_str());
        // And the successor still rotates.
        let third = world.families.rotate(next.token().as_str()).await.unwrap();
        assert_eq!(third.outcome(), Outcome::Rotated);
    }

    async fn reuse_after_grace_revokes_the_family_and_the_newest_token_fails_too(store: Arc<dyn Store>) {
        let world = World::new(store);
        let login = world.families.start("alice", World::refresh_claims).await.unwrap();
        let access = world.signer.issue(&Access { sid: login.family().clone() }).subject("alice").encode().unwrap();
        let next = world.families.rotate(login.token().as_str()).await.unwrap();
        world.clock.advance(Duration::from_millis(10_001));
        let err = world.families.rotate(login.token().as_str()).await.unwrap_err();
        assert_eq!(err, Error::RefreshReused);
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert_eq!(world.families.rotate(next.token().as_str()).await.err(), Some(Error::RefreshReused));
        assert_eq!(world.families.rotate(login.token().as_str()).await.err(), Some(Error::RefreshReused));
        assert_eq!(world.stateful.decode::<Access>(access.as_str()).await.err(), Some(Error::Revoked));
    }

    async fn without_grace_any_second_use_is_reuse(store: Arc<dyn Store>) {
        let world = World::with_grace(store, Duration::ZERO);
        let login = world.families.start("alice", World::refresh_claims).await.unwrap();
        let next = world.families.rotate(login.token().as_str()).await.unwrap();
        assert_eq!(world.families.rotate(login.token().as_str()).await.err(), Some(Error::RefreshReused));
        assert_eq!(world.families.rotate(next.token().as_str()).await.err(), Some(Error::RefreshReused));
    }

    async fn an_older_token_is_reuse_even_within_grace(store: Arc<dyn Store>) {
        let world = World::new(store);
        let login = world.families.start("alice", World::refresh_claims).await.unwrap();
        let second = world.families.rotate(login.token().as_str()).await.unwrap();
        let third = world.families.rotate(second.token().as_str()).await.unwrap();
        assert_eq!(world.families.rotate(login.token().as_str()).await.err(), Some(Error::RefreshReused));
        assert_eq!(world.families.rotate(third.token().as_str()).await.err(), Some(Error::RefreshReused));
    }

    async fn revoking_a_family_rejects_its_refresh_and_access_tokens_only(store: Arc<dyn Store>) {
        let world = World::new(store);
        let alice = world.families.start("alice", World::refresh_claims).await.unwrap();
        let bob = world.families.start("bob", World::refresh_claims).await.unwrap();
        let access = |family: &jwt_claims_state::FamilyId, subject: &str| {
            world.signer.issue(&Access { sid: family.clone() }).subject(subject).encode().unwrap()
        };
        let alice_access = access(alice.family(), "alice");
        let bob_access = access(bob.family(), "bob");
        assert_eq!(world.families.revoke(alice.family()).await, Ok(true));
        assert_eq!(world.families.rotate(alice.token().as_str()).await.err(), Some(Error::Revoked));
        assert_eq!(world.stateful.decode::<Access>(alice_access.as_str()).await.err(), Some(Error::Revoked));
        assert_eq!(world.stateful.decode::<Access>(bob_access.as_str()).await.map(|d| d.into_claims()), Ok(Access { sid: bob.family().clone() }));
        assert_eq!(world.families.rotate(bob.token().as_str()).await.map(|i| i.outcome()), Ok(Outcome::Rotated));
    }

    async fn an_access_token_of_an_unknown_family_is_refused(store: Arc<dyn Store>) {
        // A family the store does not know (lost, or never started here).
        let world = World::new(store);
        let elsewhere = World::new(crate::support::memory());
        let login = elsewhere.families.start("alice", World::refresh_claims).await.unwrap();
        let access = world.signer.issue(&Access { sid: login.family().clone() }).subject("alice").encode().unwrap();
        assert_eq!(world.stateful.decode::<Access>(access.as_str()).await.err(), Some(Error::Revoked));
        assert_eq!(world.families.rotate(login.token().as_str()).await.err(), Some(Error::Revoked));
    }

    async fn an_expired_refresh_token_is_expired(store: Arc<dyn Store>) {
        let world = World::new(store);
        let login = world.families.start("alice", World::refresh_claims).await.unwrap();
        world.clock.advance(Duration::from_secs(3600));
        let err = world.families.rotate(login.token().as_str()).await.unwrap_err();
        assert_eq!(err, Error::Expired { expired_at: START + 3600, now: START + 3600 });
        assert_eq!(err.kind(), ErrorKind::Expired);
    }

    async fn rotation_never_extends_a_family_past_its_end(store: Arc<dyn Store>) {
        let world = World::new(store);
        let mut current = world.families.start("alice", World::refresh_claims).await.unwrap();
        let end = START + 3 * 3600;
        let mut expiries = Vec::new();
        for _ in 0..3 {
            world.clock.advance(Duration::from_secs(50 * 60));
            current = world.families.rotate(current.token().as_str()).await.unwrap();
            expiries.push(current.token().registered().expires_at().timestamp() - START);
        }
        // 50 min steps, 1 h tokens, a 3 h family: the last is cut to its end.
        assert_eq!(expiries, [110 * 60, 160 * 60, 3 * 3600]);
        assert!(expiries.iter().all(|exp| START + exp <= end));
        world.clock.advance(Duration::from_secs((end - world.clock.now_secs()) as u64));
        assert_eq!(
            world.families.rotate(current.token().as_str()).await.err(),
            Some(Error::Expired { expired_at: end, now: end })
        );
    }
}

#[test]
fn the_grace_window_is_configurable_from_zero_to_five_minutes_and_refused_beyond() {
    let world = World::new(crate::support::memory());
    let build = |grace| {
        Families::<Refresh>::builder(world.stateful.clone(), key())
            .issuer(ISSUER)
            .grace(grace)
            .build()
            .map(|families| families.grace())
    };
    assert_eq!(build(Duration::ZERO), Ok(Duration::ZERO));
    assert_eq!(
        build(Duration::from_secs(300)),
        Ok(Duration::from_secs(300))
    );
    assert_eq!(
        build(Duration::from_secs(301)),
        Err(Error::Configuration(ConfigError::GraceWindowTooLong))
    );
    assert_eq!(world.families.grace(), Duration::from_secs(10));
    let default = Families::<Refresh>::builder(world.stateful.clone(), key())
        .build()
        .unwrap();
    assert_eq!(default.grace(), jwt_claims_state::DEFAULT_GRACE);
}
