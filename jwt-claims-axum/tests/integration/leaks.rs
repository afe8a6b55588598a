//! No response ever holds any part of the token, a claim value, a `kid`,
//! or the expected audience and issuer: a property over generated hostile
//! tokens, each answered through the router in-process.

use jwt_claims::{Claims, HmacKey, SigningKey, Verifier, jws};
use jwt_claims_axum::{BearerAuth, TokenSource};
use serde::{Deserialize, Serialize};

use crate::support::*;

const EXPECTED_AUD: &str = "urn:billing-ledger";
const EXPECTED_ISS: &str = "https://issuer.ledger.test";

#[derive(Serialize, Deserialize, Claims)]
#[jwt(aud = EXPECTED_AUD, iss = EXPECTED_ISS, typ = "access", ttl = "15m")]
struct Ledger {
    account: String,
}

/// How many hostile tokens the property checks.
const CASES: u64 = 300;

/// Every run of 12 characters of `secret` (or the whole when shorter).
fn pieces(secret: &str) -> Vec<&str> {
    if secret.len() <= 12 {
        return vec![secret];
    }
    (0..=secret.len() - 12)
        .map(|i| &secret[i..i + 12])
        .collect()
}

#[tokio::test]
async fn no_response_holds_the_token_a_claim_a_kid_or_the_expected_aud_and_iss() {
    let key = HmacKey::new(jwt_claims::Algorithm::HS256, SECRET).unwrap();
    let verifier = Verifier::builder()
        .key::<Ledger>(key)
        .clock(clock())
        .build()
        .unwrap();
    let auth = BearerAuth::builder(verifier)
        .realm("ledger")
        .source(TokenSource::header_then_cookie("at").unwrap())
        .build()
        .unwrap();
    let router = axum::Router::new()
        .route(
            "/",
            axum::routing::get(|_: jwt_claims_axum::Bearer<Ledger>| async { "ok" }),
        )
        .with_state(AppState { auth });
    let mut rng = Rng(0x5eed);
    for case in 0..CASES {
        let kid = rng.word(16);
        let account = rng.word(20);
        let found_aud = rng.word(14);
        let found_iss = format!("https://{}.test", rng.word(10));
        let (aud, iss) = match rng.below(3) {
            0 => (found_aud.clone(), EXPECTED_ISS.to_owned()),
            1 => (EXPECTED_AUD.to_owned(), found_iss.clone()),
            _ => (found_aud.clone(), found_iss.clone()),
        };
        let exp = match rng.below(2) {
            0 => NOW + 600,
            _ => NOW - 600,
        };
        let payload = format!(
            r#"{{"iss":"{iss}","aud":"{aud}","exp":{exp},"account":"{account}","{}":"{}"}}"#,
            rng.word(8),
            rng.word(18)
        );
        let secret: &[u8] = if rng.below(2) == 0 {
            SECRET
        } else {
            OTHER_SECRET
        };
        let signing: SigningKey = HmacKey::new(jwt_claims::Algorithm::HS256, secret)
            .unwrap()
            .with_kid(kid.clone())
            .into();
        let typ = ["access", "refresh", "JWT"][rng.below(3) as usize];
        let token = jws::sign(&signing, Some(typ), payload.as_bytes()).unwrap();
        let headers: Vec<(&str, String)> = match rng.below(3) {
            0 => vec![("authorization", format!("Bearer {token}"))],
            1 => vec![("cookie", format!("at={token}"))],
            _ => vec![("authorization", format!("Bearer {token}x y"))],
        };
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let answer = call(&router, request("/", &headers)).await;
        assert_ne!(answer.status, 200, "case {case}");
        let mut text = String::from_utf8_lossy(&answer.body).into_owned();
        for (name, value) in &answer.headers {
            text.push_str(name);
            text.push_str(&String::from_utf8_lossy(value));
        }
        let mut secrets = vec![
            token.as_str(),
            &kid,
            &account,
            &found_aud,
            &found_iss,
            EXPECTED_AUD,
            EXPECTED_ISS,
        ];
        secrets.extend(token.split('.'));
        for secret in secrets {
            for piece in pieces(secret) {
                assert!(!text.contains(piece), "case {case}: {piece:?} in {text:?}");
            }
        }
    }
}
