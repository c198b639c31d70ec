//! One row or column of a symbol as a bitset: bit `i` of the line is module
//! `i` (bit 0 of word 0 first), set = dark. `N` words cover up to `64 * N`
//! modules, so a version 1–11 line is a single `u64` and the penalty rules
//! become a handful of word operations instead of a module-by-module walk.
//!
//! Bits at or past the symbol's width are always zero (light). The penalty
//! rules rely on that: the `qrcode` crate treats modules outside the symbol
//! as light when it looks for finder-like patterns.

use std::ops::{BitAnd, BitOr, BitXor, Not};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Line<const N: usize>(pub(super) [u64; N]);

impl<const N: usize> Line<N> {
    pub(super) const EMPTY: Self = Self([0; N]);

    /// The first `len` modules set: masks off what lies past a line's end.
    pub(super) fn first(len: usize) -> Self {
        Self(std::array::from_fn(|i| {
            let start = i * 64;
            match len.saturating_sub(start) {
                0 => 0,
                n if n >= 64 => u64::MAX,
                n => (1 << n) - 1,
            }
        }))
    }

    /// Sets module `i`; an `i` past the line's capacity is ignored.
    pub(super) fn set(&mut self, i: usize) {
        if let Some(word) = self.0.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    #[cfg(test)]
    pub(super) fn get(self, i: usize) -> bool {
        self.0
            .get(i / 64)
            .is_some_and(|word| word >> (i % 64) & 1 == 1)
    }

    pub(super) fn count(self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// Module `i` of the result is module `i + k` of `self` (`0 < k < 64`):
    /// lines up each module with the one `k` places after it.
    pub(super) fn ahead(self, k: u32) -> Self {
        debug_assert!(0 < k && k < 64);
        let words = self.0;
        Self(std::array::from_fn(|i| {
            let here = words.get(i).map_or(0, |w| w >> k);
            let next = words.get(i + 1).map_or(0, |w| w << (64 - k));
            here | next
        }))
    }

    /// Module `i` of the result is module `i - k` of `self` (`0 < k < 64`),
    /// light for `i < k`: lines up each module with the one `k` places before.
    pub(super) fn behind(self, k: u32) -> Self {
        debug_assert!(0 < k && k < 64);
        let words = self.0;
        Self(std::array::from_fn(|i| {
            let here = words.get(i).map_or(0, |w| w << k);
            let prev = i
                .checked_sub(1)
                .and_then(|p| words.get(p))
                .map_or(0, |w| w >> (64 - k));
            here | prev
        }))
    }
}

macro_rules! word_op {
    ($trait:ident, $method:ident, $op:tt) => {
        impl<const N: usize> $trait for Line<N> {
            type Output = Self;
            fn $method(self, rhs: Self) -> Self {
                let (a, b) = (self.0, rhs.0);
                Self(std::array::from_fn(|i| {
                    a.get(i).copied().unwrap_or(0) $op b.get(i).copied().unwrap_or(0)
                }))
            }
        }
    };
}

word_op!(BitAnd, bitand, &);
word_op!(BitOr, bitor, |);
word_op!(BitXor, bitxor, ^);

impl<const N: usize> Not for Line<N> {
    type Output = Self;
    /// Complements every word, including the bits past the line's end; the
    /// rules mask or cancel those where it matters.
    fn not(self) -> Self {
        Self(self.0.map(|w| !w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<const N: usize>(modules: &[usize]) -> Line<N> {
        let mut l = Line::EMPTY;
        modules.iter().for_each(|&i| l.set(i));
        l
    }

    #[test]
    fn shifts_carry_across_words() {
        let l: Line<3> = line(&[0, 63, 64, 130]);
        assert_eq!(l.ahead(1), line(&[62, 63, 129]));
        assert_eq!(l.behind(1), line(&[1, 64, 65, 131]));
        assert_eq!(l.ahead(10), line(&[53, 54, 120]));
        assert_eq!(l.behind(4), line(&[4, 67, 68, 134]));
    }

    #[test]
    fn shifting_past_either_end_drops_modules() {
        let l: Line<1> = line(&[0, 2, 63]);
        assert_eq!(l.ahead(3), line(&[60]));
        assert_eq!(l.behind(2), line(&[2, 4]));
    }

    #[test]
    fn first_masks_exactly_len_modules() {
        assert_eq!(Line::<3>::first(0), Line::EMPTY);
        assert_eq!(Line::<3>::first(177).count(), 177);
        assert!(Line::<3>::first(177).get(176) && !Line::<3>::first(177).get(177));
        assert_eq!(Line::<1>::first(64).count(), 64);
        assert_eq!(Line::<2>::first(65), line(&(0..65).collect::<Vec<_>>()));
    }
}
