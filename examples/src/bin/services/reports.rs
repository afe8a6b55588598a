//! The reports service: reads reports access tokens from the
//! `Authorization` header, and mints and checks its own one-time export
//! links with a key no other service has.
//!
//! - `GET /reports`: any reports access token.
//! - `POST /reports/{name}/export`: a one-time link (10 minutes) to one
//!   export of the report.
//! - `GET /exports`: the export, for its link, once.

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_claims::{Signer, Verifier};
use jwt_claims_axum::{BearerAuth, StatefulAuth, StatefulBearer};
use jwt_claims_state::StatefulVerifier;
use serde_json::{Value, json};
use shared_claims::{ExportLink, ReportsAccess};

use crate::Services;
use crate::keys::{Keys, auth_key_set};

#[derive(Clone, FromRef)]
struct ReportsState {
    auth: StatefulAuth,
    links: Signer,
}

/// The reports service's router.
pub(crate) async fn router(
    jwks_url: &str,
    keys: &Keys,
    services: &Services,
) -> Result<Router, Box<dyn std::error::Error>> {
    let remote = auth_key_set(jwks_url)?;
    remote.ready().await?;
    // Access tokens: the auth service's published keys. Export links: the
    // reports service's own secret, for that purpose only.
    let verifier = Verifier::builder()
        .key_provider::<ReportsAccess>(remote.provider())
        .key::<ExportLink>(keys.reports_links.clone())
        .build()?;
    let links = Signer::builder()
        .key::<ExportLink>(keys.reports_links.clone())
        .build()?;
    let auth = BearerAuth::builder(verifier.clone())
        .realm("reports")
        .key_set(remote)
        .build()?;
    let stateful = StatefulVerifier::new(verifier, services.store.clone());
    Ok(Router::new()
        .route("/reports", get(reports))
        .route("/reports/{name}/export", post(export))
        .route("/exports", get(download))
        .with_state(ReportsState {
            auth: StatefulAuth::new(auth, stateful),
            links,
        }))
}

async fn reports(token: StatefulBearer<ReportsAccess>) -> Json<Value> {
    Json(json!({ "org_id": token.claims().org_id, "reports": ["q3", "q4"] }))
}

async fn export(
    State(links): State<Signer>,
    token: StatefulBearer<ReportsAccess>,
    Path(name): Path<String>,
) -> Response {
    let link = links.encode(&ExportLink {
        org_id: token.claims().org_id,
        report: name,
    });
    match link {
        Ok(link) => Json(json!({ "link": link.as_str() })).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn download(link: StatefulBearer<ExportLink>) -> String {
    let link = link.claims();
    format!("report,org\n{},{}\n", link.report, link.org_id)
}
