//! The path model every vector format is written from: move/line/cubic/
//! close in user units (1 unit = 1 module, y pointing down), plus builders
//! for the shapes the code is drawn with. Arcs are cubic Béziers (quarter
//! circles with the usual `KAPPA`, radial error ≤ 0.03% of the radius), so
//! SVG, PDF and PostScript — PDF has no arc operator — draw the very same
//! curves.
//!
//! Every builder draws clockwise on screen (y down). Fills of the code use
//! the even-odd rule, where direction does not matter; it only matters for
//! nonzero fills (e.g. glyph outlines, which bring their own directions).

use crate::shape::ROUND_RADIUS;

/// Control-point distance, as a fraction of the radius, of a cubic Bézier
/// approximating a quarter circle: 4/3·(√2 − 1).
pub const KAPPA: f64 = 0.552_284_749_830_793_4;

/// A point in user units.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    /// `self` moved the fraction `t` of the way towards `to`.
    fn towards(self, to: Self, t: f64) -> Self {
        Self::new(self.x + (to.x - self.x) * t, self.y + (to.y - self.y) * t)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    MoveTo(Point),
    LineTo(Point),
    /// Two control points, then the end point.
    CubicTo(Point, Point, Point),
    /// Closes the subpath with a straight line back to its start.
    Close,
}

/// A sequence of subpaths. Every subpath starts with `MoveTo`: drawing
/// with no open subpath (at the start, or after `close`) first moves to
/// the current point, so all three writers see the same explicit geometry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Path {
    segments: Vec<Segment>,
    start: Point,
    current: Point,
    open: bool,
}

impl Path {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty path with room for `segments` segments.
    pub fn with_capacity(segments: usize) -> Self {
        Self {
            segments: Vec::with_capacity(segments),
            ..Self::default()
        }
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Where the next segment starts.
    pub fn current_point(&self) -> Point {
        self.current
    }

    /// Whether every segment is a move or a horizontal/vertical line: the
    /// path is made of axis-aligned rectangles and polygons, which SVG may
    /// draw with `crispEdges`.
    pub fn is_axis_aligned(&self) -> bool {
        let mut at = Point::default();
        let mut start = Point::default();
        for seg in &self.segments {
            match *seg {
                Segment::MoveTo(p) => {
                    at = p;
                    start = p;
                }
                Segment::LineTo(p) => {
                    if p.x != at.x && p.y != at.y {
                        return false;
                    }
                    at = p;
                }
                Segment::CubicTo(..) => return false,
                Segment::Close => {
                    if start.x != at.x && start.y != at.y {
                        return false;
                    }
                    at = start;
                }
            }
        }
        true
    }

    /// Starts a new subpath at (x, y).
    pub fn move_to(&mut self, x: f64, y: f64) -> &mut Self {
        let p = Point::new(x, y);
        self.segments.push(Segment::MoveTo(p));
        self.start = p;
        self.current = p;
        self.open = true;
        self
    }

    /// Starts a new subpath at (x, y) unless the open one already ends
    /// there: for outlines given as a list of curves with their start
    /// points (e.g. `ab_glyph`'s `OutlineCurve`s), where a curve that does
    /// not continue the previous one begins a new contour.
    pub fn move_to_if_needed(&mut self, x: f64, y: f64) -> &mut Self {
        if !self.open || self.current != Point::new(x, y) {
            self.move_to(x, y);
        }
        self
    }

    fn ensure_open(&mut self) {
        if !self.open {
            let p = self.current;
            self.move_to(p.x, p.y);
        }
    }

    pub fn line_to(&mut self, x: f64, y: f64) -> &mut Self {
        self.ensure_open();
        let p = Point::new(x, y);
        self.segments.push(Segment::LineTo(p));
        self.current = p;
        self
    }

    /// A quadratic Bézier (control point (cx, cy)), stored as the exactly
    /// equivalent cubic.
    pub fn quad_to(&mut self, cx: f64, cy: f64, x: f64, y: f64) -> &mut Self {
        self.ensure_open();
        let (from, ctrl, to) = (self.current, Point::new(cx, cy), Point::new(x, y));
        let c1 = from.towards(ctrl, 2.0 / 3.0);
        let c2 = to.towards(ctrl, 2.0 / 3.0);
        self.cubic_to(c1.x, c1.y, c2.x, c2.y, x, y)
    }

    pub fn cubic_to(
        &mut self,
        c1x: f64,
        c1y: f64,
        c2x: f64,
        c2y: f64,
        x: f64,
        y: f64,
    ) -> &mut Self {
        self.ensure_open();
        let p = Point::new(x, y);
        self.segments.push(Segment::CubicTo(
            Point::new(c1x, c1y),
            Point::new(c2x, c2y),
            p,
        ));
        self.current = p;
        self
    }

    /// Closes the current subpath (no-op when none is open).
    pub fn close(&mut self) -> &mut Self {
        if self.open {
            self.segments.push(Segment::Close);
            self.current = self.start;
            self.open = false;
        }
        self
    }

    /// Appends all of `other`'s subpaths.
    pub fn append(&mut self, other: &Path) -> &mut Self {
        self.segments.extend_from_slice(&other.segments);
        if !other.segments.is_empty() {
            self.start = other.start;
            self.current = other.current;
            self.open = other.open;
        }
        self
    }

    /// Maps every point through `(x, y) ↦ (sx·x + tx, sy·y + ty)`, e.g. to
    /// place a glyph outline given in font units.
    pub fn scale_translate(&mut self, sx: f64, sy: f64, tx: f64, ty: f64) -> &mut Self {
        let f = |p: Point| Point::new(p.x * sx + tx, p.y * sy + ty);
        for seg in &mut self.segments {
            *seg = match *seg {
                Segment::MoveTo(p) => Segment::MoveTo(f(p)),
                Segment::LineTo(p) => Segment::LineTo(f(p)),
                Segment::CubicTo(a, b, p) => Segment::CubicTo(f(a), f(b), f(p)),
                Segment::Close => Segment::Close,
            };
        }
        self.start = f(self.start);
        self.current = f(self.current);
        self
    }

    /// Axis-aligned rectangle: move, three lines, close (the closing edge
    /// is implicit), so writers can recognise it (PDF `re`).
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64) -> &mut Self {
        self.move_to(x, y)
            .line_to(x + w, y)
            .line_to(x + w, y + h)
            .line_to(x, y + h)
            .close()
    }

    /// Rectangle with every corner rounded by `r` (clamped to half the
    /// shorter side; 0 gives `rect`).
    pub fn round_rect(&mut self, x: f64, y: f64, w: f64, h: f64, r: f64) -> &mut Self {
        self.rect_with_radii(x, y, w, h, [r; 4])
    }

    /// Rectangle with per-corner radii: top-left, top-right, bottom-right,
    /// bottom-left (each clamped to 0..=half the shorter side).
    pub fn rect_with_radii(
        &mut self,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        radii: [f64; 4],
    ) -> &mut Self {
        let max = (w.abs().min(h.abs()) / 2.0).max(0.0);
        let [tl, tr, br, bl] = radii.map(|r| if r > 0.0 { r.min(max) } else { 0.0 });
        if tl == 0.0 && tr == 0.0 && br == 0.0 && bl == 0.0 {
            return self.rect(x, y, w, h);
        }
        let (x1, y1) = (x + w, y + h);
        self.move_to(x + tl, y);
        self.edge_to(x1 - tr, y);
        self.corner(Point::new(x1, y), Point::new(x1, y + tr), tr);
        self.edge_to(x1, y1 - br);
        self.corner(Point::new(x1, y1), Point::new(x1 - br, y1), br);
        self.edge_to(x + bl, y1);
        self.corner(Point::new(x, y1), Point::new(x, y1 - bl), bl);
        if tl > 0.0 {
            self.edge_to(x, y + tl);
            self.corner(Point::new(x, y), Point::new(x + tl, y), tl);
        }
        self.close()
    }

    /// The rounded module style's shape: the unit square at (x, y) with
    /// the corners flagged in `corners` (bits as in
    /// `shape::rounded_corners`: 1 top-left, 2 top-right, 4 bottom-right,
    /// 8 bottom-left) rounded by `shape::ROUND_RADIUS`.
    pub fn rounded_module(&mut self, x: f64, y: f64, corners: u8) -> &mut Self {
        let r = |bit: u8| {
            if corners & bit != 0 {
                ROUND_RADIUS
            } else {
                0.0
            }
        };
        self.rect_with_radii(x, y, 1.0, 1.0, [r(1), r(2), r(4), r(8)])
    }

    /// Circle of radius `r` around (cx, cy), four quarter-circle cubics
    /// starting at its leftmost point. Nothing for r ≤ 0.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64) -> &mut Self {
        if r > 0.0 {
            self.move_to(cx - r, cy);
            self.corner(Point::new(cx - r, cy - r), Point::new(cx, cy - r), r);
            self.corner(Point::new(cx + r, cy - r), Point::new(cx + r, cy), r);
            self.corner(Point::new(cx + r, cy + r), Point::new(cx, cy + r), r);
            self.corner(Point::new(cx - r, cy + r), Point::new(cx - r, cy), r);
            self.close();
        }
        self
    }

    /// A line, unless it has no length (it would change no fill).
    fn edge_to(&mut self, x: f64, y: f64) {
        if self.current != Point::new(x, y) {
            self.line_to(x, y);
        }
    }

    /// A quarter circle from the current point to `end` that rounds the
    /// right-angle corner `corner` between them; nothing when r = 0.
    fn corner(&mut self, corner: Point, end: Point, r: f64) {
        if r > 0.0 {
            let c1 = self.current.towards(corner, KAPPA);
            let c2 = end.towards(corner, KAPPA);
            self.cubic_to(c1.x, c1.y, c2.x, c2.y, end.x, end.y);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point::new(x, y)
    }

    /// Points on the curve at t = 0.5, for checking arcs against circles.
    fn cubic_mid(a: Point, b: Point, c: Point, d: Point) -> Point {
        let f = |a: f64, b: f64, c: f64, d: f64| (a + 3.0 * b + 3.0 * c + d) / 8.0;
        p(f(a.x, b.x, c.x, d.x), f(a.y, b.y, c.y, d.y))
    }

    #[test]
    fn rect_is_move_three_lines_close() {
        let mut path = Path::new();
        path.rect(1.0, 2.0, 3.0, 1.0);
        assert_eq!(
            path.segments(),
            [
                Segment::MoveTo(p(1.0, 2.0)),
                Segment::LineTo(p(4.0, 2.0)),
                Segment::LineTo(p(4.0, 3.0)),
                Segment::LineTo(p(1.0, 3.0)),
                Segment::Close,
            ]
        );
        assert!(path.is_axis_aligned());
        assert_eq!(path.current_point(), p(1.0, 2.0));
    }

    #[test]
    fn circle_is_four_cubics_whose_midpoints_lie_on_the_circle() {
        let mut path = Path::new();
        path.circle(5.0, 5.0, 2.0);
        let segs = path.segments();
        assert_eq!(segs.len(), 6);
        assert!(!path.is_axis_aligned());
        let mut at = p(3.0, 5.0);
        assert_eq!(segs.first(), Some(&Segment::MoveTo(at)));
        for seg in segs.iter().skip(1).take(4) {
            let Segment::CubicTo(c1, c2, end) = *seg else {
                panic!("{seg:?}")
            };
            for q in [end, cubic_mid(at, c1, c2, end)] {
                let r = (q.x - 5.0).hypot(q.y - 5.0);
                assert!((r - 2.0).abs() < 2.0 * 3e-4, "{q:?} at {r}");
            }
            at = end;
        }
        assert_eq!(at, p(3.0, 5.0));
        assert_eq!(segs.last(), Some(&Segment::Close));
    }

    #[test]
    fn lone_rounded_module_is_a_circle_of_half_a_module() {
        let mut module = Path::new();
        module.rounded_module(3.0, 4.0, 0b1111);
        // Start at the top edge's midpoint, four quarter arcs, close.
        let segs = module.segments();
        assert_eq!(segs.len(), 6, "{segs:?}");
        assert_eq!(segs.first(), Some(&Segment::MoveTo(p(3.5, 4.0))));
        for seg in segs.iter().skip(1).take(4) {
            let Segment::CubicTo(_, _, end) = *seg else {
                panic!("{seg:?}")
            };
            assert!(((end.x - 3.5).hypot(end.y - 4.5) - 0.5).abs() < 1e-12);
        }
    }

    #[test]
    fn rounded_module_corners_follow_the_shape_bits() {
        // Only the top-left corner rounded: one arc, three straight edges.
        let mut m = Path::new();
        m.rounded_module(0.0, 0.0, 0b0001);
        let cubics = m
            .segments()
            .iter()
            .filter(|s| matches!(s, Segment::CubicTo(..)))
            .count();
        assert_eq!(cubics, 1);
        assert_eq!(m.segments().first(), Some(&Segment::MoveTo(p(0.5, 0.0))));
        // No corner rounded: the plain unit square.
        let mut square = Path::new();
        square.rounded_module(2.0, 3.0, 0);
        let mut want = Path::new();
        want.rect(2.0, 3.0, 1.0, 1.0);
        assert_eq!(square, want);
        // The shape's sampler agrees: inside near a square corner, outside
        // near a rounded one.
        assert!(crate::shape::rounded_module_contains(0b0001, 0.98, 0.02));
        assert!(!crate::shape::rounded_module_contains(0b0001, 0.02, 0.02));
    }

    #[test]
    fn round_rect_radius_is_clamped_to_half_the_short_side() {
        let mut a = Path::new();
        a.round_rect(0.0, 0.0, 2.0, 1.0, 5.0);
        let mut b = Path::new();
        b.round_rect(0.0, 0.0, 2.0, 1.0, 0.5);
        assert_eq!(a, b);
        let mut sharp = Path::new();
        sharp.round_rect(0.0, 0.0, 2.0, 1.0, 0.0);
        assert!(sharp.is_axis_aligned());
    }

    #[test]
    fn drawing_without_a_subpath_moves_first_and_quads_become_cubics() {
        let mut path = Path::new();
        path.line_to(1.0, 0.0).close().quad_to(1.0, 1.0, 2.0, 0.0);
        assert_eq!(
            path.segments(),
            [
                Segment::MoveTo(p(0.0, 0.0)),
                Segment::LineTo(p(1.0, 0.0)),
                Segment::Close,
                Segment::MoveTo(p(0.0, 0.0)),
                Segment::CubicTo(
                    p(2.0 / 3.0, 2.0 / 3.0),
                    p(2.0 - 2.0 / 3.0, 2.0 / 3.0),
                    p(2.0, 0.0)
                ),
            ]
        );
    }

    #[test]
    fn curves_with_start_points_become_contours() {
        let mut path = Path::new();
        for (from, to) in [
            ((0.0, 0.0), (1.0, 0.0)),
            ((1.0, 0.0), (0.0, 1.0)),
            ((5.0, 5.0), (6.0, 5.0)),
        ] {
            path.move_to_if_needed(from.0, from.1).line_to(to.0, to.1);
        }
        let moves = path
            .segments()
            .iter()
            .filter(|s| matches!(s, Segment::MoveTo(_)))
            .count();
        assert_eq!(moves, 2);
        assert_eq!(path.segments().len(), 5);
    }

    #[test]
    fn scale_translate_maps_every_point() {
        let mut path = Path::new();
        path.move_to(1.0, 1.0)
            .cubic_to(2.0, 2.0, 3.0, 3.0, 4.0, 4.0);
        path.scale_translate(2.0, -1.0, 10.0, 5.0);
        assert_eq!(
            path.segments(),
            [
                Segment::MoveTo(p(12.0, 4.0)),
                Segment::CubicTo(p(14.0, 3.0), p(16.0, 2.0), p(18.0, 1.0)),
            ]
        );
        assert_eq!(path.current_point(), p(18.0, 1.0));
    }
}
