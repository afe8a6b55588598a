use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(dangerous_untyped, aud = "my-client")]
struct GoogleId {
    email: String,
}

fn main() {}
