//! Benchmarks of jwt-claims against jsonwebtoken, jwt-simple, jwt-compact
//! and a hand-written floor; see `BENCHMARKS.md` at the repository root.
//!
//! This library holds what the benchmark (`benches/jwt/`), the allocation
//! test (`tests/allocations.rs`) and the profiling loop
//! (`examples/profile.rs`) share: the fixture token and keys, the floor,
//! the nested chain, the hostile tokens, interleaved timing and the
//! report. The peers are dev-dependencies, used by the benchmark only.
//!
//! Run everything with `cargo bench -p jwt-claims-bench`.

pub mod fixture;
pub mod floor;
pub mod hostile;
pub mod interleave;
pub mod nested;
pub mod report;
