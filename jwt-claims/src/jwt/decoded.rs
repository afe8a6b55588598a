//! A verified token: its claims, registered claims and header facts.

use crate::{Algorithm, RegisteredClaims};

/// The result of a successful decode: the claims of type `T`, which every
/// check passed for, with the registered claims beside them.
///
/// It does not deref to `T`: its own accessors (`claims`, `registered`,
/// `algorithm`, `kid`) would then hide methods of the same names on the
/// claims type. Read a claim with `decoded.claims().org_id`, or take the
/// claims with [`Decoded::into_claims`].
///
/// ```
/// use jwt_claims::{Algorithm, Claims, HmacKey, Signer, Verifier};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, Claims)]
/// #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// struct BillingAccess { org_id: u64 }
///
/// impl BillingAccess {
///     // A method named like one of `Decoded`'s is still reachable.
///     fn registered(&self) -> bool { true }
/// }
///
/// let key = HmacKey::new(Algorithm::HS256, &[2; 32])?;
/// let signer = Signer::builder().issuer("auth").shared_key(key.clone()).build()?;
/// let verifier = Verifier::builder().issuer("auth").shared_key(key).build()?;
/// let decoded = verifier.decode::<BillingAccess>(signer.encode(&BillingAccess { org_id: 7 })?.as_str())?;
/// assert_eq!(decoded.claims().org_id, 7);
/// assert!(decoded.claims().registered());
/// assert_eq!(decoded.registered().issuer(), Some("auth"));
/// # Ok::<(), jwt_claims::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded<T> {
    pub(crate) claims: T,
    pub(crate) registered: RegisteredClaims,
    pub(crate) algorithm: Algorithm,
    pub(crate) kid: Option<String>,
}

impl<T> Decoded<T> {
    /// The purpose's own claims.
    pub fn claims(&self) -> &T {
        &self.claims
    }

    /// The purpose's own claims, owned.
    pub fn into_claims(self) -> T {
        self.claims
    }

    /// The registered claims (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`,
    /// `jti`).
    pub fn registered(&self) -> &RegisteredClaims {
        &self.registered
    }

    /// Splits into the claims and the registered claims.
    pub fn into_parts(self) -> (T, RegisteredClaims) {
        (self.claims, self.registered)
    }

    /// The algorithm the signature was verified with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The `kid` that selected the key, if the token had one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}
