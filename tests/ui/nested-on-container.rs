use jwt_claims::{Claims, Nested};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "grant", aud = "billing")]
struct Grant {
    scope: String,
}

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "delegation", aud = "billing", nested)]
struct Delegation {
    grant: Nested<Grant>,
}

fn main() {}
