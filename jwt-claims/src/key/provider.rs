//! Keys a purpose takes from a source the application keeps fresh: a
//! remote JWK Set refreshed on the decoding thread ([`RemoteJwks`]), or one
//! refreshed off the request path by an async runtime (the axum crate's).
//!
//! [`RemoteJwks`]: crate::RemoteJwks

use std::sync::Arc;

use crate::Error;
use crate::jws::{KeySource, Keys};
use crate::key::VerifyingKey;

/// Where a purpose's keys come from, when they are not configured once:
/// give one to a verifier with
/// [`VerifierBuilder::key_provider`](crate::VerifierBuilder::key_provider).
///
/// The verifier asks only after a token's size, structure and header have
/// passed, so unauthenticated garbage costs a provider nothing. Both calls
/// run on the decoding thread and must not block on the network for long:
/// a provider that refreshes in the background answers from its snapshot.
///
/// ```
/// use std::sync::{Arc, RwLock};
/// use jwt_claims::{Algorithm, Claims, Error, HmacKey, KeyProvider, Signer, Verifier, VerifyingKey};
/// # use serde::{Deserialize, Serialize};
/// # #[derive(Serialize, Deserialize, Claims)]
/// # #[jwt(aud = "billing", typ = "access", ttl = "15m")]
/// # struct BillingAccess {}
///
/// /// Keys swapped in by some background task.
/// struct Swapped(RwLock<Arc<[VerifyingKey]>>);
///
/// impl KeyProvider for Swapped {
///     fn keys(&self) -> Result<Arc<[VerifyingKey]>, Error> {
///         Ok(self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone())
///     }
/// }
///
/// let key = HmacKey::new(Algorithm::HS256, &[8; 32])?;
/// let provider = Arc::new(Swapped(RwLock::new(Arc::new([key.clone().into()]))));
/// let verifier = Verifier::builder().key_provider::<BillingAccess>(provider).build()?;
/// let signer = Signer::builder().shared_key(key).build()?;
/// verifier.decode::<BillingAccess>(signer.encode(&BillingAccess {})?.as_str())?;
/// # Ok::<(), Error>(())
/// ```
pub trait KeyProvider: Send + Sync + 'static {
    /// The current keys: a snapshot, cheap to take (an `Arc` clone).
    ///
    /// # Errors
    /// [`Error::KeySetUnavailable`] (or another error of the
    /// [`Unavailable`](crate::ErrorKind::Unavailable) kind) when there are
    /// no keys to give yet; verification then fails with it, never
    /// succeeds.
    fn keys(&self) -> Result<Arc<[VerifyingKey]>, Error>;

    /// A token named a `kid` the current keys lack (the issuer may have
    /// rotated). Return `true` only when [`KeyProvider::keys`] now has a
    /// newer set worth one more look; rate-limit whatever this triggers,
    /// since any caller can make up `kid`s. The default does nothing.
    fn unknown_kid(&self) -> bool {
        false
    }
}

impl KeySource for Arc<dyn KeyProvider> {
    fn current(&self) -> Result<Keys<'_>, Error> {
        self.keys().map(Keys::Shared)
    }

    fn refresh_for_unknown_kid(&self) -> bool {
        self.unknown_kid()
    }
}
