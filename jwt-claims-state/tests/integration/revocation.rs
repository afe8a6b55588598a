//! Revocation: one token by (iss, jti) until its expiry, and every token
//! of a subject issued before a "log out everywhere".

use std::time::Duration;

use jwt_claims::{Error, ErrorKind};
use jwt_claims_state::{KeyKind, StoreKey};

use crate::support::*;

fn service(world: &World, subject: &str) -> jwt_claims::Token<ServiceAccess> {
    world
        .signer
        .issue(&ServiceAccess {
            tier: "gold".into(),
        })
        .subject(subject)
        .encode()
        .unwrap()
}

on_every_store! {
    async fn a_revoked_token_is_refused_until_it_expires_and_others_are_not(store: Arc<dyn Store>) {
        let world = World::new(store);
        let revoked = service(&world, "alice");
        let other = service(&world, "alice");
        world.stateful.revoke(revoked.registered()).await.unwrap();
        let err = world.stateful.decode::<ServiceAccess>(revoked.as_str()).await.unwrap_err();
        assert_eq!(err, Error::Revoked);
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert_eq!(err.kind().description(), "the token is invalid");
        assert_eq!(world.stateful.decode::<ServiceAccess>(other.as_str()).await.map(|d| d.into_claims()), Ok(ServiceAccess { tier: "gold".into() }));
        world.clock.advance(Duration::from_secs(15 * 60));
        assert_eq!(
            world.stateful.decode::<ServiceAccess>(revoked.as_str()).await.err(),
            Some(Error::Expired { expired_at: START + 900, now: START + 900 })
        );
    }

    async fn log_out_everywhere_refuses_the_subjects_earlier_tokens_only(store: Arc<dyn Store>) {
        let world = World::new(store);
        let before = service(&world, "alice");
        let bob = service(&world, "bob");
        let login = world.families.start("alice", World::refresh_claims).await.unwrap();
        world.clock.advance(Duration::from_millis(1500));
        let watermark = world.stateful.log_out_everywhere(Some(ISSUER), "alice").await.unwrap();
        assert_eq!(watermark, START + 1);
        assert_eq!(world.stateful.decode::<ServiceAccess>(before.as_str()).await.err(), Some(Error::Revoked));
        assert_eq!(world.families.rotate(login.token().as_str()).await.err(), Some(Error::Revoked));
        assert_eq!(world.stateful.decode::<ServiceAccess>(bob.as_str()).await.map(|d| d.registered().subject().map(str::to_owned)), Ok(Some("bob".to_owned())));
        // Tokens of the same second are refused too; the next second's are not.
        assert_eq!(world.stateful.decode::<ServiceAccess>(service(&world, "alice").as_str()).await.err(), Some(Error::Revoked));
        world.clock.advance(Duration::from_secs(1));
        let after = service(&world, "alice");
        assert_eq!(world.stateful.decode::<ServiceAccess>(after.as_str()).await.map(|d| d.into_claims()), Ok(ServiceAccess { tier: "gold".into() }));
        let again = world.families.start("alice", World::refresh_claims).await.unwrap();
        assert_eq!(world.families.rotate(again.token().as_str()).await.map(|i| i.outcome()), Ok(jwt_claims_state::Outcome::Rotated));
    }

    async fn a_watermark_never_decreases(store: Arc<dyn Store>) {
        let key = StoreKey::new(KeyKind::Watermark, Some(ISSUER), "alice");
        let ttl = Duration::from_secs(60);
        assert_eq!(store.raise_watermark(&key, 200, ttl).await, Ok(200));
        assert_eq!(store.raise_watermark(&key, 100, ttl).await, Ok(200));
        assert_eq!(store.raise_watermark(&key, 300, ttl).await, Ok(300));
    }

    async fn revoking_an_expired_token_is_a_no_op_and_one_without_jti_is_refused(store: Arc<dyn Store>) {
        let world = World::new(store);
        let token = service(&world, "alice");
        world.clock.advance(Duration::from_secs(3600));
        assert_eq!(world.stateful.revoke(token.registered()).await, Ok(()));
        let no_jti = world.signer.encode(&ResetWithoutJti { account: 1 }).unwrap();
        assert_eq!(
            world.stateful.revoke(no_jti.registered()).await,
            Err(Error::MissingClaim { claim: jwt_claims::RegisteredClaim::JwtId })
        );
    }
}
