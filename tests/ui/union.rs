use jwt_claims::Claims;

#[derive(Claims)]
#[jwt(typ = "access", aud = "billing")]
union Access {
    org_id: u64,
    user_id: u64,
}

fn main() {}
