//! The packed hash table: the scorer's word cache and bigram table, built for its access
//! pattern (small integer keys, lookups that often miss the CPU caches).

use crate::text::Packed;

/// A key of a [`PackedTable`]: integers that are never all 0 for a real entry.
pub(super) trait PackedKey: Copy + Eq + Default {
    /// A 64-bit hash whose high bits are well mixed (the table indexes by them).
    fn hash(self) -> u64;
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

impl PackedKey for u64 {
    #[inline(always)]
    fn hash(self) -> u64 {
        self.wrapping_mul(GOLDEN)
    }
}

impl PackedKey for Packed {
    #[inline(always)]
    fn hash(self) -> u64 {
        (self[0] ^ self[1].wrapping_mul(0xC2B2_AE3D_27D4_EB4F)).wrapping_mul(GOLDEN)
    }
}

/// An open-addressing hash table (linear probing, at most half full) from a non-zero integer
/// key to a small value. Key and value sit side by side, so a lookup usually reads one cache
/// line, where a general-purpose map reads a control byte and then the slot: the word cache
/// is looked up once per word of text and often misses the CPU caches on an open vocabulary.
pub(super) struct PackedTable<K, V> {
    /// `(key, value)`; a zero key marks an empty slot. Empty, or a power of two long.
    slots: Vec<(K, V)>,
    len: usize,
    /// 64 - log2(slots.len()): the hash's top bits index the table.
    shift: u32,
}

impl<K: PackedKey, V: Copy + Default> Default for PackedTable<K, V> {
    fn default() -> Self {
        PackedTable {
            slots: Vec::new(),
            len: 0,
            shift: 64,
        }
    }
}

impl<K: PackedKey, V: Copy + Default> PackedTable<K, V> {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn clear(&mut self) {
        self.slots.fill((K::default(), V::default()));
        self.len = 0;
    }

    #[inline(always)]
    pub(super) fn get(&self, key: K) -> Option<V> {
        let mask = self.slots.len().wrapping_sub(1);
        // An empty table (shift 64) has no slot to find whatever `i` is, so the shift needs
        // no check: masked, it is one instruction.
        let mut i = (key.hash() >> (self.shift & 63)) as usize;
        loop {
            let &(k, v) = self.slots.get(i & mask)?;
            if k == key {
                return Some(v);
            }
            if k == K::default() {
                return None;
            }
            i += 1;
        }
    }

    /// Inserts or replaces `key`.
    pub(super) fn insert(&mut self, key: K, value: V) {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = (key.hash() >> self.shift) as usize;
        loop {
            let slot = &mut self.slots[i & mask];
            if slot.0 == key {
                slot.1 = value;
                return;
            }
            if slot.0 == K::default() {
                *slot = (key, value);
                self.len += 1;
                return;
            }
            i += 1;
        }
    }

    fn grow(&mut self) {
        let capacity = (self.slots.len() * 2).max(256);
        let old = std::mem::replace(
            &mut self.slots,
            vec![(K::default(), V::default()); capacity],
        );
        self.shift = 64 - capacity.trailing_zeros();
        self.len = 0;
        for (k, v) in old {
            if k != K::default() {
                self.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_table_agrees_with_a_hash_map_through_growth_replacement_and_clearing() {
        let mut table: PackedTable<Packed, u32> = PackedTable::default();
        let mut map = HashMap::new();
        assert_eq!(table.get([1, 0]), None, "an empty table finds nothing");
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for i in 0..5_000u32 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // Few distinct keys, so many inserts replace; never the empty key [0, 0].
            let key = [1 + seed % 3_000, seed % 3];
            table.insert(key, i);
            map.insert(key, i);
        }
        assert_eq!(table.len(), map.len());
        for (&key, &value) in &map {
            assert_eq!(table.get(key), Some(value));
        }
        assert_eq!(table.get([5_000, 0]), None);
        table.clear();
        assert_eq!(table.len(), 0);
        assert!(map.keys().all(|&key| table.get(key).is_none()));
    }
}
