//! # jwt-claims: typed, purpose-scoped JSON Web Tokens
//!
//! A token minted for one purpose must never be accepted for another: a
//! refresh token used as an access token, a token for `reports` replayed at
//! `billing`. jwt-claims makes the purpose part of the type:
//!
//! ```
//! use jwt_claims::{Algorithm, Claims, Error, HmacKey, Signer, Verifier};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Serialize, Deserialize, Claims)]
//! #[jwt(aud = "billing", typ = "access", ttl = "15m")]
//! struct BillingAccess { org_id: u64 }
//!
//! #[derive(Debug, Serialize, Deserialize, Claims)]
//! #[jwt(aud = "reports", typ = "access", ttl = "15m")]
//! struct ReportsAccess { org_id: u64 }
//!
//! let key = HmacKey::new(Algorithm::HS256, &[7; 32])?;
//! let signer = Signer::builder().issuer("auth").shared_key(key.clone()).build()?;
//! let billing = Verifier::builder().issuer("auth").shared_key(key).build()?;
//!
//! let token = signer.encode(&ReportsAccess { org_id: 1 })?;
//! let err = billing.decode::<BillingAccess>(token.as_str()).unwrap_err();
//! assert_eq!(err.to_string(), r#"wrong audience: expected ["billing"], found ["reports"]"#);
//! # Ok::<(), Error>(())
//! ```
//!
//! ## Layers
//! The source tree has one directory a layer:
//! - [`jws`] (`src/jws/`): compact serialization, header rules and
//!   signatures, raw payload bytes out.
//! - The JWT claims layer on top (`src/jwt/`): [`Verifier`] and [`Signer`],
//!   typed ([`Verifier::decode`]) or with a purpose built at run time
//!   ([`RuntimePurpose`], [`Verifier::decode_runtime`]); both run the same
//!   checks.
//! - Keys (`src/key/`): [`HmacKey`], [`PublicKey`], [`PrivateKey`], bound
//!   to one algorithm and parsed once; [`JwkSet`]s, and remote ones.
//!
//! ## Crypto backend
//! One of two backends makes and checks signatures, chosen by feature:
//!
//! | feature | backend | notes |
//! |---|---|---|
//! | `aws_lc_rs` (default) | [aws-lc-rs], called directly | keys parsed once; the fast one |
//! | `rust_crypto` | jsonwebtoken's RustCrypto provider | pure Rust, no C compiler; several times slower |
//!
//! To switch to pure Rust: `jwt-claims = { version = "0.1", default-features
//! = false, features = ["derive", "rust_crypto"] }`. A build with both
//! features (feature unification in a workspace can cause that) uses
//! aws-lc-rs; a build with neither stops with a compile error naming the
//! features. Neither case can panic at run time. [`CRYPTO_BACKEND`] says
//! which backend a build uses.
//!
//! [aws-lc-rs]: https://docs.rs/aws-lc-rs

#[cfg(not(any(feature = "aws_lc_rs", feature = "rust_crypto")))]
compile_error!(
    "jwt-claims needs a crypto backend: enable its `aws_lc_rs` feature (on by default) \
     or its `rust_crypto` feature, e.g. `jwt-claims = { version = \"0.1\", features = [\"aws_lc_rs\"] }`"
);

mod algorithm;
mod base64url;
mod clock;
mod config_error;
mod crypto;
pub mod dangerous;
mod error;
mod json;
pub mod jwe;
pub mod jws;
mod jwt;
mod key;

pub use algorithm::{Algorithm, KeyFamily};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config_error::{ConfigError, PolicyProblem};
pub use error::{Error, ErrorKind, Part};
pub use jwt::claims::Claims;
pub use jwt::decoded::Decoded;
pub use jwt::nested::{DEFAULT_MAX_NESTING_DEPTH, Nested};
pub use jwt::policy::{ClaimValue, MAX_LEEWAY, Policy, RegisteredClaim, RuntimePurpose};
pub use jwt::registered::{Audience, RegisteredClaims};
pub use jwt::signer::{Issue, Signer, SignerBuilder};
pub use jwt::token::Token;
pub use jwt::verifier::{DEFAULT_CLOCK_SKEW, Verifier, VerifierBuilder};
#[cfg(feature = "remote-jwks")]
pub use key::remote::{RemoteJwks, RemoteJwksBuilder};
pub use key::{
    FetchLimits, HmacKey, JwkSet, KeyProvider, PrivateKey, PublicKey, SigningKey, SkipReason,
    SkippedKey, VerifyingKey,
};

/// The crypto backend this build signs and verifies with: `"aws-lc-rs"`
/// or `"rust-crypto"`. When a build enables both features, aws-lc-rs wins.
///
/// ```
/// assert!(["aws-lc-rs", "rust-crypto"].contains(&jwt_claims::CRYPTO_BACKEND));
/// ```
pub const CRYPTO_BACKEND: &str = crypto::BACKEND;

#[cfg(feature = "derive")]
#[doc = include_str!("docs/derive.md")]
pub use jwt_claims_derive::Claims;

// The README's examples are part of the documentation: keep them compiling.
// They are written for the default backend (its encrypted tokens need
// aws-lc-rs), so the pure-Rust build skips them.
#[cfg(all(doctest, feature = "aws_lc_rs"))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// What generated code calls. Not public API: no semver guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::jwt::nested::{NestedCx, NestedField, Wrapped, verify_nested};
    pub use std::borrow::Cow;
    pub use std::string::String;

    pub use crate::jwe::ContentEncryption;
    pub use crate::jwt::policy::DerivedPolicy;
    pub use crate::{Algorithm, ClaimValue, Policy, RegisteredClaim};

    /// The field of a wrapping purpose, read from a verified outer token
    /// and not yet verified itself.
    pub fn nested_from_token<T>(token: String) -> crate::Nested<T> {
        crate::Nested::from_token(token)
    }

    /// The policy a derived type declares, for its `static`.
    pub const fn policy(parts: DerivedPolicy) -> Policy {
        crate::jwt::policy::derived(parts)
    }

    /// A private claim a derived type requires with an exact value.
    pub const fn claim(name: &'static str, value: &'static str) -> ClaimValue {
        crate::jwt::policy::derived_claim(name, value)
    }
}
