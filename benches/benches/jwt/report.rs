//! This benchmark's groups and contenders, in the order of its tables
//! (`jwt_claims_bench::report` prints them).

use std::time::SystemTime;

use jwt_claims_bench::interleave::Timing;

/// Groups in the order of the table.
const GROUPS: [&str; 12] = [
    "decode-HS256",
    "decode-ES256",
    "decode-EdDSA",
    "decode-RS256",
    "encode-HS256",
    "encode-ES256",
    "nested-1",
    "nested-2",
    "nested-4",
    "nested-8",
    "hostile-1MiB",
    "hostile-aud-100k",
];

/// Contenders in the order of the table; the first one a group has is its
/// baseline.
const CONTENDERS: [&str; 8] = [
    super::FLOOR,
    super::ONE_BY_ONE,
    super::TYPED,
    super::POLICY,
    super::RAISED,
    super::JSONWEBTOKEN,
    super::JWT_SIMPLE,
    super::JWT_COMPACT,
];

/// Whether criterion measured `contender` of `group` since `since`.
pub(crate) fn measured(group: &str, contender: &str, since: SystemTime) -> bool {
    jwt_claims_bench::report::measured(group, contender, since)
}

/// Prints the tables of everything measured since `since`.
pub(crate) fn print(since: SystemTime, races: &[(String, Vec<Timing>)]) {
    jwt_claims_bench::report::print(&GROUPS, &CONTENDERS, since, races);
}
