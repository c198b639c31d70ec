//! The version-1 byte encoding (layout in the module documentation).

use super::dense::Dense;
use super::sparse::{Sparse, needs_rank};
use super::{FORMAT_VERSION, HllError, MAX_SPARSE_RANK, PRECISION, SPARSE_PRECISION};

/// Version, tag, precision.
pub(super) const HEADER_LEN: usize = 3;
const TAG_SPARSE: u8 = 1;
const TAG_DENSE: u8 = 2;
/// A `u32` takes at most 5 LEB128 bytes.
const MAX_VARINT_LEN: usize = 5;

/// Length of `value` as LEB128.
pub(super) const fn varint_len(value: u64) -> usize {
    let bits = u64::BITS - value.leading_zeros();
    if bits == 0 {
        1
    } else {
        bits.div_ceil(7) as usize
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads one LEB128 integer below 2^32 from the front of `bytes`.
fn read_varint(bytes: &mut &[u8]) -> Result<u32, HllError> {
    let mut value = 0u64;
    for i in 0..MAX_VARINT_LEN {
        let (&byte, rest) = bytes.split_first().ok_or(HllError::Truncated)?;
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return u32::try_from(value).map_err(|_| HllError::BadVarint);
        }
    }
    Err(HllError::BadVarint)
}

fn header(tag: u8, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(&[FORMAT_VERSION, tag, PRECISION]);
    out
}

pub(super) fn encode_sparse(sparse: &Sparse) -> Vec<u8> {
    let mut out = header(TAG_SPARSE, sparse.encoded_len());
    write_varint(&mut out, sparse.len() as u64);
    let mut prev = 0;
    for (index, rank) in sparse.iter() {
        write_varint(&mut out, u64::from(index - prev));
        if needs_rank(index) {
            out.push(rank);
        }
        prev = index;
    }
    out
}

pub(super) fn encode_dense(dense: &Dense) -> Vec<u8> {
    let mut out = header(TAG_DENSE, super::DENSE_ENCODED_LEN);
    dense.pack_into(&mut out);
    out
}

pub(super) enum Decoded {
    Sparse(Sparse),
    Dense(Dense),
}

pub(super) fn decode(bytes: &[u8]) -> Result<Decoded, HllError> {
    let Some((&[version, tag, precision], body)) = bytes.split_first_chunk::<HEADER_LEN>() else {
        return Err(HllError::Truncated);
    };
    if version != FORMAT_VERSION {
        return Err(HllError::UnsupportedVersion(version));
    }
    if precision != PRECISION {
        return Err(HllError::UnsupportedPrecision(precision));
    }
    match tag {
        TAG_SPARSE => decode_sparse(body).map(Decoded::Sparse),
        TAG_DENSE => Dense::unpack(body).map(Decoded::Dense),
        other => Err(HllError::UnknownEncoding(other)),
    }
}

fn decode_sparse(mut body: &[u8]) -> Result<Sparse, HllError> {
    let count = read_varint(&mut body)? as usize;
    // Every entry takes at least one byte: refuse before allocating.
    if count > body.len() {
        return Err(HllError::Truncated);
    }
    let mut entries = Vec::with_capacity(count);
    let mut prev: Option<u32> = None;
    for _ in 0..count {
        let gap = u64::from(read_varint(&mut body)?);
        let index = match prev {
            None => gap,
            Some(_) if gap == 0 => return Err(HllError::NotIncreasing),
            Some(p) => u64::from(p) + gap,
        };
        let index = u32::try_from(index).map_err(|_| HllError::IndexOutOfRange(index))?;
        if index >> SPARSE_PRECISION != 0 {
            return Err(HllError::IndexOutOfRange(u64::from(index)));
        }
        let rank = if needs_rank(index) {
            let (&rank, rest) = body.split_first().ok_or(HllError::Truncated)?;
            body = rest;
            if rank == 0 || rank > MAX_SPARSE_RANK {
                return Err(HllError::RankOutOfRange { index, rank });
            }
            rank
        } else {
            0
        };
        entries.push(Sparse::pack(index, rank));
        prev = Some(index);
    }
    if !body.is_empty() {
        return Err(HllError::TrailingBytes(body.len()));
    }
    Ok(Sparse::from_sorted(entries))
}
