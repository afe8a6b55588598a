//! The integration suite of jwt-claims-axum: one binary, a module per
//! concern of the Services issue.

// The fixtures in `support` are `pub` for the sibling modules only.
#![allow(unreachable_pub)]

mod challenges;
mod cookies;
mod extractor;
mod key_sets;
mod layer;
mod leaks;
mod publish;
mod sources;
mod stateful;
mod support;
