use jwt_claims::{Claims, Nested};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "reset", aud = "accounts", ttl = "15m", one_time)]
struct PasswordReset {
    account: u64,
}

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "gateway", wraps, one_time)]
struct Envelope {
    #[jwt(nested)]
    inner: Nested<PasswordReset>,
}

fn main() {}
