use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", dangerous_untyped, iss = "https://accounts.google.com", aud = "my-client")]
struct GoogleId {
    email: String,
}

fn main() {}
