use jwt_claims::{Claims, Nested};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "grant", aud = "billing")]
struct Grant {
    scope: String,
}

// Every mistake below is reported in the same compile.
#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "delegation token", aud = ["billing", "billing"], alg = "none")]
#[jwt(ttl = "15", require = ["aud"], audience = "reports")]
struct Delegation {
    grant: Nested<Grant>,
    #[jwt(nested)]
    scope: String,
    exp: u64,
}

fn main() {}
