//! Publishing a signer's public keys at `/.well-known/jwks.json`.

use std::time::Duration;

use axum::Router;
use chrono::DateTime;
use jwt_claims::{Algorithm, FixedClock, JwkSet, PrivateKey, Signer, Verifier};
use jwt_claims_axum::{BearerAuth, JWKS_PATH, PublishedKeys, RemoteKeySet};

use crate::support::*;

fn at(secs: i64) -> DateTime<chrono::Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

#[tokio::test]
async fn serves_public_members_kid_alg_and_use_as_jwk_set_json() {
    let key = es256_key().with_kid("2026-11");
    let router: Router = PublishedKeys::new([key.public_key()]).router();
    let answer = call(&router, request(JWKS_PATH, &[])).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.one("content-type"), "application/jwk-set+json");
    assert_eq!(answer.one("cache-control"), "public, max-age=300");
    assert_eq!(
        answer.text(),
        r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","alg":"ES256","use":"sig","kid":"2026-11"}]}"#
    );
    assert!(!answer.text().contains("\"d\""));
}

#[tokio::test]
async fn a_key_without_kid_is_published_under_its_thumbprint() {
    let key = es256_key();
    let thumbprint = key.public_key().thumbprint();
    let answer = call(
        &PublishedKeys::new([key.public_key()]).router(),
        request(JWKS_PATH, &[]),
    )
    .await;
    let set = JwkSet::from_json(&answer.text()).unwrap();
    assert_eq!(set.keys()[0].kid(), Some(thumbprint.as_str()));
}

#[tokio::test]
async fn a_retired_key_is_listed_until_its_last_token_expired_and_caches_end_then() {
    let new = PrivateKey::generate(Algorithm::ES256)
        .unwrap()
        .with_kid("new");
    let old = PrivateKey::generate(Algorithm::ES256)
        .unwrap()
        .with_kid("old");
    // The old key's last token expires 120 s from NOW.
    let keys = [
        new.public_key(),
        old.public_key().retired_after(at(NOW + 120)),
    ];
    let kids = |answer: &Answer| -> Vec<String> {
        JwkSet::from_json(&answer.text())
            .unwrap()
            .keys()
            .iter()
            .map(|key| key.kid().unwrap().to_owned())
            .collect()
    };
    let before = PublishedKeys::new(keys.clone()).clock(FixedClock::at_timestamp(NOW));
    let answer = call(&before.router(), request(JWKS_PATH, &[])).await;
    assert_eq!(kids(&answer), ["new", "old"]);
    assert_eq!(answer.one("cache-control"), "public, max-age=120");

    let last_second = PublishedKeys::new(keys.clone()).clock(FixedClock::at_timestamp(NOW + 120));
    let answer = call(&last_second.router(), request(JWKS_PATH, &[])).await;
    assert_eq!(kids(&answer), ["new", "old"]);
    assert_eq!(answer.one("cache-control"), "public, max-age=0");

    let after = PublishedKeys::new(keys)
        .clock(FixedClock::at_timestamp(NOW + 121))
        .max_age(Duration::from_secs(60));
    let answer = call(&after.router(), request(JWKS_PATH, &[])).await;
    assert_eq!(kids(&answer), ["new"]);
    assert_eq!(answer.one("cache-control"), "public, max-age=60");
}

#[tokio::test]
async fn a_verifier_fetching_the_published_set_accepts_the_signers_tokens() {
    let key = es256_key().with_kid("auth-1");
    let address = serve(PublishedKeys::new([key.public_key()]).router()).await;
    let keys = RemoteKeySet::builder(format!("http://{address}{JWKS_PATH}"))
        .issuer(ISSUER)
        .dangerous_allow_plain_http()
        .spawn()
        .unwrap();
    keys.ready().await.unwrap();
    let verifier = Verifier::builder()
        .issuer(ISSUER)
        .clock(clock())
        .key_provider::<BillingAccess>(keys.provider())
        .build()
        .unwrap();
    let auth = BearerAuth::builder(verifier).key_set(keys).build().unwrap();
    let signer = Signer::builder()
        .issuer(ISSUER)
        .shared_key(key)
        .clock(clock())
        .build()
        .unwrap();
    let token = signer.encode(&access(4)).unwrap();
    let answer = call(
        &app(auth),
        request(
            "/invoices",
            &[("authorization", &format!("Bearer {}", token.as_str()))],
        ),
    )
    .await;
    assert_eq!(answer.text(), "org 4");
}

#[tokio::test]
async fn answers_head_as_get_without_a_body() {
    let router: Router = PublishedKeys::new([es256_key().public_key()]).router();
    let head = http::Request::head(JWKS_PATH)
        .body(axum::body::Body::empty())
        .unwrap();
    let answer = call(&router, head).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.one("content-type"), "application/jwk-set+json");
    assert_eq!(answer.body, Vec::<u8>::new());
}
