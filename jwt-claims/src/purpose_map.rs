//! Keys by purpose name, for the verifier and the signer.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by policy name, looked up on every decode and encode.
///
/// The names come from the application's code (a derived type's path, a
/// runtime policy's name), never from a token, so a fast unkeyed hash is
/// safe; SipHash would cost as much as the rest of the key selection.
pub(crate) type PurposeMap<V> = HashMap<String, V, BuildHasherDefault<NameHasher>>;

/// FxHash's multiply-rotate, a word at a time.
#[derive(Default)]
pub(crate) struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        let tail = chunks
            .remainder()
            .iter()
            .fold(0u64, |word, &byte| word << 8 | u64::from(byte));
        self.0 = (self.0.rotate_left(5) ^ tail).wrapping_mul(K);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_name_and_no_other() {
        let mut map = PurposeMap::default();
        let names: Vec<String> = (0..100)
            .map(|i| format!("crate::purpose::Type{i}"))
            .collect();
        for (i, name) in names.iter().enumerate() {
            map.insert(name.clone(), i);
        }
        for (i, name) in names.iter().enumerate() {
            assert_eq!(map.get(name.as_str()), Some(&i));
        }
        assert_eq!(map.get("crate::purpose::Type100"), None);
        assert_eq!(map.get(""), None);
    }
}
