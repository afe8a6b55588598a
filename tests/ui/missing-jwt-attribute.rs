use jwt_claims::Claims;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Claims)]
struct Access {
    org_id: u64,
}

fn main() {}
