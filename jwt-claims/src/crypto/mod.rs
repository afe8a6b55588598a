//! The crypto backend: one implementation is compiled in, chosen by Cargo
//! feature, behind the same small surface the key types use.
//!
//! - `aws_lc_rs` (default): [aws-lc-rs], the crate behind jsonwebtoken's
//!   `aws_lc_rs` backend, called directly so that every key is parsed once.
//! - `rust_crypto`: jsonwebtoken's pure-Rust RustCrypto provider, for
//!   targets where aws-lc cannot be built. Slower: the provider has no way
//!   to keep a parsed key between calls.
//!
//! When a build enables both (feature unification can do that in a
//! workspace), aws-lc-rs is used; when it enables neither, `lib.rs` stops
//! the build with a message. jsonwebtoken itself panics at the first
//! signature in both situations; jwt-claims never calls its process-wide
//! provider selection, so that panic cannot happen here.
//!
//! [aws-lc-rs]: https://docs.rs/aws-lc-rs

#[cfg(feature = "aws_lc_rs")]
mod aws_lc;
#[cfg(feature = "aws_lc_rs")]
pub(crate) use aws_lc::{BACKEND, Hmac, Private, Public, Rejected, fill_random, sha256};

#[cfg(all(feature = "rust_crypto", not(feature = "aws_lc_rs")))]
mod rust_crypto;
#[cfg(all(feature = "rust_crypto", not(feature = "aws_lc_rs")))]
pub(crate) use rust_crypto::{BACKEND, Hmac, Private, Public, Rejected, fill_random, sha256};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Algorithm;

    /// Feature unification can switch both backends on; jsonwebtoken would
    /// panic at the first signature then, jwt-claims picks aws-lc-rs.
    #[test]
    #[cfg(all(feature = "aws_lc_rs", feature = "rust_crypto"))]
    fn both_backends_enabled_selects_aws_lc_rs_and_works() {
        assert_eq!(BACKEND, "aws-lc-rs");
        let key = crate::HmacKey::new(Algorithm::HS256, &[3; 32]).unwrap();
        let mut tag = Vec::new();
        key.sign_into(b"message", &mut tag);
        assert!(key.verify(b"message", &tag));
    }

    #[test]
    fn sign_and_verify_with_the_selected_backend() {
        let hmac = Hmac::new(Algorithm::HS512, &[1; 64]);
        let mut tag = Vec::new();
        hmac.sign_into(b"m", &mut tag);
        assert_eq!(tag.len(), 64);
        assert!(hmac.verify(b"m", &tag));
        assert!(!hmac.verify(b"n", &tag));
        let mut random = [0u8; 32];
        fill_random(&mut random).unwrap();
        assert_ne!(random, [0u8; 32]);
    }
}
