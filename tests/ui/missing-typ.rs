use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(aud = "billing", ttl = "15m")]
struct Access {
    org_id: u64,
}

fn main() {}
