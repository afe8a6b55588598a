use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

// camelCase drops the leading underscore: `_iat` is written as `iat`.
#[derive(Serialize, Deserialize, Claims)]
#[jwt(typ = "access", aud = "billing")]
#[serde(rename_all = "camelCase")]
struct Access {
    org_id: u64,
    _iat: u64,
}

fn main() {}
