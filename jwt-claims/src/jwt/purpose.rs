//! Purposes by identity, for the verifier's and the signer's keys.
//!
//! A purpose is identified by what it is, never by its name: a derived
//! type by its [`TypeId`], a runtime purpose by the id it was given when
//! it was made. Two types called `Access` in one module, or a runtime
//! policy named like a derived type, are different purposes and can never
//! share or overwrite each other's keys.

use core::any::TypeId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Claims;

/// The identity of one purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PurposeId {
    /// A claims type (`#[derive(Claims)]` or a hand-written impl).
    Type(TypeId),
    /// A [`RuntimePurpose`](crate::RuntimePurpose), by the id it was made
    /// with.
    Runtime(u64),
}

impl PurposeId {
    /// The identity of claims type `T`.
    pub(crate) fn of<T: Claims>() -> PurposeId {
        PurposeId::Type(TypeId::of::<T>())
    }

    /// A runtime identity no other purpose of this process has.
    pub(crate) fn fresh() -> PurposeId {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        PurposeId::Runtime(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// A map keyed by purpose, looked up on every decode and encode.
///
/// The keys come from the application's code, never from a token, so
/// FxHash (no keying) is safe; SipHash would cost as much as the rest of
/// the key selection.
pub(crate) type PurposeMap<V> = HashMap<PurposeId, V, rustc_hash::FxBuildHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_runtime_ids_are_unique() {
        let a = PurposeId::fresh();
        let b = PurposeId::fresh();
        assert_ne!(a, b);
        let mut map = PurposeMap::default();
        map.insert(a, 1);
        map.insert(b, 2);
        assert_eq!(map.get(&a), Some(&1));
        assert_eq!(map.get(&b), Some(&2));
    }
}
