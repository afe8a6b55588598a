//! Benchmarks of jwt-claims against jsonwebtoken, jwt-simple, jwt-compact
//! and a hand-written floor; see `BENCHMARKS.md` at the repository root.
//!
//! This library holds what the benchmarks (`benches/jwt/`, `benches/jwe/`),
//! the allocation test (`tests/allocations.rs`) and the profiling loop
//! (`examples/profile.rs`) share: the fixture token and keys, the floor,
//! the JWE fixture and its floor, the nested chain, the hostile tokens,
//! interleaved timing and the report. The peers are dev-dependencies, used
//! by the benchmarks only; the JWE benchmark's peer, josekit, is behind
//! the `josekit-peer` feature (it needs OpenSSL's headers).
//!
//! Run everything with `cargo bench -p jwt-claims-bench`.

pub mod fixture;
pub mod floor;
pub mod hostile;
pub mod interleave;
pub mod jwe;
pub mod nested;
pub mod report;
