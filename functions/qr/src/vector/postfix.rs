//! Path construction in postfix notation, shared by PDF content streams and
//! PostScript: `x y m`, `x y l`, `x1 y1 x2 y2 x y c`, `h`, and `x y w h re`
//! for the axis-aligned rectangles `Path::rect` draws (the operator names
//! are PDF's; the EPS prolog defines the same names). Coordinates are
//! absolute, quantised to thousandths of a unit; lines stay well under the
//! 255 characters DSC and PDF recommend.

use super::num::{Sink, milli, put_milli};
use super::path::{Path, Point, Segment};

/// Break the line once it is this long (operators are never split).
const WRAP: usize = 200;

pub(crate) fn put_path(out: &mut Vec<u8>, path: &Path) {
    let q = |p: Point| (milli(p.x), milli(p.y));
    let segs = path.segments();
    let mut line_start = out.len();
    let mut i = 0;
    while let Some(seg) = segs.get(i) {
        // Separate from the previous operator: a space, or a new line once
        // this one is long.
        if out.len() != line_start {
            if out.len() - line_start > WRAP {
                out.put_byte(b'\n');
                line_start = out.len();
            } else {
                out.put_byte(b' ');
            }
        }
        if let Some((x, y, w, h)) = rect_at(segs, i) {
            put_numbers(out, &[x, y, w, h]);
            out.put(" re\n");
            line_start = out.len();
            i += 5;
            continue;
        }
        match *seg {
            Segment::MoveTo(p) => {
                let (x, y) = q(p);
                put_numbers(out, &[x, y]);
                out.put(" m");
            }
            Segment::LineTo(p) => {
                let (x, y) = q(p);
                put_numbers(out, &[x, y]);
                out.put(" l");
            }
            Segment::CubicTo(c1, c2, p) => {
                let (a, b, c) = (q(c1), q(c2), q(p));
                put_numbers(out, &[a.0, a.1, b.0, b.1, c.0, c.1]);
                out.put(" c");
            }
            Segment::Close => {
                out.put("h\n");
                line_start = out.len();
            }
        }
        i += 1;
    }
    if out.len() != line_start {
        out.put_byte(b'\n');
    }
}

/// Numbers separated by spaces; the caller adds the leading separator.
fn put_numbers(out: &mut Vec<u8>, nums: &[i64]) {
    for (k, &n) in nums.iter().enumerate() {
        if k > 0 {
            out.put_byte(b' ');
        }
        put_milli(out, n);
    }
}

/// (x, y, w, h) when segments i..i+5 are move, three lines, close tracing
/// a rectangle in `re`'s order: (x,y) → (x+w,y) → (x+w,y+h) → (x,y+h).
fn rect_at(segs: &[Segment], i: usize) -> Option<(i64, i64, i64, i64)> {
    let q = |p: Point| (milli(p.x), milli(p.y));
    let [
        Segment::MoveTo(a),
        Segment::LineTo(b),
        Segment::LineTo(c),
        Segment::LineTo(d),
        Segment::Close,
    ] = *segs.get(i..i + 5)?
    else {
        return None;
    };
    let (a, b, c, d) = (q(a), q(b), q(c), q(d));
    (b.1 == a.1 && c.0 == b.0 && d.1 == c.1 && d.0 == a.0).then_some((
        a.0,
        a.1,
        b.0 - a.0,
        c.1 - b.1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(path: &Path) -> String {
        let mut s = Vec::new();
        put_path(&mut s, path);
        String::from_utf8(s).unwrap()
    }

    #[test]
    fn rectangles_become_re_and_other_paths_are_spelled_out() {
        let mut p = Path::new();
        p.rect(4.0, 5.0, 3.0, 1.0);
        p.move_to(0.0, 0.0)
            .line_to(1.5, 0.0)
            .cubic_to(2.0, 0.0, 2.0, 0.5, 2.0, 1.0)
            .close();
        assert_eq!(text(&p), "4 5 3 1 re\n0 0 m 1.5 0 l 2 0 2 0.5 2 1 c h\n");
    }

    #[test]
    fn a_quadrilateral_that_is_not_a_rectangle_is_not_re() {
        let mut p = Path::new();
        p.move_to(0.0, 0.0)
            .line_to(2.0, 0.0)
            .line_to(2.0, 1.0)
            .line_to(0.5, 1.0)
            .close();
        assert_eq!(text(&p), "0 0 m 2 0 l 2 1 l 0.5 1 l h\n");
    }

    #[test]
    fn long_subpaths_wrap_below_255_characters() {
        let mut p = Path::new();
        p.move_to(0.0, 0.0);
        for i in 0..200 {
            p.line_to(f64::from(i) + 0.123, 100.456);
        }
        let s = text(&p);
        assert!(s.lines().all(|l| l.len() < 255), "{s}");
        assert!(s.lines().count() > 10);
        assert!(s.ends_with(" l\n"));
    }
}
