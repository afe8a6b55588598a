use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

// An issuer constant of the wrong type: the compiler says so, on the path.
const AUTH_ISSUER: u32 = 1;

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", iss = AUTH_ISSUER)]
struct Access {
    org_id: u64,
}

fn main() {}
