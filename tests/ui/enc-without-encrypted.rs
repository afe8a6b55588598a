use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", enc = "A256GCM")]
struct BillingAccess {
    org_id: u64,
}

fn main() {}
