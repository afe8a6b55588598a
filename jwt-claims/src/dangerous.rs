//! Opt-outs of jwt-claims' safety rules, in one loudly named place.
//!
//! Everything here weakens security. Each function says what it gives up;
//! reach for one only to interoperate with a system you cannot fix, and
//! plan to stop. No Cargo feature enables any of this: it is always a
//! visible call in your code.

use crate::{Algorithm, Error, HmacKey};

/// Builds an HMAC key from a secret shorter than the hash output.
///
/// RFC 7518 §3.2 requires at least as many bytes as the hash (32 for
/// HS256); shorter secrets, especially human-chosen ones, can be brute-forced
/// offline from a single token. Use only to verify tokens from a legacy
/// issuer while its secret is rotated.
///
/// ```
/// use jwt_claims::{Algorithm, dangerous};
///
/// let legacy = dangerous::hmac_key_with_short_secret(Algorithm::HS256, b"legacy-secret")?;
/// assert_eq!(legacy.algorithm(), Algorithm::HS256);
/// # Ok::<(), jwt_claims::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidKey`] when `algorithm` is not an HMAC algorithm or the
/// secret is empty.
pub fn hmac_key_with_short_secret(algorithm: Algorithm, secret: &[u8]) -> Result<HmacKey, Error> {
    HmacKey::min_secret_len(algorithm)?;
    if secret.is_empty() {
        return Err(Error::InvalidKey {
            algorithm,
            reason: "the secret is empty".into(),
        });
    }
    Ok(HmacKey::new_unchecked_length(algorithm, secret))
}
