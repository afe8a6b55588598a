use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "delegation", aud = "billing")]
struct Delegation {
    #[jwt(nested)]
    grant: String,
}

fn main() {}
