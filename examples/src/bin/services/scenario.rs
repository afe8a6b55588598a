//! The scripted client: each step is a real request to one of the
//! services, printed with its answer and checked against what it must be
//! (status, and the exact `WWW-Authenticate` challenge or its absence).

use std::net::SocketAddr;

use chrono::Utc;
use jwt_claims::{FixedClock, PrivateKey, Signer};
use serde_json::json;
use shared_claims::{BillingAccess, Role};

use crate::client::{self, Request, Response};
use crate::keys::Keys;
use crate::{Addresses, auth::COOKIE};

const BILLING_NO_CREDENTIALS: &str = r#"Bearer realm="billing""#;
const BILLING_INVALID: &str =
    r#"Bearer realm="billing", error="invalid_token", error_description="the token is invalid""#;
const BILLING_EXPIRED: &str =
    r#"Bearer realm="billing", error="invalid_token", error_description="the token expired""#;
const BILLING_INSUFFICIENT: &str = r#"Bearer realm="billing", error="insufficient_scope", error_description="the token does not grant this request""#;
const REPORTS_INVALID: &str =
    r#"Bearer realm="reports", error="invalid_token", error_description="the token is invalid""#;

/// What a step must answer.
struct Expect {
    status: u16,
    /// The one `WWW-Authenticate` value, or none at all.
    challenge: Option<&'static str>,
}

const fn expect(status: u16, challenge: Option<&'static str>) -> Expect {
    Expect { status, challenge }
}

/// The steps run so far, and whether each answered as expected.
struct Run {
    step: usize,
    all_right: bool,
}

impl Run {
    /// Sends `request` to `address`, prints both, checks the answer.
    async fn step(
        &mut self,
        what: &str,
        service: &str,
        address: SocketAddr,
        request: Request,
        expected: Expect,
    ) -> Response {
        self.step += 1;
        println!("[{:>2}] {what}", self.step);
        println!(
            "     {} {service} {}{}",
            request.method,
            request.path,
            shown(&request)
        );
        let response = match client::send(address, &request).await {
            Ok(response) => response,
            Err(err) => {
                println!("     WRONG: {err}\n");
                self.all_right = false;
                return Response {
                    status: 0,
                    reason: String::new(),
                    headers: Vec::new(),
                    body: String::new(),
                };
            }
        };
        println!("     -> {} {}", response.status, response.reason);
        for (name, value) in &response.headers {
            if matches!(
                name.as_str(),
                "www-authenticate" | "retry-after" | "set-cookie" | "content-type"
            ) && !(name == "content-type" && response.status >= 400)
            {
                println!("        {name}: {}", redacted(value));
            }
        }
        if response.status < 300 && !response.body.is_empty() {
            let body = redacted(response.body.trim_end());
            let short: String = body.chars().take(100).collect();
            let cut = if short.len() < body.len() { " ..." } else { "" };
            println!("        body: {}{cut}", short.replace('\n', "\\n"));
        }
        let challenges = response.all("www-authenticate");
        let wanted: Vec<&str> = expected.challenge.into_iter().collect();
        let mut wrong = Vec::new();
        if response.status != expected.status {
            wrong.push(format!(
                "status {}, expected {}",
                response.status, expected.status
            ));
        }
        if challenges != wanted {
            wrong.push(format!("challenge {challenges:?}, expected {wanted:?}"));
        }
        if response.status == 503 && response.all("retry-after").len() != 1 {
            wrong.push("a 503 without one Retry-After".to_owned());
        }
        self.check(wrong.is_empty(), &wrong.join("; "));
        println!();
        response
    }

    /// Records a check of the scenario's own (a body, a header).
    fn check(&mut self, holds: bool, what: &str) {
        if !holds {
            println!("     WRONG: {what}");
            self.all_right = false;
        }
    }
}

/// The request's credentials and body as shown: tokens replaced by what
/// they are.
fn shown(request: &Request) -> String {
    let mut shown = String::new();
    for (name, value) in &request.headers {
        if matches!(*name, "authorization" | "cookie") {
            shown.push_str(&format!("  {name}: {}", redacted(value)));
        }
    }
    if let Some(body) = &request.body {
        shown.push_str(&format!("  {}", redacted(body)));
    }
    shown
}

/// `text` with every JWT-looking run (three or five dot-joined base64url
/// parts) shown as `<token>`: the demo never prints a usable token.
fn redacted(text: &str) -> String {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_token_char(c) {
            run.push(c);
            continue;
        }
        // A JWS has two dots, a JWE four.
        if matches!(run.matches('.').count(), 2 | 4) && run.len() > 40 {
            out.push_str("<token>");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// A field of a JSON answer, empty when missing.
fn field(response: &Response, name: &str) -> String {
    response.json()[name]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// `token` with one character of its payload changed.
fn tampered(token: &str) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    if let Some(payload) = parts.get_mut(1) {
        let last = payload.pop().unwrap_or('A');
        payload.push(if last == 'A' { 'B' } else { 'A' });
    }
    parts.join(".")
}

/// A billing access token minted `ago` seconds ago with `key`: what a
/// client kept from an earlier session.
fn earlier_token(key: &PrivateKey, ago: i64) -> String {
    let signer = Signer::builder()
        .shared_key(key.clone())
        .clock(FixedClock::at_timestamp(Utc::now().timestamp() - ago))
        .build()
        .and_then(|signer| {
            signer
                .issue(&BillingAccess {
                    role: Role::Viewer,
                    org_id: 7,
                    grant: None,
                    session: None,
                })
                .subject("ada")
                .encode()
        });
    signer.map(|token| token.into_string()).unwrap_or_default()
}

/// Runs the scenario; `true` when every step answered as expected.
pub(crate) async fn run(at: &Addresses, keys: &Keys) -> bool {
    let mut run = Run {
        step: 0,
        all_right: true,
    };
    let run = &mut run;
    let login = |user: &str| Request::post_json("/login", json!({ "user": user }));
    let refresh = |token: &str| Request::post_json("/refresh", json!({ "refresh_token": token }));
    let invoices = || Request::get("/invoices");

    let jwks = run
        .step(
            "auth publishes its current and its previous key (mid-rotation)",
            "auth",
            at.auth,
            Request::get("/.well-known/jwks.json"),
            expect(200, None),
        )
        .await;
    let kids: Vec<String> = jwks.json()["keys"]
        .as_array()
        .map(|keys| {
            keys.iter()
                .filter_map(|key| key["kid"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    println!("     kids: {kids:?}\n");
    run.check(
        kids == ["auth-2026-12", "auth-2026-11"],
        "the JWK Set lists both keys",
    );

    // --- Logging in, and billing's two token sources.
    let ada = run
        .step(
            "ada logs in",
            "auth",
            at.auth,
            login("ada"),
            expect(200, None),
        )
        .await;
    let cookie = ada
        .all("set-cookie")
        .first()
        .map(|c| c.to_string())
        .unwrap_or_default();
    run.check(
        cookie.ends_with("; Path=/; Max-Age=900; HttpOnly; Secure; SameSite=Strict"),
        "the login cookie is HttpOnly, Secure and SameSite=Strict",
    );
    let ada_access = field(&ada, "access_token");
    let ada_refresh = field(&ada, "refresh_token");
    let ada_reports = field(&ada, "reports_token");
    let ada_contact = field(&ada, "contact_token");

    run.step(
        "billing accepts the access token from the jwt cookie",
        "billing",
        at.billing,
        invoices().cookie(COOKIE, &ada_access),
        expect(200, None),
    )
    .await;
    run.step(
        "billing accepts it from the Authorization header",
        "billing",
        at.billing,
        invoices().bearer(&ada_access),
        expect(200, None),
    )
    .await;
    run.step(
        "billing, without credentials",
        "billing",
        at.billing,
        invoices(),
        expect(401, Some(BILLING_NO_CREDENTIALS)),
    )
    .await;
    run.step(
        "billing reads the cookie first: a bad cookie is not saved by a good header",
        "billing",
        at.billing,
        invoices().cookie(COOKIE, &ada_refresh).bearer(&ada_access),
        expect(401, Some(BILLING_INVALID)),
    )
    .await;

    // --- Tokens for other purposes, and broken ones.
    run.step(
        "billing refuses a refresh token",
        "billing",
        at.billing,
        invoices().bearer(&ada_refresh),
        expect(401, Some(BILLING_INVALID)),
    )
    .await;
    run.step(
        "billing refuses a reports token",
        "billing",
        at.billing,
        invoices().bearer(&ada_reports),
        expect(401, Some(BILLING_INVALID)),
    )
    .await;
    run.step(
        "billing refuses an expired token, saying so (the client refreshes)",
        "billing",
        at.billing,
        invoices().bearer(&earlier_token(&keys.auth_current, 20 * 60)),
        expect(401, Some(BILLING_EXPIRED)),
    )
    .await;
    run.step(
        "billing refuses a tampered token",
        "billing",
        at.billing,
        invoices().bearer(&tampered(&ada_access)),
        expect(401, Some(BILLING_INVALID)),
    )
    .await;
    run.step(
        "billing accepts a token of the previous key, still published",
        "billing",
        at.billing,
        invoices().bearer(&earlier_token(&keys.auth_previous, 60)),
        expect(200, None),
    )
    .await;

    // --- Personal data, encrypted so that only billing can read it.
    run.check(
        ada_contact.split('.').count() == 5,
        "the payment details travel as a JWE (five segments), not a readable JWS",
    );
    let details = run
        .step(
            "billing reads ada's payment details, which auth encrypted to billing's key",
            "billing",
            at.billing,
            Request::get("/payment-details").bearer(&ada_contact),
            expect(200, None),
        )
        .await;
    run.check(
        details.json()["iban"] == "DE89 3704 0044 0532 0130 00",
        "billing decrypted the IBAN",
    );
    run.step(
        "billing refuses the same purpose signed but not encrypted",
        "billing",
        at.billing,
        Request::get("/payment-details").bearer(&ada_access),
        expect(401, Some(BILLING_INVALID)),
    )
    .await;
    run.step(
        "reports refuses the encrypted token",
        "reports",
        at.reports,
        Request::get("/reports").bearer(&ada_contact),
        expect(401, Some(REPORTS_INVALID)),
    )
    .await;

    // --- A guard, and a key set that cannot be fetched.
    let bob = run
        .step(
            "bob (a viewer) logs in",
            "auth",
            at.auth,
            login("bob"),
            expect(200, None),
        )
        .await;
    let bob_access = field(&bob, "access_token");
    let pay = || Request::post_json("/invoices/1/pay", json!({}));
    run.step(
        "only admins pay: bob's valid token is 403",
        "billing",
        at.billing,
        pay().cookie(COOKIE, &bob_access),
        expect(403, Some(BILLING_INSUFFICIENT)),
    )
    .await;
    run.step(
        "ada pays",
        "billing",
        at.billing,
        pay().cookie(COOKIE, &ada_access),
        expect(200, None),
    )
    .await;
    run.step(
        "a billing instance that cannot fetch the key set: 503, not 401",
        "billing (key set unreachable)",
        at.billing_cut_off,
        invoices().bearer(&ada_access),
        expect(503, None),
    )
    .await;

    // --- Reports, and its one-time links.
    run.step(
        "reports accepts the reports token",
        "reports",
        at.reports,
        Request::get("/reports").bearer(&ada_reports),
        expect(200, None),
    )
    .await;
    run.step(
        "reports refuses the billing token",
        "reports",
        at.reports,
        Request::get("/reports").bearer(&ada_access),
        expect(401, Some(REPORTS_INVALID)),
    )
    .await;
    let export = run
        .step(
            "reports hands out a one-time export link",
            "reports",
            at.reports,
            Request::post_json("/reports/q4/export", json!({})).bearer(&ada_reports),
            expect(200, None),
        )
        .await;
    let link = field(&export, "link");
    let download = run
        .step(
            "the link works once",
            "reports",
            at.reports,
            Request::get("/exports").bearer(&link),
            expect(200, None),
        )
        .await;
    run.check(
        download.body == "report,org\nq4,7\n",
        "the export is q4 of org 7",
    );
    run.step(
        "and only once",
        "reports",
        at.reports,
        Request::get("/exports").bearer(&link),
        expect(401, Some(REPORTS_INVALID)),
    )
    .await;

    // --- Refresh rotation: a retry gets the same successor; reuse
    // revokes the session.
    let rotated = run
        .step(
            "ada refreshes: a new refresh token and new access tokens",
            "auth",
            at.auth,
            refresh(&ada_refresh),
            expect(200, None),
        )
        .await;
    let retried = run
        .step(
            "a retry of the same refresh token (a lost answer) within the grace window",
            "auth",
            at.auth,
            refresh(&ada_refresh),
            expect(200, None),
        )
        .await;
    let ada_refresh_2 = field(&rotated, "refresh_token");
    run.check(
        !ada_refresh_2.is_empty() && field(&retried, "refresh_token") == ada_refresh_2,
        "the retry gets the same successor",
    );
    let ada_access_2 = field(&rotated, "access_token");

    let bob_refresh = field(&bob, "refresh_token");
    let bob_2 = run
        .step(
            "bob refreshes",
            "auth",
            at.auth,
            refresh(&bob_refresh),
            expect(200, None),
        )
        .await;
    let bob_3 = run
        .step(
            "bob refreshes again",
            "auth",
            at.auth,
            refresh(&field(&bob_2, "refresh_token")),
            expect(200, None),
        )
        .await;
    run.step(
        "bob's first refresh token, stolen and replayed: reuse revokes the session",
        "auth",
        at.auth,
        refresh(&bob_refresh),
        expect(400, None),
    )
    .await;
    run.step(
        "so bob's newest refresh token is refused too",
        "auth",
        at.auth,
        refresh(&field(&bob_3, "refresh_token")),
        expect(400, None),
    )
    .await;
    run.step(
        "and so is his newest access token",
        "billing",
        at.billing,
        invoices().bearer(&field(&bob_3, "access_token")),
        expect(401, Some(BILLING_INVALID)),
    )
    .await;

    // --- Logging out.
    let logout = run
        .step(
            "ada logs out",
            "auth",
            at.auth,
            Request::post_json("/logout", json!({ "refresh_token": ada_refresh_2 })),
            expect(204, None),
        )
        .await;
    run.check(
        logout
            .all("set-cookie")
            .first()
            .is_some_and(|c| c.starts_with("jwt=; ")),
        "the logout clears the cookie",
    );
    run.step(
        "her access token of that session is refused at billing",
        "billing",
        at.billing,
        invoices().cookie(COOKIE, &ada_access_2),
        expect(401, Some(BILLING_INVALID)),
    )
    .await;
    run.step(
        "and her refresh token at auth",
        "auth",
        at.auth,
        refresh(&ada_refresh_2),
        expect(400, None),
    )
    .await;

    println!(
        "{} steps, {}\n",
        run.step,
        if run.all_right {
            "all answered as expected"
        } else {
            "SOME ANSWERED WRONG"
        }
    );
    run.all_right
}
