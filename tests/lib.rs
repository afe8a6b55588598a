//! Empty: this package's tests are its test targets (`integration/`,
//! `ui.rs`, `hygiene.rs`). The library exists for the UI tests: trybuild
//! builds each case in a project of its own, which gets this package's
//! features (and so jwt-claims' crypto backend, `aws_lc_rs` or
//! `rust_crypto`) only through a library of this package it depends on.
