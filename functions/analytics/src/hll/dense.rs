//! The dense representation: 16,384 registers, one byte each in memory,
//! 6 bits each when encoded.

use super::sparse::{Sparse, dense_position};
use super::{HllError, MAX_RANK, PRECISION, REGISTERS};

/// Register values 0 ..= 51 counted: what the estimator needs.
pub(super) type Histogram = [u32; MAX_RANK as usize + 1];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Dense {
    /// `REGISTERS` values, each 0 ..= `MAX_RANK`.
    registers: Vec<u8>,
}

impl Dense {
    fn empty() -> Self {
        Self {
            registers: vec![0; REGISTERS],
        }
    }

    fn set_max(&mut self, register: usize, rank: u8) {
        if let Some(r) = self.registers.get_mut(register)
            && rank > *r
        {
            *r = rank;
        }
    }

    /// Records a (remixed) hash.
    pub(super) fn insert(&mut self, x: u64) {
        let register = (x >> (64 - PRECISION)) as usize;
        let zeros = (x << PRECISION).leading_zeros();
        let rank = (zeros.min(u32::from(MAX_RANK) - 1) + 1) as u8;
        self.set_max(register, rank);
    }

    pub(super) fn from_sparse(sparse: &Sparse) -> Self {
        let mut dense = Self::empty();
        dense.merge_sparse(sparse);
        dense
    }

    pub(super) fn merge_sparse(&mut self, sparse: &Sparse) {
        for (index, rank) in sparse.iter() {
            let (register, rank) = dense_position(index, rank);
            self.set_max(register, rank);
        }
    }

    pub(super) fn merge(&mut self, other: &Dense) {
        for (a, &b) in self.registers.iter_mut().zip(&other.registers) {
            *a = (*a).max(b);
        }
    }

    /// Number of non-zero registers.
    pub(super) fn registers_set(&self) -> usize {
        self.registers.iter().filter(|&&r| r != 0).count()
    }

    pub(super) fn histogram(&self) -> Histogram {
        let mut histogram = [0; MAX_RANK as usize + 1];
        for &r in &self.registers {
            if let Some(count) = histogram.get_mut(usize::from(r)) {
                *count += 1;
            }
        }
        histogram
    }

    /// Appends the registers packed 6 bits each, 4 registers per 3 bytes.
    pub(super) fn pack_into(&self, out: &mut Vec<u8>) {
        for four in self.registers.chunks_exact(4) {
            let v = four
                .iter()
                .rev()
                .fold(0u32, |v, &r| (v << 6) | u32::from(r & 0x3f));
            out.extend_from_slice(v.to_le_bytes().first_chunk::<3>().unwrap_or(&[0; 3]));
        }
    }

    /// Reads packed registers: exactly `REGISTERS * 6 / 8` bytes, values
    /// at most `MAX_RANK`.
    pub(super) fn unpack(body: &[u8]) -> Result<Self, HllError> {
        let expected = REGISTERS * 6 / 8;
        if body.len() != expected {
            return Err(HllError::DenseLength {
                expected: super::DENSE_ENCODED_LEN,
                actual: body.len() + super::codec::HEADER_LEN,
            });
        }
        let mut registers = Vec::with_capacity(REGISTERS);
        for three in body.chunks_exact(3) {
            let v = three
                .iter()
                .rev()
                .fold(0u32, |v, &b| (v << 8) | u32::from(b));
            for t in 0..4 {
                let rank = ((v >> (6 * t)) & 0x3f) as u8;
                if rank > MAX_RANK {
                    return Err(HllError::RankOutOfRange {
                        index: registers.len() as u32,
                        rank,
                    });
                }
                registers.push(rank);
            }
        }
        Ok(Self { registers })
    }
}
