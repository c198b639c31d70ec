//! The geometry of styled modules and eyes, once, in module units. The
//! rasteriser samples these functions at pixel centres; the SVG writer
//! emits paths for the same shapes using the same constants, so both
//! formats draw the same code.

use crate::matrix::Matrix;
use crate::options::EyeStyle;

/// Dot radius in modules. Below 0.5 so neighbouring dots never touch (the
/// style's look) yet each covers ~64% of its module, enough for readers
/// that sample module centres.
pub const DOT_RADIUS: f64 = 0.45;
/// Corner radius of the rounded module style: half a module, so a lone
/// module is a circle and the end of a run a semicircle.
pub const ROUND_RADIUS: f64 = 0.5;

/// Rounded-eye radii: outer ring, its hole, and the pupil. Kept small
/// because readers locate an eye by its ring's corners: swept over ~1,300
/// codes (tests/decode_rounded_eyes.rs), a ring radius of 0.5 module made
/// `rqrr` miss dots-style codes of versions 5–6 entirely and a few per
/// hundred from version 7, 1.0 more; 0.25 reads every code up to version 7
/// (`layout::MAX_ROUNDED_EYE_VERSION`). The pupil's rounding does not
/// matter to readers.
pub const EYE_ROUND_OUTER: f64 = 0.25;
pub const EYE_ROUND_INNER: f64 = 0.25;
pub const EYE_ROUND_PUPIL: f64 = 0.5;

/// Which corners of a dark module are rounded in the rounded style: a
/// corner is rounded when neither module sharing its two edges is dark.
/// Bits: 1 top-left, 2 top-right, 4 bottom-right, 8 bottom-left.
pub fn rounded_corners(m: &Matrix, x: usize, y: usize) -> u8 {
    let (x, y) = (x as isize, y as isize);
    let (up, down) = (m.dark(x, y - 1), m.dark(x, y + 1));
    let (left, right) = (m.dark(x - 1, y), m.dark(x + 1, y));
    u8::from(!up && !left)
        | u8::from(!up && !right) << 1
        | u8::from(!down && !right) << 2
        | u8::from(!down && !left) << 3
}

/// Whether (u, v) in [0,1]² lies inside a module with the given rounded
/// corners.
pub fn rounded_module_contains(corners: u8, u: f64, v: f64) -> bool {
    let r = ROUND_RADIUS;
    // (left side?, top side?) per corner bit.
    let sides = [(true, true), (false, true), (false, false), (true, false)];
    for (bit, (left, top)) in sides.into_iter().enumerate() {
        let (cx, cy) = (
            if left { r } else { 1.0 - r },
            if top { r } else { 1.0 - r },
        );
        let in_corner_box =
            (if left { u < cx } else { u > cx }) && (if top { v < cy } else { v > cy });
        if corners & (1 << bit) != 0 && in_corner_box && (u - cx).hypot(v - cy) > r {
            return false;
        }
    }
    true
}

pub fn dot_contains(u: f64, v: f64) -> bool {
    (u - 0.5).hypot(v - 0.5) <= DOT_RADIUS
}

/// Whether (u, v) in [0,7]² is dark in an eye of the given style.
pub fn eye_contains(style: EyeStyle, u: f64, v: f64) -> bool {
    match style {
        EyeStyle::Square => {
            let inside = |lo: f64, hi: f64| (lo..hi).contains(&u) && (lo..hi).contains(&v);
            (inside(0.0, 7.0) && !inside(1.0, 6.0)) || inside(2.0, 5.0)
        }
        EyeStyle::Rounded => {
            (in_round_rect(u, v, 0.0, 7.0, EYE_ROUND_OUTER)
                && !in_round_rect(u, v, 1.0, 6.0, EYE_ROUND_INNER))
                || in_round_rect(u, v, 2.0, 5.0, EYE_ROUND_PUPIL)
        }
        EyeStyle::Circle => {
            let d = (u - 3.5).hypot(v - 3.5);
            (2.5..=3.5).contains(&d) || d <= 1.5
        }
    }
}

/// Inside the square [lo, hi]² with corners rounded by `r`.
fn in_round_rect(u: f64, v: f64, lo: f64, hi: f64, r: f64) -> bool {
    if !(lo..hi).contains(&u) || !(lo..hi).contains(&v) {
        return false;
    }
    let dx = (lo + r - u).max(u - (hi - r)).max(0.0);
    let dy = (lo + r - v).max(v - (hi - r)).max(0.0);
    dx.hypot(dy) <= r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_eye_style_keeps_the_1_1_3_1_1_runs_through_its_centre() {
        for style in EyeStyle::ALL {
            let row: Vec<bool> = (0..7)
                .map(|x| eye_contains(style, f64::from(x) + 0.5, 3.5))
                .collect();
            assert_eq!(
                row,
                [true, false, true, true, true, false, true],
                "{style:?}"
            );
        }
    }

    #[test]
    fn lone_rounded_module_is_a_circle_and_joined_one_keeps_its_shared_edge() {
        assert!(!rounded_module_contains(0b1111, 0.02, 0.02));
        assert!(rounded_module_contains(0b1111, 0.5, 0.5));
        // Right neighbour dark: right corners stay square.
        assert!(rounded_module_contains(0b1001, 0.98, 0.02));
    }
}
