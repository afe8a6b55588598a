//! Compile-fail tests of `#[derive(Claims)]`: one mistake per file in
//! `ui/`, named after the mistake, with the compiler's output pinned in the
//! `.stderr` next to it.
//!
//! After changing a message on purpose, regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p jwt-claims-tests --test ui` and read
//! every diff: each error must say what is wrong and point at the token
//! that is wrong.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
