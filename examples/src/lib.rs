//! The claims crate every service of the demo depends on.
//!
//! In a real deployment this is a small crate of its own: the auth service
//! mints these types and every other service decodes them, so all of them
//! agree at compile time on what each token is for.

use jwt_claims::{Claims, Nested};
use jwt_claims_state::{FamilyId, RefreshClaims, Revocable};
use serde::{Deserialize, Serialize};

/// The issuer of every token the auth service mints.
pub const AUTH_ISSUER: &str = "https://auth.example.com";

/// The issuer of the reports service's own one-time links.
pub const REPORTS_ISSUER: &str = "https://reports.example.com";

/// A user's role in an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Can read invoices.
    Viewer,
    /// Can pay and change invoices.
    Admin,
}

/// Lets a user call the billing service for 15 minutes.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "access", iss = AUTH_ISSUER, ttl = "15m", require = ["sub"])]
pub struct BillingAccess {
    /// The user's role in `org_id`.
    pub role: Role,
    /// The organisation whose invoices may be touched.
    pub org_id: u64,
    /// Present when the user acts on someone else's behalf.
    #[jwt(nested)]
    pub grant: Option<Nested<DelegationGrant>>,
    /// The login session (refresh family) it was minted from: logging out
    /// revokes it, and this token with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<FamilyId>,
}

impl Revocable for BillingAccess {
    fn family(&self) -> Option<&FamilyId> {
        self.session.as_ref()
    }
}

/// Lets a user call the reports service.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(aud = "reports", typ = "access", iss = AUTH_ISSUER, ttl = "15m", require = ["sub"])]
pub struct ReportsAccess {
    /// The organisation whose reports may be read.
    pub org_id: u64,
    /// The login session it was minted from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<FamilyId>,
}

impl Revocable for ReportsAccess {
    fn family(&self) -> Option<&FamilyId> {
        self.session.as_ref()
    }
}

/// Obtains new access tokens from the auth service; never accepted
/// anywhere else.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(aud = "auth", typ = "refresh", iss = AUTH_ISSUER, ttl = "30d", require = ["sub", "jti"])]
pub struct RefreshToken {
    /// The session (refresh family) the token belongs to.
    pub session: FamilyId,
}

impl RefreshClaims for RefreshToken {
    fn family_id(&self) -> &FamilyId {
        &self.session
    }
}

/// The user's payment details, from auth to billing: personal data that
/// only billing can read. Signed by auth, then encrypted to billing's key.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", typ = "contact", iss = AUTH_ISSUER, ttl = "15m", require = ["sub"], encrypted, enc = "A256GCM")]
pub struct BillingContact {
    /// Where invoices go.
    pub email: String,
    /// The account they are paid from.
    pub iban: String,
}

/// A link to download one export of a report, good for one download:
/// minted and checked by the reports service alone, with its own key.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(aud = "reports", typ = "export", iss = REPORTS_ISSUER, ttl = "10m", one_time)]
pub struct ExportLink {
    /// The organisation whose report it is.
    pub org_id: u64,
    /// Which report.
    pub report: String,
}

impl Revocable for ExportLink {
    fn family(&self) -> Option<&FamilyId> {
        None
    }
}

/// A short-lived grant from one user to another, embedded in an access
/// token and verified with its own key.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(
    aud = "billing",
    typ = "delegation",
    iss = AUTH_ISSUER,
    ttl = "5m",
    alg = "EdDSA"
)]
pub struct DelegationGrant {
    /// Who granted it.
    pub granted_by: String,
    /// What it allows.
    pub scope: String,
}
