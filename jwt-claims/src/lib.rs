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
//! - [`jws`]: compact serialization, header rules and signatures, raw
//!   payload bytes out.
//! - [`Verifier`] / [`Signer`]: the JWT claims layer on top, typed
//!   ([`Verifier::decode`]) or with a runtime [`Policy`]
//!   ([`Verifier::decode_with_policy`]); both run the same checks.
//! - Keys ([`HmacKey`], [`PublicKey`], [`PrivateKey`]) are bound to one
//!   algorithm and parsed once.
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
mod claims;
mod clock;
mod crypto;
pub mod dangerous;
mod decoded;
mod der;
mod envelope;
mod error;
mod json;
mod json_object;
pub mod jws;
mod key;
mod nested;
mod payload;
mod policy;
mod purpose_map;
mod registered;
#[cfg(feature = "remote-jwks")]
mod remote_jwks;
mod signer;
mod token;
mod validation;
mod verifier;

pub use algorithm::{Algorithm, KeyFamily};
pub use claims::Claims;
pub use clock::{Clock, FixedClock, SystemClock};
pub use decoded::Decoded;
pub use error::{Error, ErrorKind, Part};
pub use key::{
    HmacKey, JwkSet, PrivateKey, PublicKey, SigningKey, SkipReason, SkippedKey, VerifyingKey,
};
pub use nested::{DEFAULT_MAX_NESTING_DEPTH, Nested};
pub use policy::{ClaimValue, MAX_LEEWAY, Policy, RegisteredClaim, RuntimePurpose};
pub use registered::{Audience, RegisteredClaims};
#[cfg(feature = "remote-jwks")]
pub use remote_jwks::{RemoteJwks, RemoteJwksBuilder};
pub use signer::{Issue, Signer, SignerBuilder};
pub use token::Token;
pub use verifier::{DEFAULT_CLOCK_SKEW, Verifier, VerifierBuilder};

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
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// What generated code calls. Not public API: no semver guarantees.
#[doc(hidden)]
pub mod __private {
    pub use crate::nested::{NestedCx, NestedField, Wrapped, verify_nested};
    pub use std::borrow::Cow;
    pub use std::string::String;

    pub use crate::policy::DerivedPolicy;
    pub use crate::{Algorithm, ClaimValue, Policy, RegisteredClaim};

    /// The field of a wrapping purpose, read from a verified outer token
    /// and not yet verified itself.
    pub fn nested_from_token<T>(token: String) -> crate::Nested<T> {
        crate::Nested::from_token(token)
    }

    /// The policy a derived type declares, for its `static`.
    pub const fn policy(parts: DerivedPolicy) -> Policy {
        crate::policy::derived(parts)
    }

    /// A private claim a derived type requires with an exact value.
    pub const fn claim(name: &'static str, value: &'static str) -> ClaimValue {
        crate::policy::derived_claim(name, value)
    }
}
