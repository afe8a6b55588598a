use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", encrypted, enc = ["A256GCM", "A192GCM"])]
struct BillingAccess {
    org_id: u64,
}

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "reports", encrypted = true)]
struct ReportsAccess {
    org_id: u64,
}

fn main() {}
