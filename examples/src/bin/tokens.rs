//! Several services sharing one claims crate (`shared_claims`).
//!
//! The auth service mints access, refresh and delegation tokens, and is
//! half-way through rotating its signing key: it signs with the new key
//! and publishes both in its JWK Set. The billing service verifies with
//! that published set, accepts its own access token and rejects everything
//! meant for another purpose, each time with an error that says why. Once
//! billing retires the old key, tokens signed with it are refused too.
//!
//! Run it with `cargo run -p jwt-claims-examples --bin tokens`; the same
//! services over real HTTP are `--bin services`.

use std::process::ExitCode;

use chrono::{DateTime, Duration, Utc};
use jwt_claims::{
    Algorithm, Decoded, Error, FixedClock, JwkSet, Nested, PrivateKey, PublicKey, Signer, Token,
    Verifier,
};
use shared_claims::{BillingAccess, DelegationGrant, RefreshToken, ReportsAccess, Role};

/// The auth service's previous ES256 key: RFC 7515 Appendix A.3's published
/// example key, so the demo needs no key files. Never use a published key
/// for real.
const PREVIOUS_AUTH_KEY: &str = r#"{"kty":"EC","crv":"P-256",
    "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#;

/// The key delegation grants are signed with: RFC 8037 Appendix A.1's
/// Ed25519 example key.
const GRANT_KEY: &str = r#"{"kty":"OKP","crv":"Ed25519",
    "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;

const ISSUER: &str = "https://auth.example.com";

/// The auth service: one signing key for access and refresh tokens (being
/// rotated), a separate one for delegation grants.
struct AuthService {
    signer: Signer,
    /// The signer as it was before the rotation, to show an old token.
    previous: Signer,
    /// The public keys it publishes at `/.well-known/jwks.json`.
    published: JwkSet,
}

impl AuthService {
    fn new(clock: FixedClock, current: &PrivateKey) -> Result<AuthService, Error> {
        let previous_key =
            PrivateKey::from_jwk(Algorithm::ES256, PREVIOUS_AUTH_KEY)?.with_kid("auth-2026-10");
        let grants = PrivateKey::from_jwk(Algorithm::EdDSA, GRANT_KEY)?.with_kid("grants-1");
        let signer_with = |key: &PrivateKey| {
            Signer::builder()
                .issuer(ISSUER)
                .shared_key(key.clone())
                .key::<DelegationGrant>(grants.clone())
                .clock(clock)
                .build()
        };
        Ok(AuthService {
            signer: signer_with(current)?,
            previous: signer_with(&previous_key)?,
            published: JwkSet::new([
                current.public_key(),
                previous_key.public_key(),
                grants.public_key(),
            ]),
        })
    }

    /// The JWK Set document other services fetch.
    fn jwks_json(&self) -> String {
        self.published.to_json()
    }

    fn grant(&self, granted_by: &str) -> Result<Token<DelegationGrant>, Error> {
        self.signer.encode(&DelegationGrant {
            granted_by: granted_by.into(),
            scope: "invoices:pay".into(),
        })
    }

    fn billing_access(
        &self,
        user: &str,
        grant: Option<Token<DelegationGrant>>,
    ) -> Result<Token<BillingAccess>, Error> {
        let claims = BillingAccess {
            role: Role::Admin,
            org_id: 42,
            grant: grant.map(Nested::new),
            session: None,
        };
        self.signer.issue(&claims).subject(user).encode()
    }

    fn billing_access_with_previous_key(&self, user: &str) -> Result<Token<BillingAccess>, Error> {
        let claims = BillingAccess {
            role: Role::Viewer,
            org_id: 42,
            grant: None,
            session: None,
        };
        self.previous.issue(&claims).subject(user).encode()
    }

    fn reports_access(&self, user: &str) -> Result<Token<ReportsAccess>, Error> {
        self.signer
            .issue(&ReportsAccess {
                org_id: 42,
                session: None,
            })
            .subject(user)
            .encode()
    }

    fn refresh(&self, user: &str) -> Result<Token<RefreshToken>, Error> {
        self.signer
            .issue(&RefreshToken {
                // Only a refresh family mints a session id; this demo
                // has no store, so it names one.
                session: serde_json::from_str(r#""s-1""#).map_err(|_| Error::SigningFailed)?,
            })
            .subject(user)
            .encode()
    }
}

/// The billing service: it trusts the keys auth publishes and accepts only
/// `BillingAccess`.
struct BillingService {
    verifier: Verifier,
}

impl BillingService {
    /// Billing configured from auth's published JWK Set: the ES256 keys for
    /// access tokens, the EdDSA key for grants, all bound to auth's issuer.
    /// A key id in `retired` stops verifying from `now` on.
    fn new(
        now: DateTime<Utc>,
        jwks_json: &str,
        retired: Option<&str>,
    ) -> Result<BillingService, Error> {
        let (access, grants): (Vec<PublicKey>, Vec<PublicKey>) = JwkSet::from_json(jwks_json)?
            .into_iter()
            .map(|key| key.with_issuer(ISSUER))
            .map(|key| match retired {
                Some(kid) if key.kid() == Some(kid) => {
                    key.retired_after(now - Duration::seconds(1))
                }
                _ => key,
            })
            .partition(|key| key.algorithm() == Algorithm::ES256);
        let verifier = Verifier::builder()
            .key_set::<BillingAccess>(access)
            .key_set::<DelegationGrant>(grants)
            .clock(FixedClock::new(now))
            .build()?;
        Ok(BillingService { verifier })
    }

    /// What billing does with an `Authorization: Bearer` token.
    fn handle(&self, bearer: &str) -> Result<Decoded<BillingAccess>, Error> {
        self.verifier.decode::<BillingAccess>(bearer)
    }
}

fn report(what: &str, outcome: Result<Decoded<BillingAccess>, Error>) -> bool {
    match outcome {
        Ok(access) => {
            let on_behalf = access
                .claims()
                .grant
                .as_ref()
                .and_then(Nested::claims)
                .map(|g| g.granted_by.as_str());
            println!(
                "  accepted  {what}\n            sub={} role={:?} org={} key={} on behalf of {}",
                access.registered().subject().unwrap_or("-"),
                access.claims().role,
                access.claims().org_id,
                access.kid().unwrap_or("-"),
                on_behalf.unwrap_or("nobody"),
            );
            true
        }
        Err(err) => {
            println!("  rejected  {what}\n            {err}");
            if let Error::Nested { path, .. } = &err {
                println!(
                    "            (failing field: `{path}`, cause: {})",
                    err.root_cause()
                );
            }
            false
        }
    }
}

fn run() -> Result<bool, Error> {
    let now = Utc::now();
    let current = PrivateKey::generate(Algorithm::ES256)?.with_kid("auth-2026-11");
    let auth = AuthService::new(FixedClock::new(now), &current)?;
    // A grant minted ten minutes ago: its 5-minute lifetime is over.
    let auth_earlier = AuthService::new(FixedClock::new(now - Duration::minutes(10)), &current)?;
    let billing = BillingService::new(now, &auth.jwks_json(), None)?;

    println!(
        "auth publishes {} public keys: access keys auth-2026-11 (current) and auth-2026-10 \
         (previous), and the grant key\n",
        auth.published.keys().len()
    );
    println!("billing, trusting every published key:\n");
    let during = [
        report(
            "its own access token",
            billing.handle(auth.billing_access("alice", None)?.as_str()),
        ),
        report(
            "an access token carrying a fresh delegation grant",
            billing.handle(
                auth.billing_access("bob", Some(auth.grant("alice")?))?
                    .as_str(),
            ),
        ),
        report(
            "a refresh token (meant for the auth service)",
            billing.handle(auth.refresh("alice")?.as_str()),
        ),
        report(
            "an access token for the reports service",
            billing.handle(auth.reports_access("alice")?.as_str()),
        ),
        report(
            "an access token whose nested grant expired",
            billing.handle(
                auth.billing_access("bob", Some(auth_earlier.grant("alice")?))?
                    .as_str(),
            ),
        ),
        report(
            "an access token signed with the previous key, mid-rotation",
            billing.handle(auth.billing_access_with_previous_key("carol")?.as_str()),
        ),
    ];

    println!("\nbilling, after retiring auth-2026-10 (its last tokens have expired):\n");
    let retired = BillingService::new(now, &auth.jwks_json(), Some("auth-2026-10"))?;
    let after = [
        report(
            "an access token signed with the retired key",
            retired.handle(auth.billing_access_with_previous_key("carol")?.as_str()),
        ),
        report(
            "its own access token, signed with the current key",
            retired.handle(auth.billing_access("alice", None)?.as_str()),
        ),
    ];

    let expected = [true, true, false, false, false, true, false, true];
    Ok(during.iter().chain(&after).copied().eq(expected))
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => {
            println!("\nevery token was accepted or rejected for the right reason.");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            eprintln!("\nunexpected outcome: a token was accepted or rejected wrongly");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("demo set-up failed: {err}");
            ExitCode::FAILURE
        }
    }
}
