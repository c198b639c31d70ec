//! SVG output: one `<path>` (even-odd fill) holding every dark shape, in a
//! viewBox measured in modules, so the file stays small (a few KiB for a
//! short URL) and scales to any print size. Shapes never overlap, so
//! even-odd only matters for the holes of the eyes' rings.
//!
//! Output is deterministic: numbers are printed with at most three decimals
//! and shapes in row-major order.

use core::fmt::Write;

use crate::matrix::{EYE, Matrix};
use crate::options::{EyeStyle, ModuleStyle, QrOptions};
use crate::shape::{
    DOT_RADIUS, EYE_ROUND_INNER, EYE_ROUND_OUTER, EYE_ROUND_PUPIL, ROUND_RADIUS, rounded_corners,
};

pub fn render_svg(matrix: &Matrix, options: &QrOptions) -> String {
    let margin = options.margin() as usize;
    let total = matrix.width + 2 * margin;
    let size = options.size_px();
    let mut d = String::with_capacity(matrix.width * matrix.width * 6);
    match options.module_style() {
        ModuleStyle::Square => square_runs(&mut d, matrix, margin),
        style => each_module(&mut d, matrix, margin, style),
    }
    for (ex, ey) in matrix.eyes() {
        eye(
            &mut d,
            options.eye_style(),
            (ex + margin) as f64,
            (ey + margin) as f64,
        );
    }

    let mut svg = String::with_capacity(d.len() + 320);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {total} {total}""#
    );
    if options.module_style() == ModuleStyle::Square && options.eye_style() == EyeStyle::Square {
        // Only straight edges on whole modules: keep them crisp, no seams.
        svg.push_str(r#" shape-rendering="crispEdges""#);
    }
    svg.push('>');
    if !options.transparent_bg() {
        let _ = write!(
            svg,
            r#"<rect width="{total}" height="{total}" fill="{}"/>"#,
            options.bg()
        );
    }
    let _ = write!(
        svg,
        r#"<path fill="{}" fill-rule="evenodd" d="{d}"/></svg>"#,
        options.fg()
    );
    svg
}

/// Square style: each horizontal run of dark modules is one rectangle.
fn square_runs(d: &mut String, m: &Matrix, margin: usize) {
    for y in 0..m.width {
        let mut x = 0;
        while x < m.width {
            if m.in_eye(x, y) || !m.dark(x as isize, y as isize) {
                x += 1;
                continue;
            }
            let start = x;
            while x < m.width && !m.in_eye(x, y) && m.dark(x as isize, y as isize) {
                x += 1;
            }
            let len = x - start;
            let _ = write!(d, "M{} {}h{len}v1h-{len}z", start + margin, y + margin);
        }
    }
}

fn each_module(d: &mut String, m: &Matrix, margin: usize, style: ModuleStyle) {
    for y in 0..m.width {
        for x in 0..m.width {
            if m.in_eye(x, y) || !m.dark(x as isize, y as isize) {
                continue;
            }
            let (px, py) = ((x + margin) as f64, (y + margin) as f64);
            match style {
                ModuleStyle::Dots => circle(d, px + 0.5, py + 0.5, DOT_RADIUS),
                _ => rounded_module(d, px, py, rounded_corners(m, x, y)),
            }
        }
    }
}

/// A unit square at (x, y), clockwise, with the flagged corners rounded
/// (bits as in `shape::rounded_corners`).
fn rounded_module(d: &mut String, x: f64, y: f64, corners: u8) {
    let r = ROUND_RADIUS;
    let c = |bit: u8| if corners & bit != 0 { r } else { 0.0 };
    let (tl, tr, br, bl) = (c(1), c(2), c(4), c(8));
    let _ = write!(d, "M{} {}", num(x + tl), num(y));
    line(d, 'h', 1.0 - tl - tr);
    arc(d, tr, tr, tr);
    line(d, 'v', 1.0 - tr - br);
    arc(d, br, -br, br);
    line(d, 'h', -(1.0 - br - bl));
    arc(d, bl, -bl, -bl);
    line(d, 'v', -(1.0 - bl - tl));
    arc(d, tl, tl, -tl);
    d.push('z');
}

fn line(d: &mut String, cmd: char, len: f64) {
    if len != 0.0 {
        let _ = write!(d, "{cmd}{}", num(len));
    }
}

/// A clockwise quarter arc of radius `r` ending (dx, dy) away; none if r = 0.
fn arc(d: &mut String, r: f64, dx: f64, dy: f64) {
    if r != 0.0 {
        let _ = write!(d, "a{} {} 0 0 1 {} {}", num(r), num(r), num(dx), num(dy));
    }
}

fn circle(d: &mut String, cx: f64, cy: f64, r: f64) {
    let (rs, ds) = (num(r), num(2.0 * r));
    let _ = write!(
        d,
        "M{} {}a{rs} {rs} 0 1 0 {ds} 0a{rs} {rs} 0 1 0 -{ds} 0z",
        num(cx - r),
        num(cy)
    );
}

/// A square [x, x+w]² with all corners rounded by r (r = 0: sharp).
fn round_rect(d: &mut String, x: f64, y: f64, w: f64, r: f64) {
    let _ = write!(d, "M{} {}", num(x + r), num(y));
    line(d, 'h', w - 2.0 * r);
    arc(d, r, r, r);
    line(d, 'v', w - 2.0 * r);
    arc(d, r, -r, r);
    line(d, 'h', -(w - 2.0 * r));
    arc(d, r, -r, -r);
    line(d, 'v', -(w - 2.0 * r));
    arc(d, r, r, -r);
    d.push('z');
}

/// An eye at (x, y): outer shape, its hole, and the pupil; even-odd fill
/// turns the first two into a ring. Same geometry as `shape::eye_contains`.
fn eye(d: &mut String, style: EyeStyle, x: f64, y: f64) {
    let side = EYE as f64;
    match style {
        EyeStyle::Square => {
            round_rect(d, x, y, side, 0.0);
            round_rect(d, x + 1.0, y + 1.0, side - 2.0, 0.0);
            round_rect(d, x + 2.0, y + 2.0, side - 4.0, 0.0);
        }
        EyeStyle::Rounded => {
            round_rect(d, x, y, side, EYE_ROUND_OUTER);
            round_rect(d, x + 1.0, y + 1.0, side - 2.0, EYE_ROUND_INNER);
            round_rect(d, x + 2.0, y + 2.0, side - 4.0, EYE_ROUND_PUPIL);
        }
        EyeStyle::Circle => {
            let (cx, cy) = (x + side / 2.0, y + side / 2.0);
            circle(d, cx, cy, 3.5);
            circle(d, cx, cy, 2.5);
            circle(d, cx, cy, 1.5);
        }
    }
}

/// At most three decimals, no trailing zeros: "1", "0.45", "-2.5".
fn num(v: f64) -> String {
    let s = format!("{:.3}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::QrParams;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.45), "0.45");
        assert_eq!(num(-2.5), "-2.5");
        assert_eq!(num(-0.0001), "0");
    }

    #[test]
    fn square_style_is_one_path_of_runs_with_a_background_rect() {
        let o = QrParams::new("https://scn.ly/q/abc").validate().unwrap();
        let m = Matrix::encode(&o).unwrap();
        let svg = render_svg(&m, &o);
        assert_eq!(svg.matches("<path").count(), 1);
        assert!(svg.contains(r#"viewBox="0 0 33 33""#));
        assert!(svg.contains(r#"width="512" height="512""#));
        assert!(svg.contains(r##"<rect width="33" height="33" fill="#ffffff"/>"##));
        assert_eq!(svg, render_svg(&m, &o), "deterministic");
    }

    #[test]
    fn transparent_background_has_no_rect() {
        let o = QrParams {
            transparent_bg: true,
            ..QrParams::new("x")
        }
        .validate()
        .unwrap();
        let svg = render_svg(&Matrix::encode(&o).unwrap(), &o);
        assert!(!svg.contains("<rect"));
    }
}
