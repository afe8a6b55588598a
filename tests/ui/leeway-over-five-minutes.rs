use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", leeway = "10m")]
struct Access {
    org_id: u64,
}

fn main() {}
