//! What the extractor costs, side by side in one run, in-process
//! (`tower::ServiceExt::oneshot` on a current-thread runtime): an
//! unprotected route; the same route taking `Bearer<T>` with an HS256 and
//! an ES256 token; the same with axum-jwt-auth's `Claims<T>` (the peer on
//! axum 0.8, on the RustCrypto backend its jsonwebtoken 10 requires);
//! `Verifier::decode` of the same tokens alone; and, to tell where the
//! time goes, the HS256 decode under `block_on` and `BearerAuth::verify`
//! on ready-made headers.
//!
//! Every request carries the token (the unprotected route ignores it) and
//! every route answers the same body, so the extractor's own cost is
//! `route/ours_* - route/unprotected`; the target is at most `decode/*`
//! plus 10%.
//!
//! ```sh
//! cargo bench -p jwt-claims-axum --bench extractor
//! ```

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use http::Request;
use jwt_claims::{Algorithm, Claims, HmacKey, PrivateKey, Signer, Verifier};
use jwt_claims_axum::{Bearer, BearerAuth};
use serde::{Deserialize, Serialize};
use tower::ServiceExt;

const ISSUER: &str = "https://auth.example.com";
const SECRET: &[u8] = b"jwt-claims-axum bench secret 32!";
// RFC 7515 A.3's P-256 key (published, for tests and benchmarks only).
const X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
const Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
const D: &str = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";

#[derive(Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "access", ttl = "15m", alg = "HS256")]
struct Hs256Access {
    org_id: u64,
}

#[derive(Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "access", ttl = "15m", alg = "ES256")]
struct Es256Access {
    org_id: u64,
}

/// The peer's claims: it deserializes `exp`, `aud` and `iss` itself.
#[derive(Serialize, Deserialize)]
struct PeerClaims {
    org_id: u64,
}

#[derive(Clone, FromRef)]
struct OurState {
    auth: BearerAuth,
}

#[derive(Clone, FromRef)]
struct PeerState {
    decoder: axum_jwt_auth::Decoder<PeerClaims>,
}

fn peer_decoder(
    key: jsonwebtoken_peer::DecodingKey,
    algorithm: jsonwebtoken_peer::Algorithm,
) -> axum_jwt_auth::Decoder<PeerClaims> {
    let mut validation = jsonwebtoken_peer::Validation::new(algorithm);
    validation.set_audience(&["billing"]);
    validation.set_issuer(&[ISSUER]);
    Arc::new(
        axum_jwt_auth::LocalDecoder::builder()
            .keys(vec![key])
            .validation(validation)
            .build()
            .unwrap(),
    )
}

/// Every route answers the same body, so they differ by the extractor only.
fn answer(org_id: u64) -> &'static str {
    black_box(org_id);
    "42"
}

fn request(path: &str, token: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path);
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder.body(Body::empty()).unwrap()
}

fn extractor(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let hmac = HmacKey::new(Algorithm::HS256, SECRET).unwrap();
    let ec = PrivateKey::from_jwk(
        Algorithm::ES256,
        &format!(r#"{{"kty":"EC","crv":"P-256","x":"{X}","y":"{Y}","d":"{D}"}}"#),
    )
    .unwrap();
    let signer = Signer::builder()
        .issuer(ISSUER)
        .key::<Hs256Access>(hmac.clone())
        .key::<Es256Access>(ec.clone())
        .build()
        .unwrap();
    let verifier = Verifier::builder()
        .issuer(ISSUER)
        .key::<Hs256Access>(hmac)
        .key::<Es256Access>(ec.public_key())
        .build()
        .unwrap();
    let hs256 = signer
        .encode(&Hs256Access { org_id: 42 })
        .unwrap()
        .into_string();
    let es256 = signer
        .encode(&Es256Access { org_id: 42 })
        .unwrap()
        .into_string();

    let auth = BearerAuth::builder(verifier.clone()).build().unwrap();
    let ours: Router = Router::new()
        .route("/open", get(|| async { "42" }))
        .route(
            "/hs256",
            get(|token: Bearer<Hs256Access>| async move { answer(token.claims().org_id) }),
        )
        .route(
            "/es256",
            get(|token: Bearer<Es256Access>| async move { answer(token.claims().org_id) }),
        )
        .with_state(OurState { auth });
    let peer_route = |decoder| -> Router {
        Router::new()
            .route(
                "/claims",
                get(|token: axum_jwt_auth::Claims<PeerClaims>| async move {
                    answer(token.claims.org_id)
                }),
            )
            .with_state(PeerState { decoder })
    };
    let peer_hs256 = peer_route(peer_decoder(
        jsonwebtoken_peer::DecodingKey::from_secret(SECRET),
        jsonwebtoken_peer::Algorithm::HS256,
    ));
    let peer_es256 = peer_route(peer_decoder(
        jsonwebtoken_peer::DecodingKey::from_ec_components(X, Y).unwrap(),
        jsonwebtoken_peer::Algorithm::ES256,
    ));

    let routes: [(&str, &Router, &str, Option<&str>); 5] = [
        // The same header, unread: the baseline pays for building the
        // request as every other route does.
        ("route/unprotected", &ours, "/open", Some(&hs256)),
        ("route/ours_hs256", &ours, "/hs256", Some(&hs256)),
        ("route/ours_es256", &ours, "/es256", Some(&es256)),
        ("route/peer_hs256", &peer_hs256, "/claims", Some(&hs256)),
        ("route/peer_es256", &peer_es256, "/claims", Some(&es256)),
    ];
    // Every route must answer 200 for the numbers to mean anything.
    for (name, router, path, token) in routes {
        let response = runtime
            .block_on(router.clone().oneshot(request(path, token)))
            .unwrap();
        assert_eq!(response.status(), 200, "{name}");
    }

    let mut group = c.benchmark_group("extractor");
    group.bench_function("decode/hs256", |b| {
        b.iter(|| verifier.decode::<Hs256Access>(black_box(&hs256)).unwrap())
    });
    group.bench_function("decode/es256", |b| {
        b.iter(|| verifier.decode::<Es256Access>(black_box(&es256)).unwrap())
    });
    // Where the route's time goes: the decode under block_on, and
    // BearerAuth::verify (header parsing and the decode) on ready headers.
    let auth = BearerAuth::builder(verifier.clone()).build().unwrap();
    let headers = request("/", Some(&hs256)).headers().clone();
    group.bench_function("decode_block_on/hs256", |b| {
        b.iter(|| {
            runtime.block_on(async { verifier.decode::<Hs256Access>(black_box(&hs256)).unwrap() })
        })
    });
    group.bench_function("verify/hs256", |b| {
        b.iter(|| {
            runtime
                .block_on(auth.verify::<Hs256Access>(black_box(&headers)))
                .unwrap()
        })
    });
    for (name, router, path, token) in routes {
        group.bench_function(name, |b| {
            b.iter(|| {
                runtime
                    .block_on(router.clone().oneshot(request(path, token)))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Short: the machine is shared.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(40);
    targets = extractor
}
criterion_main!(benches);
