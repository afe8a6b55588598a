//! Opt-outs of jwt-claims' safety rules, in one loudly named place.
//!
//! Everything here weakens security. Each function says what it gives up;
//! reach for one only to interoperate with a system you cannot fix, and
//! plan to stop. No Cargo feature enables any of this: it is always a
//! visible call in your code.

use zeroize::Zeroizing;

use std::borrow::Cow;
use std::time::Duration;

use crate::{Algorithm, Error, HmacKey, Policy, PrivateKey, VerifierBuilder};

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

/// Exports a private key as a JWK, private members included, e.g. for a
/// secrets store or another signer.
///
/// Anyone holding the output can sign tokens as you. It never goes into a
/// published JWK Set: [`JwkSet`](crate::JwkSet) holds public keys only, and
/// this call is the one way out for private material. The string is wiped
/// from memory when dropped.
///
/// ```
/// use jwt_claims::{Algorithm, PrivateKey, dangerous};
///
/// let key = PrivateKey::generate(Algorithm::ES256)?.with_kid("k1");
/// let jwk = dangerous::export_private_jwk(&key)?;
/// let again = PrivateKey::from_jwk(Algorithm::ES256, &jwk)?;
/// assert_eq!(again.public_key().thumbprint(), key.public_key().thumbprint());
/// # Ok::<(), jwt_claims::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidKey`] for a multi-prime RSA key, which JWK export does
/// not support.
pub fn export_private_jwk(key: &PrivateKey) -> Result<Zeroizing<String>, Error> {
    key.to_private_jwk()
}

/// Exports a private key as PKCS#8 PEM (`PRIVATE KEY`). As
/// [`export_private_jwk`]: whoever holds it signs as you.
///
/// # Errors
/// [`Error::Configuration`] if the crypto backend cannot export the key.
pub fn export_private_pem(key: &PrivateKey) -> Result<Zeroizing<String>, Error> {
    let der = key.to_pkcs8()?;
    Ok(Zeroizing::new(pem::encode(&pem::Pem::new(
        "PRIVATE KEY",
        der.to_vec(),
    ))))
}

/// Exports an HMAC secret as an `oct` JWK (RFC 7518 §6.4). Whoever holds
/// it can both verify and mint tokens. The string is wiped when dropped.
///
/// ```
/// use jwt_claims::{Algorithm, HmacKey, dangerous};
///
/// let key = HmacKey::generate(Algorithm::HS256)?;
/// let jwk = dangerous::export_hmac_jwk(&key);
/// assert!(jwk.starts_with(r#"{"kty":"oct","k":""#));
/// # Ok::<(), jwt_claims::Error>(())
/// ```
pub fn export_hmac_jwk(key: &HmacKey) -> Zeroizing<String> {
    key.to_jwk()
}

/// A policy for a third-party issuer's tokens that carry the generic
/// `typ: "JWT"` or no `typ` at all (Google, Keycloak, Firebase, Cognito),
/// which no purpose of your own would accept.
///
/// Explicit typing (RFC 8725 §3.11) is what keeps one kind of token from
/// passing for another; without it, only the issuer, the audience and the
/// claims you require tell this issuer's tokens apart. So the purpose is
/// bound to `issuer` (exactly) and `audiences`; require what else tells
/// its kinds apart, e.g. Cognito's `token_use`:
///
/// ```
/// use jwt_claims::{Policy, RuntimePurpose, dangerous};
///
/// let cognito_access = RuntimePurpose::new(
///     dangerous::untyped_policy(
///         "cognito.access",
///         "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example",
///         ["my-client-id"],
///     )
///     .with_claim("token_use", "access"),
/// )?;
/// assert_eq!(cognito_access.policy().token_type(), None);
/// # Ok::<(), jwt_claims::Error>(())
/// ```
///
/// The signer refuses to mint tokens of such a purpose: jwt-claims mints
/// only typed ones. For a derived type, the same opt-out is
/// `#[jwt(dangerous_untyped, iss = "...", aud = "...")]`.
pub fn untyped_policy<A, S>(
    name: impl Into<Cow<'static, str>>,
    issuer: impl Into<Cow<'static, str>>,
    audiences: A,
) -> Policy
where
    A: IntoIterator<Item = S>,
    S: Into<Cow<'static, str>>,
{
    let mut policy = Policy::new(name, "", audiences).with_issuer(issuer);
    policy.typ = None;
    policy
}

/// Gives `policy` a leeway longer than
/// [`MAX_LEEWAY`](crate::MAX_LEEWAY) (5 minutes).
///
/// Every second of leeway keeps an expired token alive that much longer;
/// hours of it make expiry meaningless. Only for issuers whose clocks you
/// cannot fix, and only while you cannot.
pub fn long_leeway_policy(mut policy: Policy, leeway: Duration) -> Policy {
    policy.leeway = leeway;
    policy.long_leeway = true;
    policy
}

/// Gives a verifier a leeway on every purpose longer than
/// [`MAX_LEEWAY`](crate::MAX_LEEWAY) (5 minutes); as
/// [`long_leeway_policy`].
///
/// ```
/// use std::time::Duration;
/// use jwt_claims::{Algorithm, HmacKey, Verifier, dangerous};
///
/// let key = HmacKey::new(Algorithm::HS256, &[1; 32])?;
/// let refused = Verifier::builder().shared_key(key.clone()).leeway(Duration::from_secs(3600)).build();
/// assert!(refused.is_err());
/// let lenient = dangerous::long_leeway(Verifier::builder().shared_key(key), Duration::from_secs(3600)).build()?;
/// # Ok::<(), jwt_claims::Error>(())
/// ```
pub fn long_leeway(builder: VerifierBuilder, leeway: Duration) -> VerifierBuilder {
    let mut builder = builder.leeway(leeway);
    builder.long_leeway = true;
    builder
}
