use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", claim(iss = "https://auth.example.com"))]
struct Access {
    org_id: u64,
}

fn main() {}
