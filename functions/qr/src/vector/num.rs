//! Numbers for the vector writers: shortest decimal form with a fixed
//! number of decimals at most ("1", "0.45", "-2.5", never "-0"), written
//! digit by digit into a stack buffer — no `format!` per number, since a
//! rounded-module code prints thousands of them.
//!
//! Coordinates are quantised to integer thousandths (`milli`) before they
//! are written, so relative SVG commands add up exactly: the sum of the
//! printed deltas is the printed absolute position, with no drift.

/// Appending ASCII to the byte buffers every writer builds (SVG and EPS
/// are turned into a `String` once, at the end).
pub(crate) trait Sink {
    fn put(&mut self, s: &str);
    fn put_byte(&mut self, b: u8);
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }
    #[inline]
    fn put_byte(&mut self, b: u8) {
        self.push(b);
    }
}

/// The buffer as text. The writers only ever append ASCII, so this never
/// takes the lossy branch; it exists so no input can make us panic.
pub(crate) fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Largest magnitude written; anything beyond (or not finite) is a bug in
/// the caller's geometry, and clamping keeps the integer maths in range.
const LIMIT: f64 = 1e12;

/// `v` in integer thousandths, rounded half away from zero; 0 for NaN.
pub(crate) fn milli(v: f64) -> i64 {
    scaled(v, 1000.0)
}

fn scaled(v: f64, factor: f64) -> i64 {
    if v.is_finite() {
        // |v * factor| ≤ 1e12 * 1e6 < i64::MAX: the cast cannot saturate.
        (v.clamp(-LIMIT, LIMIT) * factor).round() as i64
    } else {
        0
    }
}

/// Digits assembled right to left in a stack buffer.
struct Digits {
    buf: [u8; 32],
    start: usize,
}

impl Digits {
    fn new() -> Self {
        Self {
            buf: [0; 32],
            start: 32,
        }
    }

    #[inline]
    fn push_front(&mut self, b: u8) {
        if let Some(i) = self.start.checked_sub(1)
            && let Some(slot) = self.buf.get_mut(i)
        {
            *slot = b;
            self.start = i;
        }
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }
}

/// Writes `n / 10^decimals` with trailing fractional zeros trimmed.
fn put_scaled(out: &mut Vec<u8>, n: i64, decimals: u32) {
    let mut d = Digits::new();
    let mut rest = n.unsigned_abs();
    let mut frac = rest % 10u64.pow(decimals);
    rest /= 10u64.pow(decimals);
    if frac != 0 {
        let mut started = false;
        for _ in 0..decimals {
            let digit = (frac % 10) as u8;
            frac /= 10;
            if digit != 0 || started {
                started = true;
                d.push_front(b'0' + digit);
            }
        }
        d.push_front(b'.');
    }
    loop {
        d.push_front(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        d.push_front(b'-');
    }
    out.extend_from_slice(d.as_bytes());
}

/// Writes an integer.
pub(crate) fn put_int(out: &mut Vec<u8>, n: i64) {
    put_scaled(out, n, 0);
}

/// Writes a quantised value (thousandths) with at most three decimals —
/// the hot path: one stack buffer, one append.
#[inline]
pub(crate) fn put_milli(out: &mut Vec<u8>, n: i64) {
    let mut d = Digits::new();
    let mut rest = n.unsigned_abs();
    let frac = rest % 1000;
    rest /= 1000;
    if frac != 0 {
        let (d1, d2, d3) = (frac / 100, frac / 10 % 10, frac % 10);
        if d3 != 0 {
            d.push_front(b'0' + d3 as u8);
        }
        if d2 != 0 || d3 != 0 {
            d.push_front(b'0' + d2 as u8);
        }
        d.push_front(b'0' + d1 as u8);
        d.push_front(b'.');
    }
    loop {
        d.push_front(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        d.push_front(b'-');
    }
    out.extend_from_slice(d.as_bytes());
}

/// Writes `v` with at most three decimals.
#[inline]
pub(crate) fn put_num(out: &mut Vec<u8>, v: f64) {
    put_milli(out, milli(v));
}

/// Writes `v` with at most six decimals: the page transform's scale, where
/// three decimals would shift the far edge of a large code by a few
/// hundredths of a point.
pub(crate) fn put_fine(out: &mut Vec<u8>, v: f64) {
    put_scaled(out, scaled(v, 1e6), 6);
}

/// `v` as the writers print it, for tests and one-off uses.
pub fn format_num(v: f64) -> String {
    let mut s = Vec::new();
    put_num(&mut s, v);
    into_string(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_form_with_at_most_three_decimals() {
        let cases = [
            (0.0, "0"),
            (1.0, "1"),
            (33.0, "33"),
            (0.45, "0.45"),
            (-2.5, "-2.5"),
            (0.5, "0.5"),
            (0.276_142_375, "0.276"),
            (0.248_528, "0.249"),
            (1.0005, "1.001"),
            (-1.0005, "-1.001"),
            (0.999_9, "1"),
            (1234.010, "1234.01"),
            (100.0, "100"),
            (-0.05, "-0.05"),
            (0.001, "0.001"),
        ];
        for (v, want) in cases {
            assert_eq!(format_num(v), want, "{v}");
        }
    }

    #[test]
    fn never_negative_zero_and_never_nan() {
        assert_eq!(format_num(-0.0), "0");
        assert_eq!(format_num(-0.0001), "0");
        assert_eq!(format_num(-0.0004999), "0");
        assert_eq!(format_num(f64::NAN), "0");
        assert_eq!(format_num(f64::INFINITY), "0");
        assert_eq!(format_num(1e300), "1000000000000");
        assert_eq!(format_num(-1e300), "-1000000000000");
    }

    #[test]
    fn fine_numbers_keep_six_decimals() {
        let mut s = Vec::new();
        put_fine(&mut s, 113.385_826_771 / 33.0);
        assert_eq!(s, b"3.435934");
        s.clear();
        put_fine(&mut s, -2.0);
        assert_eq!(s, b"-2");
    }

    #[test]
    fn integers_are_plain() {
        for (n, want) in [
            (0, "0"),
            (7, "7"),
            (-42, "-42"),
            (i64::MAX, "9223372036854775807"),
            (i64::MIN, "-9223372036854775808"),
        ] {
            let mut s = Vec::new();
            put_int(&mut s, n);
            assert_eq!(s, want.as_bytes());
        }
    }

    #[test]
    fn milli_and_generic_paths_agree() {
        for n in [
            -1_000_001i64,
            -1000,
            -999,
            -10,
            -1,
            0,
            1,
            5,
            10,
            100,
            120,
            123,
            1000,
            1001,
            1010,
            1100,
            987_654_321,
        ] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            put_milli(&mut a, n);
            put_scaled(&mut b, n, 3);
            assert_eq!(a, b, "{n}");
        }
    }

    #[test]
    fn agrees_with_std_formatting_on_a_sweep() {
        // The hand-written digits match `{:.3}` trimmed, the old SVG code's
        // definition, except where `{:.3}` rounds ties to even.
        for i in -20_000..20_000 {
            let v = f64::from(i) * 0.000_7 + 0.000_03;
            let std = format!("{v:.3}");
            let std = std.trim_end_matches('0').trim_end_matches('.');
            let std = if std == "-0" { "0" } else { std };
            assert_eq!(format_num(v), std, "{v}");
        }
    }
}
