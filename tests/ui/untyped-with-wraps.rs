use jwt_claims::{Claims, Nested};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing", ttl = "15m")]
struct Access {
    org_id: u64,
}

#[derive(Serialize, Deserialize, Claims)]
#[jwt(dangerous_untyped, wraps)]
struct Envelope {
    #[jwt(nested)]
    inner: Nested<Access>,
}

fn main() {}
