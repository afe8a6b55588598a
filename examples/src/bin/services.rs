//! Several services sharing one claims crate (`shared_claims`).
//!
//! The auth service mints access, refresh and delegation tokens. The
//! billing service accepts its own access token and rejects everything
//! meant for another purpose, each time with an error that says why.
//!
//! Run it with `cargo run -p jwt-claims-examples --bin services`.

use std::process::ExitCode;

use chrono::{Duration, Utc};
use jwt_claims::{
    Algorithm, Decoded, Error, FixedClock, Nested, PrivateKey, Signer, Token, Verifier,
};
use shared_claims::{BillingAccess, DelegationGrant, RefreshToken, ReportsAccess, Role};

/// The auth service's ES256 key: RFC 7515 Appendix A.3's published example
/// key, so the demo needs no key files. Never use a published key for real.
const AUTH_KEY: &str = r#"{"kty":"EC","crv":"P-256",
    "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#;

/// The key delegation grants are signed with: RFC 8037 Appendix A.1's
/// Ed25519 example key.
const GRANT_KEY: &str = r#"{"kty":"OKP","crv":"Ed25519",
    "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;

const ISSUER: &str = "https://auth.example.com";

/// The auth service: one signing key for access and refresh tokens, a
/// separate one for delegation grants.
struct AuthService {
    signer: Signer,
}

impl AuthService {
    fn new(clock: FixedClock) -> Result<AuthService, Error> {
        let signer = Signer::builder()
            .issuer(ISSUER)
            .shared_key(PrivateKey::from_jwk(Algorithm::ES256, AUTH_KEY)?.with_kid("auth-2026-11"))
            .key::<DelegationGrant>(
                PrivateKey::from_jwk(Algorithm::EdDSA, GRANT_KEY)?.with_kid("grants-1"),
            )
            .clock(clock)
            .build()?;
        Ok(AuthService { signer })
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
        };
        self.signer.issue(&claims).subject(user).encode()
    }

    fn reports_access(&self, user: &str) -> Result<Token<ReportsAccess>, Error> {
        self.signer
            .issue(&ReportsAccess { org_id: 42 })
            .subject(user)
            .encode()
    }

    fn refresh(&self, user: &str) -> Result<Token<RefreshToken>, Error> {
        self.signer
            .issue(&RefreshToken {
                session: "s-1".into(),
            })
            .subject(user)
            .encode()
    }
}

/// The billing service: it knows the auth service's public keys and
/// accepts only `BillingAccess`.
struct BillingService {
    verifier: Verifier,
}

impl BillingService {
    fn new(clock: FixedClock) -> Result<BillingService, Error> {
        let auth = PrivateKey::from_jwk(Algorithm::ES256, AUTH_KEY)?
            .with_kid("auth-2026-11")
            .public_key();
        let grants = PrivateKey::from_jwk(Algorithm::EdDSA, GRANT_KEY)?
            .with_kid("grants-1")
            .public_key();
        let verifier = Verifier::builder()
            .key::<BillingAccess>(auth)
            .key::<DelegationGrant>(grants)
            .clock(clock)
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
                .grant
                .as_ref()
                .and_then(Nested::claims)
                .map(|g| g.granted_by.as_str());
            println!(
                "  accepted  {what}\n            sub={} role={:?} org={} on behalf of {}",
                access.registered().subject().unwrap_or("-"),
                access.role,
                access.org_id,
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
    let auth = AuthService::new(FixedClock::new(now))?;
    let billing = BillingService::new(FixedClock::new(now))?;
    // A grant minted ten minutes ago: its 5-minute lifetime is over.
    let auth_earlier = AuthService::new(FixedClock::new(now - Duration::minutes(10)))?;

    println!("billing service, handling five requests:\n");
    let outcomes = [
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
    ];
    let expected = [true, true, false, false, false];
    Ok(outcomes == expected)
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
