//! Cardinality estimators: linear counting for the sparse form, Ertl's
//! improved raw estimator for the dense form.

use super::dense::Histogram;
use super::sparse::SPARSE_BUCKETS;
use super::{MAX_RANK, REGISTERS};

/// `α∞ = 1 / (2 ln 2)`.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// Iteration cap of the `σ`/`τ` series (they converge in < 30 steps).
const MAX_ITERATIONS: usize = 100;

fn to_count(estimate: f64) -> u64 {
    // `as` saturates: NaN → 0, ∞ → u64::MAX.
    estimate.round() as u64
}

/// Linear counting over the `2^25` sparse buckets, `k` of them occupied:
/// `n̂ = m' · ln(m' / (m' − k))`.
pub(super) fn linear_counting(occupied: usize) -> u64 {
    if occupied == 0 {
        return 0;
    }
    let m = f64::from(SPARSE_BUCKETS);
    to_count(-m * (-(occupied as f64) / m).ln_1p())
}

/// Ertl's `σ(x) = x + Σ_{k≥1} x^(2^k) · 2^(k−1)`, for the empty registers.
fn sigma(x: f64) -> f64 {
    if x >= 1.0 {
        return f64::INFINITY;
    }
    let (mut x, mut y, mut z) = (x, 1.0, x);
    for _ in 0..MAX_ITERATIONS {
        x *= x;
        let previous = z;
        z += x * y;
        y += y;
        if z == previous {
            break;
        }
    }
    z
}

/// Ertl's `τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² · 2^−k) / 3`, for the
/// saturated registers.
fn tau(x: f64) -> f64 {
    if x <= 0.0 || x >= 1.0 {
        return 0.0;
    }
    let (mut x, mut y, mut z) = (x, 1.0, 1.0 - x);
    for _ in 0..MAX_ITERATIONS {
        x = x.sqrt();
        let previous = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
        if z == previous {
            break;
        }
    }
    z / 3.0
}

/// Ertl's improved raw estimator (2017, Algorithm 6) from the histogram of
/// register values `C_0 … C_{q+1}`, `q = 64 − p = 50`:
/// `n̂ = α∞ m² / (m σ(C_0/m) + Σ_{k=1..q} C_k 2^−k + m τ(1 − C_{q+1}/m) 2^−q)`.
pub(super) fn ertl(histogram: &Histogram) -> u64 {
    let m = REGISTERS as f64;
    let q = usize::from(MAX_RANK) - 1;
    let count = |k: usize| f64::from(histogram.get(k).copied().unwrap_or(0));
    if count(0) >= m {
        return 0;
    }
    let mut z = m * tau(1.0 - count(q + 1) / m);
    for k in (1..=q).rev() {
        z = 0.5 * (z + count(k));
    }
    z += m * sigma(count(0) / m);
    to_count(ALPHA_INF * m * m / z)
}
