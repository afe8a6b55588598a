//! Integration tests of jwt-claims, one module per concern.
//!
//! Every test names the behaviour it proves and asserts the exact error:
//! a rejection for the wrong reason is a bug as much as an acceptance.

mod support;

mod backends;
mod claims;
mod encode;
mod header;
mod interop;
#[cfg(feature = "aws_lc_rs")]
mod jwe_attacks;
#[cfg(feature = "aws_lc_rs")]
mod jwe_interop;
#[cfg(feature = "aws_lc_rs")]
mod jwe_keys;
#[cfg(feature = "aws_lc_rs")]
mod jwe_vectors;
mod jws;
mod key_sets;
mod keys;
mod leaks;
mod nested;
mod properties;
mod regressions;
#[cfg(feature = "remote-jwks")]
mod remote_jwks;
mod rotation;
mod runtime_policy;
mod scoping;
mod signatures;
mod structure;
mod vectors;
mod wrapping;
