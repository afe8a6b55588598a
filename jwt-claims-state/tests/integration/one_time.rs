//! One-time tokens: the second use is refused, and only a token that
//! passed every other check is marked.

use std::sync::Arc;
use std::time::Duration;

use jwt_claims::{
    Algorithm, Error, FixedClock, Nested, PrivateKey, RegisteredClaim, Signer, Verifier,
};
use jwt_claims_state::{KeyKind, StatefulVerifier, Store, StoreKey};

use crate::support::*;

/// Whether the (`iss`, `jti`) mark is taken (probing takes it if not).
async fn is_marked(store: &Arc<dyn Store>, jti: &str) -> bool {
    let key = StoreKey::new(KeyKind::Used, Some(ISSUER), jti);
    !store.mark(&key, Duration::from_secs(60)).await.unwrap()
}

fn jti_of(token: &str, world: &World) -> String {
    world
        .stateful
        .verifier()
        .decode::<PasswordReset>(token)
        .unwrap()
        .registered()
        .jwt_id()
        .unwrap()
        .to_owned()
}

on_every_store! {
    async fn a_one_time_token_is_accepted_once_then_replayed(store: Arc<dyn Store>) {
        let world = World::new(store);
        let link = world.reset_link(42);
        let decoded = world.stateful.decode::<PasswordReset>(&link).await.unwrap();
        assert_eq!(decoded.claims(), &PasswordReset { account: 42 });
        assert_eq!(world.stateful.decode::<PasswordReset>(&link).await.err(), Some(Error::Replayed));
        assert_eq!(world.stateful.decode::<PasswordReset>(&link).await.err(), Some(Error::Replayed));
        // Another link is its own token.
        let other = world.reset_link(42);
        assert_eq!(world.stateful.decode::<PasswordReset>(&other).await.map(|d| d.into_claims()), Ok(PasswordReset { account: 42 }));
    }

    async fn a_forged_token_carrying_a_real_jti_does_not_consume_it(store: Arc<dyn Store>) {
        let world = World::new(store.clone());
        let link = world.reset_link(7);
        let jti = jti_of(&link, &world);
        // Same issuer, same jti, signed with a key the verifier does not trust.
        let forger = Signer::builder()
            .issuer(ISSUER)
            .shared_key(jwt_claims::HmacKey::new(Algorithm::HS256, &[9; 32]).unwrap())
            .clock(world.clock.clone())
            .build()
            .unwrap();
        let forged = forger.issue(&PasswordReset { account: 7 }).jwt_id(jti.clone()).encode().unwrap();
        assert_eq!(world.stateful.decode::<PasswordReset>(forged.as_str()).await.err(), Some(Error::InvalidSignature));
        assert_eq!(world.stateful.decode::<PasswordReset>(&link).await.map(|d| d.into_claims()), Ok(PasswordReset { account: 7 }));
        assert!(is_marked(&store, &jti).await);
    }

    async fn a_token_refused_by_a_guard_is_not_marked_and_is_used_on_commit(store: Arc<dyn Store>) {
        let world = World::new(store.clone());
        let link = world.reset_link(7);
        let verified = world.stateful.verify::<PasswordReset>(&link).await.unwrap();
        assert!(verified.is_one_time());
        drop(verified); // the guard said no
        let verified = world.stateful.verify::<PasswordReset>(&link).await.unwrap();
        assert_eq!(verified.commit().await.map(|d| d.into_claims()), Ok(PasswordReset { account: 7 }));
        let verified = world.stateful.verify::<PasswordReset>(&link).await.unwrap();
        assert_eq!(verified.commit().await.err(), Some(Error::Replayed));
    }

    async fn a_token_whose_nested_token_fails_is_not_marked(store: Arc<dyn Store>) {
        let world = World::new(store.clone());
        let grant = world.signer.issue(&Grant { by: "admin".into() }).expires_in(Duration::from_secs(10)).encode().unwrap();
        let confirm = world.signer.encode(&Confirm { grant: Nested::new(grant) }).unwrap();
        world.clock.advance(Duration::from_secs(11));
        let err = world.stateful.decode::<Confirm>(confirm.as_str()).await.unwrap_err();
        assert_eq!(err.root_cause(), &Error::Expired { expired_at: START + 10, now: START + 11 });
        let jti = confirm.registered().jwt_id().unwrap();
        assert!(!is_marked(&store, jti).await);
    }

    async fn a_revoked_one_time_token_is_refused_as_revoked_and_not_marked(store: Arc<dyn Store>) {
        let world = World::new(store.clone());
        let link = world.signer.encode(&PasswordReset { account: 1 }).unwrap();
        world.stateful.revoke(link.registered()).await.unwrap();
        assert_eq!(world.stateful.decode::<PasswordReset>(link.as_str()).await.err(), Some(Error::Revoked));
        assert_eq!(world.stateful.decode::<PasswordReset>(link.as_str()).await.err(), Some(Error::Revoked));
        assert!(!is_marked(&store, link.registered().jwt_id().unwrap()).await);
    }

    async fn a_one_time_purpose_refuses_a_token_without_jti(store: Arc<dyn Store>) {
        let world = World::new(store);
        let token = world.signer.encode(&ResetWithoutJti { account: 1 }).unwrap();
        assert_eq!(token.registered().jwt_id(), None);
        assert_eq!(
            world.stateful.decode::<PasswordReset>(token.as_str()).await.err(),
            Some(Error::MissingClaim { claim: RegisteredClaim::JwtId })
        );
    }

    async fn a_re_signed_twin_of_a_token_is_the_same_token(store: Arc<dyn Store>) {
        // ECDSA signs the same claims differently each time: two tokens,
        // byte for byte different, with the same (iss, jti).
        let key = PrivateKey::generate(Algorithm::ES256).unwrap();
        let clock = FixedClock::at_timestamp(START);
        let signer = Signer::builder().issuer(ISSUER).shared_key(key.clone()).clock(clock).build().unwrap();
        let verifier = Verifier::builder().issuer(ISSUER).shared_key(key.public_key()).clock(clock).build().unwrap();
        let stateful = StatefulVerifier::builder(verifier, store).clock(clock).build();
        let claims = PasswordReset { account: 3 };
        let first = signer.issue(&claims).jwt_id("reset-3").encode().unwrap();
        let twin = signer.issue(&claims).jwt_id("reset-3").encode().unwrap();
        assert_ne!(first.as_str(), twin.as_str());
        assert_eq!(stateful.decode::<PasswordReset>(first.as_str()).await.map(|d| d.into_claims()), Ok(claims));
        assert_eq!(stateful.decode::<PasswordReset>(twin.as_str()).await.err(), Some(Error::Replayed));
    }

    async fn the_same_jti_from_another_issuer_is_another_token(store: Arc<dyn Store>) {
        let clock = FixedClock::at_timestamp(START);
        let stateful = StatefulVerifier::builder(
            Verifier::builder().shared_key(key()).clock(clock).build().unwrap(),
            store,
        ).clock(clock).build();
        let mint = |issuer: &str| {
            Signer::builder().issuer(issuer).shared_key(key()).clock(clock).build().unwrap()
                .issue(&PasswordReset { account: 1 }).jwt_id("b:c").encode().unwrap()
        };
        let a = mint("a");
        let a_b = Signer::builder().issuer("a:b").shared_key(key()).clock(clock).build().unwrap()
            .issue(&PasswordReset { account: 1 }).jwt_id("c").encode().unwrap();
        assert_eq!(stateful.decode::<PasswordReset>(a.as_str()).await.map(|d| d.into_claims()), Ok(PasswordReset { account: 1 }));
        assert_eq!(stateful.decode::<PasswordReset>(a_b.as_str()).await.map(|d| d.into_claims()), Ok(PasswordReset { account: 1 }));
        assert_eq!(stateful.decode::<PasswordReset>(a.as_str()).await.err(), Some(Error::Replayed));
    }
}

#[tokio::test]
async fn the_mark_lives_until_exp_plus_the_leeway_from_now() {
    let recording = Arc::new(crate::unavailable::Recording::new());
    let world = World::new(recording.clone());
    world.clock.advance(Duration::from_millis(250));
    let link = world.reset_link(1); // exp = START + 900
    world.clock.advance(Duration::from_secs(100));
    world.stateful.decode::<PasswordReset>(&link).await.unwrap();
    // exp - now + leeway (300 s): (START + 900) - (START + 100.25) + 300.
    assert_eq!(recording.mark_ttls(), [Duration::from_millis(1_099_750)]);
}
