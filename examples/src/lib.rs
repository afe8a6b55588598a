//! The claims crate every service of the demo depends on.
//!
//! In a real deployment this is a small crate of its own: the auth service
//! mints these types and every other service decodes them, so all of them
//! agree at compile time on what each token is for.

use jwt_claims::{Claims, Nested};
use serde::{Deserialize, Serialize};

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
#[jwt(aud = "billing", typ = "access", iss = "https://auth.example.com", ttl = "15m", require = ["sub"])]
pub struct BillingAccess {
    /// The user's role in `org_id`.
    pub role: Role,
    /// The organisation whose invoices may be touched.
    pub org_id: u64,
    /// Present when the user acts on someone else's behalf.
    #[jwt(nested)]
    pub grant: Option<Nested<DelegationGrant>>,
}

/// Lets a user call the reports service.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(aud = "reports", typ = "access", iss = "https://auth.example.com", ttl = "15m", require = ["sub"])]
pub struct ReportsAccess {
    /// The organisation whose reports may be read.
    pub org_id: u64,
}

/// Obtains new access tokens from the auth service; never accepted
/// anywhere else.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(aud = "auth", typ = "refresh", iss = "https://auth.example.com", ttl = "30d", require = ["sub", "jti"])]
pub struct RefreshToken {
    /// The session the refresh token belongs to.
    pub session: String,
}

/// A short-lived grant from one user to another, embedded in an access
/// token and verified with its own key.
#[derive(Debug, Serialize, Deserialize, Claims)]
#[jwt(
    aud = "billing",
    typ = "delegation",
    iss = "https://auth.example.com",
    ttl = "5m",
    alg = "EdDSA"
)]
pub struct DelegationGrant {
    /// Who granted it.
    pub granted_by: String,
    /// What it allows.
    pub scope: String,
}
