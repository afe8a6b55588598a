//! The JWT claims layer, on top of the JWS layer ([`crate::jws`]): purposes
//! ([`Claims`](crate::Claims), [`Policy`](crate::Policy),
//! [`RuntimePurpose`](crate::RuntimePurpose)), the [`Verifier`](crate::Verifier)
//! that decodes a payload into registered claims and the claims type and
//! checks them, the [`Signer`](crate::Signer) that writes them, and tokens
//! nested in claims.

pub(crate) mod claims;
pub(crate) mod decode;
pub(crate) mod decoded;
pub(crate) mod encode;
pub(crate) mod encryption;
pub(crate) mod nested;
pub(crate) mod policy;
pub(crate) mod purpose;
pub(crate) mod registered;
pub(crate) mod signer;
pub(crate) mod token;
pub(crate) mod validation;
pub(crate) mod verifier;
