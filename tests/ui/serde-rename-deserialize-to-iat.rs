use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing")]
struct Access {
    org_id: u64,
    #[serde(rename(serialize = "issued", deserialize = "iat"))]
    issued: u64,
}

fn main() {}
