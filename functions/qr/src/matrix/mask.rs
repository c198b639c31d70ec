//! Mask selection. `qrcode`'s `Canvas::apply_best_mask` clones the canvas
//! for each of the 8 masks and scores each clone module by module (boxing a
//! closure per finder-pattern probe); that was over 95 % of an encode. Here the
//! unmasked canvas is read once into bit-packed rows and columns, and each
//! mask is applied and scored a word at a time in two reused buffers.
//!
//! The choice is the crate's: same masked symbol (format information
//! included), same penalty ([`super::penalty`]), and the first of equally
//! scored masks in the crate's order wins.

use qrcode::canvas::{Canvas, MaskPattern, Module};
use qrcode::{Color, EcLevel};

use super::line::Line;
use super::penalty;

/// The crate's candidate order (`ALL_PATTERNS_QR`), which breaks ties.
const PATTERNS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// Whether mask `pattern` (its 3-bit number) inverts module (x, y); the
/// crate's `mask_functions`.
const fn inverts(pattern: usize, x: usize, y: usize) -> bool {
    match pattern {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => ((y / 2) + (x / 3)).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

/// Every mask repeats every 12 modules along a row and down a column, so
/// `ROWS[p][y % 12]` is row y of mask p over the widest symbol (177 ≤ 192
/// modules) and `COLS[p][x % 12]` column x.
const PERIOD: usize = 12;
type Table = [[[u64; 3]; PERIOD]; 8];

/// Runs in const context only (`ROWS`, `COLS`), so its indexing is checked
/// by the compiler: an index out of bounds is a build error, never a
/// runtime panic.
#[allow(clippy::indexing_slicing)]
const fn table(transposed: bool) -> Table {
    let mut t = [[[0; 3]; PERIOD]; 8];
    let mut p = 0;
    while p < 8 {
        let mut line = 0;
        while line < PERIOD {
            let mut i = 0;
            while i < 192 {
                let (x, y) = if transposed { (line, i) } else { (i, line) };
                if inverts(p, x, y) {
                    t[p][line][i / 64] |= 1 << (i % 64);
                }
                i += 1;
            }
            line += 1;
        }
        p += 1;
    }
    t
}

const ROWS: Table = table(false);
const COLS: Table = table(true);

/// The crate's format-information modules (`FORMAT_INFO_COORDS_QR_MAIN`
/// and `_SIDE`), most significant bit first; negative = from the far edge.
#[rustfmt::skip]
const FORMAT_MAIN: [(i16, i16); 15] = [
    (0, 8), (1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, 8),
    (8, 7), (8, 5), (8, 4), (8, 3), (8, 2), (8, 1), (8, 0),
];
#[rustfmt::skip]
const FORMAT_SIDE: [(i16, i16); 15] = [
    (8, -1), (8, -2), (8, -3), (8, -4), (8, -5), (8, -6), (8, -7),
    (-8, 8), (-7, 8), (-6, 8), (-5, 8), (-4, 8), (-3, 8), (-2, 8), (-1, 8),
];

/// The 15-bit format information for an EC level and mask: BCH(15, 5) with
/// generator 0x537, XOR 0x5412 (ISO 18004 §7.9), i.e. the crate's
/// `FORMAT_INFOS_QR[(ec ^ 1) << 3 | mask]`.
const fn format_info(ec: EcLevel, pattern: usize) -> u32 {
    let data = (((ec as u32) ^ 1) << 3 | pattern as u32) & 0b11111;
    let mut rem = data << 10;
    let mut bit = 14;
    while bit >= 10 {
        if rem & (1 << bit) != 0 {
            rem ^= 0x537 << (bit - 10);
        }
        bit -= 1;
    }
    ((data << 10) | rem) ^ 0x5412
}

/// The unmasked canvas as bitsets, read once: `fixed` holds every module's
/// colour before masking (format areas still light), `data` marks the modules
/// a mask inverts (data, EC and remainder bits).
struct Unmasked<const N: usize> {
    width: usize,
    fixed_rows: Vec<Line<N>>,
    data_rows: Vec<Line<N>>,
    fixed_cols: Vec<Line<N>>,
    data_cols: Vec<Line<N>>,
}

impl<const N: usize> Unmasked<N> {
    fn read(canvas: &Canvas, width: usize) -> Self {
        let lines = || vec![Line::<N>::EMPTY; width];
        let mut u = Self {
            width,
            fixed_rows: lines(),
            data_rows: lines(),
            fixed_cols: lines(),
            data_cols: lines(),
        };
        for (y, cy) in (0..width).zip(0_i16..) {
            for (x, cx) in (0..width).zip(0_i16..) {
                // The crate masks `Empty` modules (remainder bits) as light
                // data and leaves `Masked` (functional) ones alone.
                let (dark, data) = match canvas.get(cx, cy) {
                    Module::Masked(c) => (c == Color::Dark, false),
                    Module::Unmasked(c) => (c == Color::Dark, true),
                    Module::Empty => (false, true),
                };
                if dark {
                    set(&mut u.fixed_rows, &mut u.fixed_cols, x, y);
                }
                if data {
                    set(&mut u.data_rows, &mut u.data_cols, x, y);
                }
            }
        }
        u
    }

    /// Writes the symbol under mask `pattern` into `rows` and `cols`.
    fn apply(&self, pattern: usize, ec: EcLevel, rows: &mut [Line<N>], cols: &mut [Line<N>]) {
        let (Some(row_masks), Some(col_masks)) = (ROWS.get(pattern), COLS.get(pattern)) else {
            return;
        };
        mask_lines(rows, &self.fixed_rows, &self.data_rows, row_masks);
        mask_lines(cols, &self.fixed_cols, &self.data_cols, col_masks);
        let info = format_info(ec, pattern);
        let at = |c: i16| usize::from(c.unsigned_abs()).min(self.width);
        let wrap = |c: i16| if c < 0 { self.width - at(c) } else { at(c) };
        for (bit, (&main, &side)) in (0..15).rev().zip(FORMAT_MAIN.iter().zip(&FORMAT_SIDE)) {
            if info >> bit & 1 == 1 {
                for (x, y) in [main, side] {
                    set(rows, cols, wrap(x), wrap(y));
                }
            }
        }
    }
}

fn set<const N: usize>(rows: &mut [Line<N>], cols: &mut [Line<N>], x: usize, y: usize) {
    if let Some(row) = rows.get_mut(y) {
        row.set(x);
    }
    if let Some(col) = cols.get_mut(x) {
        col.set(y);
    }
}

/// `out[i] = fixed[i] ^ (mask of line i & data[i])`.
fn mask_lines<const N: usize>(
    out: &mut [Line<N>],
    fixed: &[Line<N>],
    data: &[Line<N>],
    masks: &[[u64; 3]; PERIOD],
) {
    let lines = out.iter_mut().zip(fixed.iter().zip(data));
    for ((out, (&fixed, &data)), mask) in lines.zip(masks.iter().cycle()) {
        let mut m = Line::<N>::EMPTY;
        m.0.iter_mut().zip(mask).for_each(|(w, &mw)| *w = mw);
        *out = fixed ^ (m & data);
    }
}

/// The mask `Canvas::apply_best_mask` would choose for `canvas` (functional
/// patterns and data drawn, not yet masked; a normal, not Micro, QR code).
pub(super) fn best(canvas: &Canvas, width: usize, ec: EcLevel) -> MaskPattern {
    match width.div_ceil(64) {
        0 | 1 => best_with::<1>(canvas, width, ec),
        2 => best_with::<2>(canvas, width, ec),
        _ => best_with::<3>(canvas, width, ec),
    }
}

fn best_with<const N: usize>(canvas: &Canvas, width: usize, ec: EcLevel) -> MaskPattern {
    let unmasked = Unmasked::<N>::read(canvas, width);
    let mut rows = vec![Line::EMPTY; width];
    let mut cols = vec![Line::EMPTY; width];
    let mut best = (u16::MAX, MaskPattern::Checkerboard);
    for (number, pattern) in PATTERNS.into_iter().enumerate() {
        unmasked.apply(number, ec, &mut rows, &mut cols);
        let score = penalty::total(&rows, &cols, width);
        // Strictly lower: `min_by_key` keeps the first of equal minima.
        if number == 0 || score < best.0 {
            best = (score, pattern);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_info_matches_the_spec_table() {
        // ISO 18004 Table C.1 / the crate's FORMAT_INFOS_QR, a few entries.
        assert_eq!(format_info(EcLevel::M, 0), 0x5412);
        assert_eq!(format_info(EcLevel::M, 7), 0x4aa0);
        assert_eq!(format_info(EcLevel::L, 0), 0x77c4);
        assert_eq!(format_info(EcLevel::L, 7), 0x6976);
        assert_eq!(format_info(EcLevel::H, 0), 0x1689);
        assert_eq!(format_info(EcLevel::Q, 5), 0x2183);
        assert_eq!(format_info(EcLevel::Q, 1), 0x3068);
        assert_eq!(format_info(EcLevel::Q, 7), 0x2bed);
    }

    #[test]
    fn mask_tables_follow_the_mask_functions() {
        for p in 0..8 {
            for y in 0..177 {
                for x in 0..177 {
                    let bit = |t: &Table, line: usize, i: usize| {
                        t[p][line % PERIOD][i / 64] >> (i % 64) & 1 == 1
                    };
                    assert_eq!(bit(&ROWS, y, x), inverts(p, x, y), "mask {p} ({x}, {y})");
                    assert_eq!(bit(&COLS, x, y), inverts(p, x, y), "mask {p} ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn masked_lines_match_the_crates_apply_mask() {
        // Every mask, every EC level, versions 1, 7 (version info) and 40.
        for (content, ec) in [
            (&b"1"[..], EcLevel::H),
            (&[0x55; 150][..], EcLevel::L),
            (&[0xa7; 2000][..], EcLevel::M),
            (&b"HELLO WORLD 123"[..], EcLevel::Q),
        ] {
            let bits = qrcode::bits::encode_auto(content, ec).unwrap();
            let version = bits.version();
            let width = usize::from(version.width().unsigned_abs());
            let (data, ecc) =
                qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec).unwrap();
            let mut canvas = Canvas::new(version, ec);
            canvas.draw_all_functional_patterns();
            canvas.draw_data(&data, &ecc);
            let unmasked = Unmasked::<3>::read(&canvas, width);
            let (mut rows, mut cols) = (vec![Line::EMPTY; width], vec![Line::EMPTY; width]);
            for (number, pattern) in PATTERNS.into_iter().enumerate() {
                unmasked.apply(number, ec, &mut rows, &mut cols);
                let mut masked = canvas.clone();
                masked.apply_mask(pattern);
                let colors = masked.into_colors();
                for y in 0..width {
                    for x in 0..width {
                        let dark = colors[y * width + x] == Color::Dark;
                        assert_eq!(rows[y].get(x), dark, "{version:?} mask {number} ({x}, {y})");
                        assert_eq!(cols[x].get(y), dark, "{version:?} mask {number} ({x}, {y})");
                    }
                }
            }
        }
    }
}
