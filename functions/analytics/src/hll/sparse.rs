//! The sparse representation: the set of occupied buckets at precision
//! `p' = 25`, each with the extra rank `ρ'` when the dense rank needs it.

use super::codec::{HEADER_LEN, varint_len};
use super::{DENSE_ENCODED_LEN, MAX_SPARSE_RANK, PRECISION, SPARSE_PRECISION};

/// Sparse index bits beyond the dense register index (25 − 14).
pub(super) const EXTRA_BITS: u32 = (SPARSE_PRECISION - PRECISION) as u32;
/// The sparse index bits that, when non-zero, imply the dense rank.
const LOW_MASK: u32 = (1 << EXTRA_BITS) - 1;
/// Number of sparse buckets, `m' = 2^25`.
pub(super) const SPARSE_BUCKETS: u32 = 1 << SPARSE_PRECISION;
/// An in-memory entry is `index << RANK_BITS | ρ'`.
const RANK_BITS: u32 = 6;
const RANK_MASK: u32 = (1 << RANK_BITS) - 1;

/// Occupied sparse buckets, sorted by index, one entry per index. `ρ'` is
/// kept (as the maximum seen) only for indices whose low 11 bits are zero,
/// and is 0 otherwise, so an entry is a pure function of the hashes that
/// fell in its bucket.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Sparse {
    entries: Vec<u32>,
    /// Encoded length of `entries` (gaps and rank bytes, without the header
    /// and count): kept up to date on insert to decide the switch to dense.
    body_len: usize,
}

/// Whether entry `index` carries a rank byte `ρ'`.
pub(super) const fn needs_rank(index: u32) -> bool {
    index & LOW_MASK == 0
}

/// Encoded length of the entry `index` following `prev`. It depends only on
/// the indices, never on ranks, so the encoded size of a sketch grows with
/// its set of indices and the switch to dense does not depend on the order
/// in which visitors arrive.
fn entry_cost(prev: Option<u32>, index: u32) -> usize {
    varint_len(u64::from(index.saturating_sub(prev.unwrap_or(0)))) + usize::from(needs_rank(index))
}

impl Sparse {
    /// The in-memory entry for a (valid) index and rank.
    pub(super) const fn pack(index: u32, rank: u8) -> u32 {
        (index << RANK_BITS) | rank as u32
    }

    /// Builds a sparse set from entries sorted by strictly increasing index.
    pub(super) fn from_sorted(entries: Vec<u32>) -> Self {
        let mut body_len = 0;
        let mut prev = None;
        for &entry in &entries {
            let index = entry >> RANK_BITS;
            body_len += entry_cost(prev, index);
            prev = Some(index);
        }
        Self { entries, body_len }
    }

    /// Number of occupied sparse buckets.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// `(index, ρ')` in increasing index order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        self.entries
            .iter()
            .map(|&e| (e >> RANK_BITS, (e & RANK_MASK) as u8))
    }

    /// Length of this set's encoding, header included.
    pub(super) fn encoded_len(&self) -> usize {
        HEADER_LEN + varint_len(self.entries.len() as u64) + self.body_len
    }

    /// Whether the sparse encoding is no longer than the dense one.
    pub(super) fn fits(&self) -> bool {
        self.encoded_len() <= DENSE_ENCODED_LEN
    }

    /// Records a (remixed) hash.
    pub(super) fn insert_hash(&mut self, x: u64) {
        let index = (x >> (64 - SPARSE_PRECISION)) as u32;
        let rank = if needs_rank(index) {
            let zeros = (x << SPARSE_PRECISION).leading_zeros();
            (zeros.min(u32::from(MAX_SPARSE_RANK) - 1) + 1) as u8
        } else {
            0
        };
        self.insert(index, rank);
    }

    fn insert(&mut self, index: u32, rank: u8) {
        match self
            .entries
            .binary_search_by_key(&index, |e| e >> RANK_BITS)
        {
            Ok(pos) => {
                if let Some(entry) = self.entries.get_mut(pos)
                    && u32::from(rank) > *entry & RANK_MASK
                {
                    *entry = Self::pack(index, rank);
                }
            }
            Err(pos) => {
                let prev = pos
                    .checked_sub(1)
                    .and_then(|p| self.entries.get(p))
                    .map(|e| e >> RANK_BITS);
                let next = self.entries.get(pos).map(|e| e >> RANK_BITS);
                let mut body_len = self.body_len + entry_cost(prev, index);
                if let Some(next) = next {
                    // One gap becomes two: never shorter (LEB128 lengths are
                    // subadditive), so this cannot underflow.
                    body_len = body_len + entry_cost(Some(index), next) - entry_cost(prev, next);
                }
                self.body_len = body_len;
                self.entries.insert(pos, Self::pack(index, rank));
            }
        }
    }

    /// The union of two sparse sets (maximum `ρ'` per index).
    pub(super) fn union(&self, other: &Sparse) -> Sparse {
        let mut out = Vec::with_capacity(self.entries.len() + other.entries.len());
        let mut a = self.entries.iter().copied().peekable();
        let mut b = other.entries.iter().copied().peekable();
        loop {
            let next = match (a.peek().copied(), b.peek().copied()) {
                (Some(x), Some(y)) => match (x >> RANK_BITS).cmp(&(y >> RANK_BITS)) {
                    std::cmp::Ordering::Less => a.next(),
                    std::cmp::Ordering::Greater => b.next(),
                    std::cmp::Ordering::Equal => {
                        a.next();
                        b.next();
                        Some(x.max(y))
                    }
                },
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => break,
            };
            out.extend(next);
        }
        Sparse::from_sorted(out)
    }
}

/// The dense register and rank a sparse entry stands for.
pub(super) fn dense_position(index: u32, sparse_rank: u8) -> (usize, u8) {
    let register = (index >> EXTRA_BITS) as usize;
    let low = index & LOW_MASK;
    let rank = if low == 0 {
        EXTRA_BITS as u8 + sparse_rank
    } else {
        // `low` has at most EXTRA_BITS significant bits.
        (low.leading_zeros() - (u32::BITS - EXTRA_BITS) + 1) as u8
    };
    (register, rank)
}
