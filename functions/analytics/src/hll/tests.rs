#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

use std::collections::HashSet;

use proptest::prelude::*;

use super::dense::Dense;
use super::hash::xxh64;
use super::sparse::Sparse;
use super::*;

/// SplitMix64: a deterministic stream of well-mixed 64-bit values.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn sketch_of(hashes: impl IntoIterator<Item = u64>) -> HyperLogLog {
    let mut hll = HyperLogLog::new();
    for h in hashes {
        hll.insert_hash(h);
    }
    hll
}

/// `n` distinct visitor hashes from `seed`.
fn visitors(seed: u64, n: usize) -> impl Iterator<Item = u64> {
    let mut rng = SplitMix(seed);
    (0..n).map(move |_| rng.next())
}

fn relative_error(estimate: u64, exact: usize) -> f64 {
    (estimate as f64 - exact as f64) / exact as f64
}

#[test]
fn xxh64_matches_reference_vectors() {
    assert_eq!(xxh64(b"", 0), 0xEF46_DB37_51D8_E999);
    assert_eq!(xxh64(b"a", 0), 15_154_266_338_359_012_955);
    assert_eq!(xxh64(b"ab", 0), 7_347_350_983_217_793_633);
    assert_eq!(xxh64(b"abc", 0), 0x44BC_2CF5_AD77_0999);
    assert_eq!(xxh64(b"ABC", 0), 0xE66A_E735_4FCF_EE98);
    assert_eq!(xxh64(b"xxhash", 0), 0x32DD_3895_2C4B_C720);
    // 71 bytes: two 32-byte stripes, then the 8-, 4- and 1-byte tails.
    assert_eq!(
        xxh64(
            b"This code is derived from software contributed to The DragonFly Project",
            0x4d61_7474_446c_6c6e
        ),
        0x103c_241e_eddc_8d32
    );
    assert_eq!(hash_bytes(b"abc"), xxh64(b"abc", 0));
}

#[test]
fn empty_sketch() {
    let hll = HyperLogLog::new();
    assert!(hll.is_empty());
    assert!(hll.is_sparse());
    assert_eq!(hll.estimate(), 0);
    assert_eq!(hll.to_bytes(), [1, 1, 14, 0]);
    assert_eq!(HyperLogLog::from_bytes(&[1, 1, 14, 0]).unwrap(), hll);
    // An all-zero dense sketch is valid and empty too.
    let mut dense = vec![1, 2, 14];
    dense.resize(DENSE_ENCODED_LEN, 0);
    let dense = HyperLogLog::from_bytes(&dense).unwrap();
    assert!(dense.is_empty());
    assert_eq!(dense.estimate(), 0);
}

#[test]
fn duplicates_count_once() {
    let mut hll = HyperLogLog::new();
    for _ in 0..3 {
        hll.insert(b"visitor-1");
        hll.insert(b"visitor-2");
        hll.insert_hash(42);
    }
    assert!(!hll.is_empty());
    assert_eq!(hll.estimate(), 3);
}

/// Sparse sketches: linear counting over 2^25 buckets is exact in practice
/// for small counts. Documented bound: off by at most 1 up to 1,000
/// visitors, checked here over 20 independent seeds per count.
#[test]
fn small_counts_are_exact_within_one() {
    let mut off = 0;
    for seed in 0..20 {
        for n in [1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1_000] {
            let hll = sketch_of(visitors(seed * 7919 + n as u64, n));
            assert!(hll.is_sparse());
            let estimate = hll.estimate();
            assert!(estimate.abs_diff(n as u64) <= 1, "n={n}: {estimate}");
            off += usize::from(estimate != n as u64);
        }
    }
    assert!(off <= 3, "{off} of 220 small estimates were not exact");
}

/// The documented bound: relative error ≤ 2 % at every cardinality.
#[test]
fn relative_error_within_two_percent() {
    for (i, n) in [10, 100, 1_000, 5_000, 10_000, 100_000, 1_000_000]
        .into_iter()
        .enumerate()
    {
        let hll = sketch_of(visitors(0x5CA9_1E00 + i as u64, n));
        let error = relative_error(hll.estimate(), n);
        eprintln!(
            "n = {n:>9}: estimate {:>9}, error {:+.3} %, {} ({} bytes)",
            hll.estimate(),
            error * 100.0,
            if hll.is_sparse() { "sparse" } else { "dense" },
            hll.to_bytes().len()
        );
        assert!(error.abs() <= 0.02, "n={n}: error {error}");
    }
}

/// Inputs that are not pseudo-random already (sequential ids, short
/// strings) are spread by the hashing: same bound.
#[test]
fn structured_inputs_within_two_percent() {
    let n = 100_000;
    let sequential = sketch_of(0..n as u64);
    let mut strings = HyperLogLog::new();
    for i in 0..n {
        strings.insert(format!("visitor:{i}").as_bytes());
    }
    for (name, hll) in [("sequential u64", sequential), ("strings", strings)] {
        let error = relative_error(hll.estimate(), n);
        eprintln!("{name}: n = {n}, error {:+.3} %", error * 100.0);
        assert!(error.abs() <= 0.02, "{name}: error {error}");
    }
}

/// The spread over many independent sketches matches the theory (standard
/// error 1.04/√16384 ≈ 0.81 %) and the estimator has no bias, including
/// just past the switch to dense and where the classic estimator switches
/// from linear counting (2.5 m ≈ 41,000).
#[test]
fn error_spread_matches_standard_error() {
    const TRIALS: u64 = 24;
    let mut all = Vec::new();
    for n in [8_000, 20_000, 41_000] {
        let errors: Vec<f64> = (0..TRIALS)
            .map(|t| relative_error(sketch_of(visitors(n as u64 * 1_000 + t, n)).estimate(), n))
            .collect();
        let mean = errors.iter().sum::<f64>() / TRIALS as f64;
        let rmse = (errors.iter().map(|e| e * e).sum::<f64>() / TRIALS as f64).sqrt();
        eprintln!(
            "n = {n}: {TRIALS} sketches, mean error {:+.3} %, RMS error {:.3} %",
            mean * 100.0,
            rmse * 100.0
        );
        assert!(mean.abs() < 0.006, "n={n}: bias {mean}");
        all.extend(errors);
    }
    let rmse = (all.iter().map(|e| e * e).sum::<f64>() / all.len() as f64).sqrt();
    eprintln!("overall RMS error {:.3} % (theory 0.81 %)", rmse * 100.0);
    assert!((0.004..0.012).contains(&rmse), "RMS error {rmse}");
}

/// 30 days of a link: a pool of regulars who come back on some days plus
/// new visitors each day; the month's merge against the exact union.
#[test]
fn thirty_daily_sketches_merge_to_the_union() {
    let mut rng = SplitMix(2024);
    let regulars: Vec<u64> = (0..20_000).map(|_| rng.next()).collect();
    let mut exact = HashSet::new();
    let mut month = HyperLogLog::new();
    let mut all_at_once = HyperLogLog::new();
    let mut days = Vec::new();
    for day in 0..30u64 {
        let mut sketch = HyperLogLog::new();
        let returning = 500 + rng.below(3_000);
        let new = 100 + rng.below(day * 100 + 1_000);
        let mut today: Vec<u64> = (0..returning)
            .map(|_| regulars[rng.below(regulars.len() as u64) as usize])
            .collect();
        today.extend((0..new).map(|_| rng.next()));
        for visitor in today {
            sketch.insert_hash(visitor);
            all_at_once.insert_hash(visitor);
            exact.insert(visitor);
        }
        month.merge(&sketch);
        days.push(sketch);
    }
    let error = relative_error(month.estimate(), exact.len());
    eprintln!(
        "30 days: {} distinct, estimate {}, error {:+.3} %",
        exact.len(),
        month.estimate(),
        error * 100.0
    );
    assert!(error.abs() <= 0.02, "error {error}");
    assert_eq!(month, all_at_once);
    // Any order and grouping gives the same sketch: weeks, then the month.
    let mut by_weeks = HyperLogLog::new();
    for week in days.rchunks(7) {
        let mut w = HyperLogLog::new();
        for d in week {
            w.merge(d);
        }
        by_weeks.merge(&w);
    }
    assert_eq!(by_weeks.to_bytes(), month.to_bytes());
}

#[test]
fn sizes() {
    let mut report = Vec::new();
    for n in [1, 10, 100, 1_000, 3_000] {
        let bytes = sketch_of(visitors(n as u64, n)).to_bytes();
        report.push(format!(
            "{n}: {} bytes ({:.2}/visitor)",
            bytes.len(),
            (bytes.len() - 4) as f64 / n as f64
        ));
        assert!(bytes.len() <= 4 + 5 * n, "n={n}: {} bytes", bytes.len());
    }
    eprintln!("sparse sizes: {}", report.join(", "));
    assert!(sketch_of(visitors(10, 10)).to_bytes().len() < 100);
    assert!(sketch_of(visitors(100, 100)).to_bytes().len() < 500);
    let dense = sketch_of(visitors(7, 20_000));
    assert!(!dense.is_sparse());
    assert_eq!(dense.to_bytes().len(), DENSE_ENCODED_LEN);
    assert_eq!(DENSE_ENCODED_LEN, 12_291);
}

/// The sparse form is kept exactly while its encoding is no longer than
/// the dense one; the switch happens on the first visitor that would make
/// it longer.
#[test]
fn switches_to_dense_when_sparse_would_be_larger() {
    let mut hll = HyperLogLog::new();
    let mut inserted = 0;
    for h in visitors(99, 20_000) {
        let before = hll.clone();
        hll.insert_hash(h);
        inserted += 1;
        if !hll.is_sparse() {
            let Repr::Sparse(sparse) = &before.repr else {
                panic!("was dense")
            };
            let mut grown = sparse.clone();
            grown.insert_hash(fmix64(h));
            assert!(grown.encoded_len() > DENSE_ENCODED_LEN);
            assert!(before.to_bytes().len() <= DENSE_ENCODED_LEN);
            eprintln!(
                "switched to dense at visitor {inserted} ({} sparse entries, {} bytes)",
                sparse.len(),
                before.to_bytes().len()
            );
            assert!((4_000..8_000).contains(&inserted));
            // Estimates agree across the switch.
            assert!(before.estimate().abs_diff(hll.estimate()) <= 80);
            return;
        }
        assert_eq!(hll.to_bytes().len(), hll_encoded_len(&hll));
    }
    panic!("never switched to dense");
}

fn hll_encoded_len(hll: &HyperLogLog) -> usize {
    match &hll.repr {
        Repr::Sparse(s) => s.encoded_len(),
        Repr::Dense(_) => DENSE_ENCODED_LEN,
    }
}

/// The sparse entries carry exactly the information of the dense
/// registers: converting gives the registers of inserting directly.
#[test]
fn sparse_to_dense_equals_direct_dense() {
    for seed in 0..4 {
        let mut sparse = Sparse::default();
        let mut dense = Dense::from_sparse(&Sparse::default());
        let mut rng = SplitMix(seed);
        for i in 0..4_000 {
            // Force the rare paths: hashes whose sparse low bits are zero.
            let x = if i % 8 == 0 {
                rng.next() & !(0x7FF << 39) & !u64::MAX.checked_shr(25 + (i / 8) % 40).unwrap_or(0)
            } else {
                rng.next()
            };
            sparse.insert_hash(x);
            dense.insert(x);
        }
        assert_eq!(Dense::from_sparse(&sparse), dense);
    }
    // The extreme ranks: x = 0 is rank 51 in register 0.
    let mut sparse = Sparse::default();
    sparse.insert_hash(0);
    let mut dense = Dense::from_sparse(&Sparse::default());
    dense.insert(0);
    assert_eq!(Dense::from_sparse(&sparse), dense);
    assert_eq!(dense.histogram()[usize::from(MAX_RANK)], 1);
}

#[test]
fn round_trips() {
    for n in [0, 1, 10, 1_000, 5_000, 6_000, 7_000, 50_000] {
        let hll = sketch_of(visitors(n as u64 + 3, n));
        let bytes = hll.to_bytes();
        let back = HyperLogLog::from_bytes(&bytes).unwrap();
        assert_eq!(back, hll, "n={n}");
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.estimate(), hll.estimate());
    }
}

#[test]
fn dense_packing_layout() {
    // Register 0 = 51, register 1 = 1, register 3 = 2, register 16383 = 7.
    let mut bytes = vec![1, 2, 14];
    bytes.resize(DENSE_ENCODED_LEN, 0);
    let v: u32 = 51 | (1 << 6) | (2 << 18);
    bytes[3..6].copy_from_slice(&v.to_le_bytes()[..3]);
    bytes[DENSE_ENCODED_LEN - 1] = 7 << 2;
    let hll = HyperLogLog::from_bytes(&bytes).unwrap();
    let Repr::Dense(dense) = &hll.repr else {
        panic!("not dense")
    };
    let h = dense.histogram();
    assert_eq!(
        (h[51], h[1], h[2], h[7], h[0]),
        (1, 1, 1, 1, REGISTERS as u32 - 4)
    );
    assert_eq!(hll.to_bytes(), bytes);
}

#[test]
fn sparse_layout() {
    // Index 5 (no rank byte), index 2048 (low bits zero: rank byte 3),
    // index 2^25 − 1.
    let bytes = [1, 1, 14, 3, 5, 0xFB, 0x0F, 3, 0xFF, 0xEF, 0xFF, 0x0F];
    let hll = HyperLogLog::from_bytes(&bytes).unwrap();
    let Repr::Sparse(sparse) = &hll.repr else {
        panic!("not sparse")
    };
    let entries: Vec<_> = sparse.iter().collect();
    assert_eq!(entries, [(5, 0), (2048, 3), ((1 << 25) - 1, 0)]);
    assert_eq!(hll.to_bytes(), bytes);
    assert_eq!(hll.estimate(), 3);
}

#[test]
fn from_bytes_refuses_invalid_input() {
    use HllError::*;
    let cases: &[(&[u8], HllError)] = &[
        (&[], Truncated),
        (&[1, 1], Truncated),
        (&[1, 1, 14], Truncated),
        (&[2, 1, 14, 0], UnsupportedVersion(2)),
        (&[0, 1, 14, 0], UnsupportedVersion(0)),
        (&[1, 3, 14, 0], UnknownEncoding(3)),
        (&[1, 1, 12, 0], UnsupportedPrecision(12)),
        (
            &[1, 2, 14, 0],
            DenseLength {
                expected: DENSE_ENCODED_LEN,
                actual: 4,
            },
        ),
        (&[1, 1, 14, 0, 0], TrailingBytes(1)),
        (&[1, 1, 14, 2, 5], Truncated),
        (&[1, 1, 14, 2, 5, 0], NotIncreasing),
        (&[1, 1, 14, 1, 0x80, 0x80, 0x80, 0x80, 0x10], BadVarint),
        (&[1, 1, 14, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0], BadVarint),
        (&[1, 1, 14, 1, 0x80], Truncated),
        (
            &[1, 1, 14, 1, 0x80, 0x80, 0x80, 0x10],
            IndexOutOfRange(1 << 25),
        ),
        (&[1, 1, 14, 1, 0], Truncated),
        (&[1, 1, 14, 1, 0, 0], RankOutOfRange { index: 0, rank: 0 }),
        (&[1, 1, 14, 1, 0, 41], RankOutOfRange { index: 0, rank: 41 }),
        (&[1, 1, 14, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], Truncated),
    ];
    for (bytes, error) in cases {
        assert_eq!(
            HyperLogLog::from_bytes(bytes).as_ref(),
            Err(error),
            "{bytes:?}"
        );
    }
    let mut dense = vec![1, 2, 14];
    dense.resize(DENSE_ENCODED_LEN, 0);
    dense[3] = 52;
    assert_eq!(
        HyperLogLog::from_bytes(&dense),
        Err(RankOutOfRange { index: 0, rank: 52 })
    );
    dense[3] = 51;
    assert!(HyperLogLog::from_bytes(&dense).is_ok());
    dense.push(0);
    assert_eq!(
        HyperLogLog::from_bytes(&dense),
        Err(DenseLength {
            expected: DENSE_ENCODED_LEN,
            actual: DENSE_ENCODED_LEN + 1
        })
    );
}

/// Another writer's sparse encoding past the dense size is read as dense.
#[test]
fn oversized_sparse_is_read_as_dense() {
    let hashes: Vec<u64> = visitors(5, 9_000).map(fmix64).collect();
    let mut sparse = Sparse::default();
    for &x in &hashes {
        sparse.insert_hash(x);
    }
    assert!(!sparse.fits());
    let bytes = codec::encode_sparse(&sparse);
    let hll = HyperLogLog::from_bytes(&bytes).unwrap();
    assert!(!hll.is_sparse());
    assert_eq!(hll, sketch_of(visitors(5, 9_000)));
}

/// Hashes from `seed`, `offset .. offset + len` of one stream, so that
/// sets drawn with nearby offsets overlap.
fn slice_of_stream(seed: u64, offset: usize, len: usize) -> Vec<u64> {
    visitors(seed, offset + len).skip(offset).collect()
}

fn set_strategy() -> impl Strategy<Value = (usize, usize)> {
    // Mostly small (sparse) sets, some past the switch to dense.
    prop_oneof![
        3 => (0usize..3_000, 0usize..300),
        1 => (0usize..3_000, 5_000usize..9_000),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn merge_is_commutative_associative_and_the_union(
        seed in any::<u64>(),
        (oa, la) in set_strategy(),
        (ob, lb) in set_strategy(),
        (oc, lc) in set_strategy(),
    ) {
        let a = slice_of_stream(seed, oa, la);
        let b = slice_of_stream(seed, ob, lb);
        let c = slice_of_stream(seed, oc, lc);
        let (sa, sb, sc) = (sketch_of(a.clone()), sketch_of(b.clone()), sketch_of(c.clone()));

        let mut ab = sa.clone();
        ab.merge(&sb);
        let mut ba = sb.clone();
        ba.merge(&sa);
        prop_assert_eq!(ab.to_bytes(), ba.to_bytes());
        prop_assert_eq!(ab.estimate(), ba.estimate());

        // The union inserted directly, in a different order.
        let union = sketch_of(b.iter().chain(&a).rev().copied());
        prop_assert_eq!(&ab, &union);

        let mut ab_c = ab.clone();
        ab_c.merge(&sc);
        let mut bc = sb.clone();
        bc.merge(&sc);
        let mut a_bc = sa.clone();
        a_bc.merge(&bc);
        prop_assert_eq!(ab_c.to_bytes(), a_bc.to_bytes());

        let mut aa = sa.clone();
        aa.merge(&sa);
        prop_assert_eq!(&aa, &sa);
        let mut a_empty = sa.clone();
        a_empty.merge(&HyperLogLog::new());
        prop_assert_eq!(&a_empty, &sa);
    }

    #[test]
    fn bytes_round_trip(seed in any::<u64>(), (offset, len) in set_strategy()) {
        let hll = sketch_of(slice_of_stream(seed, offset, len));
        let back = HyperLogLog::from_bytes(&hll.to_bytes()).unwrap();
        prop_assert_eq!(back.estimate(), hll.estimate());
        prop_assert_eq!(back, hll);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn from_bytes_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(hll) = HyperLogLog::from_bytes(&bytes) {
            let again = HyperLogLog::from_bytes(&hll.to_bytes()).unwrap();
            prop_assert_eq!(again, hll);
        }
    }

    #[test]
    fn from_bytes_never_panics_on_plausible_sparse(body in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut bytes = vec![1, 1, 14];
        bytes.extend(body);
        if let Ok(hll) = HyperLogLog::from_bytes(&bytes) {
            let _ = hll.estimate();
            // Accepted input normalises: re-encoding reads back the same sketch.
            let again = HyperLogLog::from_bytes(&hll.to_bytes()).unwrap();
            prop_assert_eq!(again, hll);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Valid encodings with a few bytes changed, inserted or removed.
    #[test]
    fn from_bytes_never_panics_on_mutated_sketches(
        n in prop_oneof![0usize..50, 5_000usize..7_000],
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let mut bytes = sketch_of(visitors(n as u64, n)).to_bytes();
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => { bytes.remove(i); }
                _ => bytes.push(byte),
            }
        }
        if let Ok(hll) = HyperLogLog::from_bytes(&bytes) {
            let _ = hll.estimate();
            let again = HyperLogLog::from_bytes(&hll.to_bytes()).unwrap();
            prop_assert_eq!(again, hll);
        }
    }
}
