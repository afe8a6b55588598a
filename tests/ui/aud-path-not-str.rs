use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

mod audiences {
    pub const BILLING: &[u8] = b"billing";
}

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = ["reports", audiences::BILLING])]
struct Access {
    org_id: u64,
}

fn main() {}
