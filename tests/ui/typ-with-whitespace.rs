use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access token", aud = "billing")]
struct Access {
    org_id: u64,
}

fn main() {}
