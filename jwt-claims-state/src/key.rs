//! What a token is known by in a store: a hash of who issued it and its id.

use core::fmt;
use core::hash::{Hash, Hasher};

use sha2::{Digest, Sha256};

/// What a [`StoreKey`] holds: the same token id under two kinds (a
/// one-time mark and a denial) is two entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyKind {
    /// A one-time token was used: keyed by (`iss`, `jti`).
    Used,
    /// A token was revoked until its expiry: keyed by (`iss`, `jti`).
    Denied,
    /// A subject's "log out everywhere" watermark: keyed by (`iss`, `sub`).
    Watermark,
    /// A refresh-token family: keyed by (`iss`, family id).
    Family,
}

impl KeyKind {
    /// A short name, the suffix of the key in a Redis store.
    pub const fn name(self) -> &'static str {
        match self {
            KeyKind::Used => "used",
            KeyKind::Denied => "denied",
            KeyKind::Watermark => "watermark",
            KeyKind::Family => "family",
        }
    }

    /// What the id hashed with the issuer is: kinds about the same thing
    /// (a token's `jti`) share the hash, so a store can keep them together
    /// (one Redis Cluster slot).
    const fn namespace(self) -> &'static [u8] {
        match self {
            KeyKind::Used | KeyKind::Denied => b"jti",
            KeyKind::Watermark => b"sub",
            KeyKind::Family => b"family",
        }
    }
}

/// The key of one store entry: its [`KeyKind`] and the SHA-256 of the
/// length-prefixed (issuer, id) pair.
///
/// Never built from a token's bytes: a token re-encoded or re-signed (ECDSA
/// signatures have twins; some decoders accept base64 variants) carries
/// the same (`iss`, `jti`) and so is the same token. Each part is written
/// with its length, so `("a:b", "c")` and `("a", "b:c")` are different
/// keys, and an absent issuer differs from an empty one.
///
/// ```
/// use jwt_claims_state::{KeyKind, StoreKey};
///
/// let key = StoreKey::new(KeyKind::Used, Some("https://auth.example.com"), "5f0c7e3a");
/// assert_eq!(key, StoreKey::new(KeyKind::Used, Some("https://auth.example.com"), "5f0c7e3a"));
/// assert_ne!(StoreKey::new(KeyKind::Used, Some("a:b"), "c"), StoreKey::new(KeyKind::Used, Some("a"), "b:c"));
/// assert_ne!(key, StoreKey::new(KeyKind::Denied, Some("https://auth.example.com"), "5f0c7e3a"));
/// assert_eq!(key.hex().len(), 64);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoreKey {
    kind: KeyKind,
    digest: [u8; 32],
}

/// Separates these hashes from any other SHA-256 of the same bytes.
const DOMAIN: &[u8] = b"jwt-claims-state/key/v1";

impl StoreKey {
    /// The key of `kind` for `id` (a `jti`, a `sub` or a family id) as
    /// issued by `issuer`.
    pub fn new(kind: KeyKind, issuer: Option<&str>, id: &str) -> StoreKey {
        let mut hash = Sha256::new();
        hash.update(DOMAIN);
        field(&mut hash, kind.namespace());
        match issuer {
            Some(issuer) => {
                hash.update([1]);
                field(&mut hash, issuer.as_bytes());
            }
            None => hash.update([0]),
        }
        field(&mut hash, id.as_bytes());
        StoreKey {
            kind,
            digest: hash.finalize().into(),
        }
    }

    /// The key of `kind` for the same (issuer, id) as this one, without
    /// hashing again: only between kinds that hash the same id (a token's
    /// denial and its one-time mark, both of its `jti`).
    pub(crate) fn with_kind(self, kind: KeyKind) -> StoreKey {
        debug_assert_eq!(self.kind.namespace(), kind.namespace());
        StoreKey {
            kind,
            digest: self.digest,
        }
    }

    /// What the entry holds.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The SHA-256 digest.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The digest in lowercase hex.
    pub fn hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for byte in self.digest {
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        out
    }
}

/// One length-prefixed part of the hashed input.
fn field(hash: &mut Sha256, bytes: &[u8]) {
    hash.update((bytes.len() as u64).to_be_bytes());
    hash.update(bytes);
}

/// Hashes the first 128 bits of the digest, and not the kind: equal keys
/// hash alike, and a SHA-256 digest is uniform already, so hashing all of
/// it (what a derived `Hash` does, with its length) only costs a map's
/// hasher more rounds. A token's denial and its one-time mark, the two
/// kinds that share a digest, then share a hash too: a map finds the
/// second in the place it just looked for the first.
impl Hash for StoreKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let [a, b] = [0, 8].map(|at| {
            let mut word = [0; 8];
            word.copy_from_slice(&self.digest[at..at + 8]);
            u64::from_le_bytes(word)
        });
        state.write_u64(a);
        state.write_u64(b);
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreKey({}:{}…)", self.kind.name(), &self.hex()[..12])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_are_length_prefixed_so_moving_a_separator_changes_the_key() {
        let kind = KeyKind::Used;
        assert_ne!(
            StoreKey::new(kind, Some("a:b"), "c"),
            StoreKey::new(kind, Some("a"), "b:c")
        );
        assert_ne!(
            StoreKey::new(kind, Some("ab"), ""),
            StoreKey::new(kind, Some("a"), "b")
        );
    }

    #[test]
    fn an_absent_issuer_is_not_an_empty_one() {
        assert_ne!(
            StoreKey::new(KeyKind::Used, None, "j"),
            StoreKey::new(KeyKind::Used, Some(""), "j")
        );
    }

    #[test]
    fn a_mark_and_a_denial_of_one_token_share_the_digest_but_not_the_key() {
        let used = StoreKey::new(KeyKind::Used, Some("i"), "j");
        let denied = StoreKey::new(KeyKind::Denied, Some("i"), "j");
        assert_eq!(used.digest(), denied.digest());
        assert_ne!(used, denied);
        assert_ne!(
            used.digest(),
            StoreKey::new(KeyKind::Watermark, Some("i"), "j").digest()
        );
    }

    #[test]
    fn the_digest_is_sha256_of_the_documented_encoding() {
        let mut input = Vec::new();
        input.extend_from_slice(DOMAIN);
        input.extend_from_slice(&3u64.to_be_bytes());
        input.extend_from_slice(b"jti");
        input.push(1);
        input.extend_from_slice(&1u64.to_be_bytes());
        input.extend_from_slice(b"i");
        input.extend_from_slice(&1u64.to_be_bytes());
        input.extend_from_slice(b"j");
        let expected: [u8; 32] = Sha256::digest(&input).into();
        assert_eq!(
            StoreKey::new(KeyKind::Used, Some("i"), "j").digest(),
            &expected
        );
    }

    #[test]
    fn another_kind_of_the_same_id_is_the_key_new_makes() {
        let denied = StoreKey::new(KeyKind::Denied, Some("i"), "j");
        assert_eq!(
            denied.with_kind(KeyKind::Used),
            StoreKey::new(KeyKind::Used, Some("i"), "j")
        );
    }

    #[test]
    fn a_denial_and_a_mark_of_one_token_share_a_hash_and_stay_two_entries() {
        use std::collections::HashMap;
        use std::hash::BuildHasher;
        let used = StoreKey::new(KeyKind::Used, Some("i"), "j");
        let denied = used.with_kind(KeyKind::Denied);
        let hasher = std::collections::hash_map::RandomState::new();
        assert_eq!(hasher.hash_one(used), hasher.hash_one(denied));
        assert_ne!(
            hasher.hash_one(used),
            hasher.hash_one(StoreKey::new(KeyKind::Used, Some("i"), "k"))
        );
        let map = HashMap::from([(used, "used"), (denied, "denied")]);
        assert_eq!((map[&used], map[&denied]), ("used", "denied"));
    }

    #[test]
    fn debug_shows_the_kind_and_a_prefix_of_the_hash() {
        let key = StoreKey::new(KeyKind::Family, Some("i"), "f");
        assert_eq!(
            format!("{key:?}"),
            format!("StoreKey(family:{}…)", &key.hex()[..12])
        );
    }
}
