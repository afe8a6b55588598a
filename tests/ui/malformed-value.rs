use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", ttl = 15 min)]
struct Access {
    org_id: u64,
}

fn main() {}
