//! What a vector file shows, format-free: a page of `width` × `height`
//! units (1 unit = 1 module), an optional background and items painted in
//! order. `Scene::code` draws the code itself; frames, captions and logos
//! are pushed on top by the caller. The SVG, PDF and EPS writers only
//! serialise a scene, so all three draw the same geometry.

use std::sync::Arc;

use scanly_shared::HexColor;

use crate::matrix::{EYE, Matrix};
use crate::options::{EyeStyle, ModuleStyle, QrOptions};
use crate::shape::{
    DOT_RADIUS, EYE_ROUND_INNER, EYE_ROUND_OUTER, EYE_ROUND_PUPIL, rounded_corners,
};

use super::path::Path;

/// Straight (non-premultiplied) 8-bit RGBA pixels, row-major from the top
/// left. Built only through `new`, which checks the buffer's length, so
/// the writers never index out of range.
#[derive(Clone, PartialEq, Eq)]
pub struct Rgba8Image {
    width: u32,
    height: u32,
    data: Vec<u8>,
}

impl Rgba8Image {
    /// `None` unless both sides are non-zero and `data` holds exactly
    /// `width × height × 4` bytes.
    pub fn new(width: u32, height: u32, data: Vec<u8>) -> Option<Self> {
        let len = (width as usize)
            .checked_mul(height as usize)?
            .checked_mul(4)?;
        (width > 0 && height > 0 && data.len() == len).then_some(Self {
            width,
            height,
            data,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// RGBA bytes, `width × height × 4`.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Whether every pixel is fully opaque (no alpha channel needed).
    pub fn is_opaque(&self) -> bool {
        self.data.chunks_exact(4).all(|px| px.get(3) == Some(&255))
    }

    /// The RGB bytes, alpha dropped.
    pub fn rgb(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() / 4 * 3);
        for px in self.data.chunks_exact(4) {
            out.extend_from_slice(px.get(..3).unwrap_or(&[0, 0, 0]));
        }
        out
    }

    /// The alpha bytes.
    pub fn alpha(&self) -> Vec<u8> {
        self.data
            .chunks_exact(4)
            .map(|px| px.get(3).copied().unwrap_or(255))
            .collect()
    }
}

impl core::fmt::Debug for Rgba8Image {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Rgba8Image")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// One painted thing, in painting order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A filled path: even-odd rule when `even_odd`, else nonzero winding.
    Fill {
        path: Path,
        color: HexColor,
        even_odd: bool,
    },
    /// An image stretched over the rectangle (x, y, w, h), in units.
    Image {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        image: Arc<Rgba8Image>,
    },
}

/// A vector drawing in module units with y pointing down; (0, 0) is the
/// top-left corner. Not necessarily square (a caption bar makes it taller).
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    /// Painted over the whole scene first; `None` leaves it transparent.
    pub background: Option<HexColor>,
    pub items: Vec<Item>,
}

impl Scene {
    pub fn new(width: f64, height: f64, background: Option<HexColor>) -> Self {
        Self {
            width,
            height,
            background,
            items: Vec::new(),
        }
    }

    /// The code with its quiet zone at (0, 0), `width + 2·margin` units
    /// square: the background (unless transparent), then one even-odd
    /// path holding every dark module in the module style and the three
    /// eyes in the eye style — the geometry `shape` defines and the PNG
    /// rasteriser samples.
    pub fn code(matrix: &Matrix, options: &QrOptions) -> Self {
        let margin = options.margin() as usize;
        let total = (matrix.width + 2 * margin) as f64;
        let background = (!options.transparent_bg()).then(|| options.bg());
        let mut scene = Self::new(total, total, background);
        let path = code_path(matrix, margin, options.module_style(), options.eye_style());
        scene.push_fill(path, options.fg());
        scene
    }

    /// Paints `path` in `color` with the even-odd rule (holes from
    /// overlapping subpaths, whatever their direction).
    pub fn push_fill(&mut self, path: Path, color: HexColor) -> &mut Self {
        self.items.push(Item::Fill {
            path,
            color,
            even_odd: true,
        });
        self
    }

    /// Paints `path` in `color` with the nonzero winding rule (e.g. glyph
    /// outlines, whose holes run the other way).
    pub fn push_fill_nonzero(&mut self, path: Path, color: HexColor) -> &mut Self {
        self.items.push(Item::Fill {
            path,
            color,
            even_odd: false,
        });
        self
    }

    /// Paints `image` stretched over (x, y, w, h).
    pub fn push_image(
        &mut self,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        image: Arc<Rgba8Image>,
    ) -> &mut Self {
        self.items.push(Item::Image { x, y, w, h, image });
        self
    }

    pub fn set_height(&mut self, height: f64) -> &mut Self {
        self.height = height;
        self
    }

    /// Adds `extra` units at the bottom (e.g. a caption bar); the
    /// background grows with it.
    pub fn extend_height(&mut self, extra: f64) -> &mut Self {
        self.height += extra;
        self
    }

    /// Moves every item by (dx, dy), e.g. to make room for a frame; the
    /// scene's size is unchanged.
    pub fn translate(&mut self, dx: f64, dy: f64) -> &mut Self {
        for item in &mut self.items {
            match item {
                Item::Fill { path, .. } => {
                    path.scale_translate(1.0, 1.0, dx, dy);
                }
                Item::Image { x, y, .. } => {
                    *x += dx;
                    *y += dy;
                }
            }
        }
        self
    }

    /// How many path segments the fills hold (to size output buffers).
    pub fn segment_count(&self) -> usize {
        self.items
            .iter()
            .map(|item| match item {
                Item::Fill { path, .. } => path.segments().len(),
                Item::Image { .. } => 0,
            })
            .sum()
    }

    /// Whether every fill is made of horizontal and vertical edges only,
    /// so SVG may ask for `crispEdges` (no anti-aliasing seams).
    pub fn is_axis_aligned(&self) -> bool {
        self.items.iter().all(|item| match item {
            Item::Fill { path, .. } => path.is_axis_aligned(),
            Item::Image { .. } => true,
        })
    }
}

/// Every dark module and the three eyes as one path, the code's top-left
/// module at (margin, margin).
fn code_path(matrix: &Matrix, margin: usize, modules: ModuleStyle, eyes: EyeStyle) -> Path {
    let mut path = Path::with_capacity(matrix.width * matrix.width * 3);
    match modules {
        ModuleStyle::Square => square_runs(&mut path, matrix, margin),
        style => each_module(&mut path, matrix, margin, style),
    }
    for (ex, ey) in matrix.eyes() {
        eye(&mut path, eyes, (ex + margin) as f64, (ey + margin) as f64);
    }
    path
}

/// Square style: each horizontal run of dark modules is one rectangle.
fn square_runs(path: &mut Path, m: &Matrix, margin: usize) {
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
            path.rect(
                (start + margin) as f64,
                (y + margin) as f64,
                (x - start) as f64,
                1.0,
            );
        }
    }
}

fn each_module(path: &mut Path, m: &Matrix, margin: usize, style: ModuleStyle) {
    for y in 0..m.width {
        for x in 0..m.width {
            if m.in_eye(x, y) || !m.dark(x as isize, y as isize) {
                continue;
            }
            let (px, py) = ((x + margin) as f64, (y + margin) as f64);
            match style {
                ModuleStyle::Dots => path.circle(px + 0.5, py + 0.5, DOT_RADIUS),
                _ => path.rounded_module(px, py, rounded_corners(m, x, y)),
            };
        }
    }
}

/// An eye at (x, y): outer shape, its hole, and the pupil; even-odd fill
/// turns the first two into a ring. Same geometry as `shape::eye_contains`.
fn eye(path: &mut Path, style: EyeStyle, x: f64, y: f64) {
    let side = EYE as f64;
    match style {
        EyeStyle::Square => {
            path.rect(x, y, side, side);
            path.rect(x + 1.0, y + 1.0, side - 2.0, side - 2.0);
            path.rect(x + 2.0, y + 2.0, side - 4.0, side - 4.0);
        }
        EyeStyle::Rounded => {
            path.round_rect(x, y, side, side, EYE_ROUND_OUTER);
            path.round_rect(x + 1.0, y + 1.0, side - 2.0, side - 2.0, EYE_ROUND_INNER);
            path.round_rect(x + 2.0, y + 2.0, side - 4.0, side - 4.0, EYE_ROUND_PUPIL);
        }
        EyeStyle::Circle => {
            let (cx, cy) = (x + side / 2.0, y + side / 2.0);
            path.circle(cx, cy, 3.5);
            path.circle(cx, cy, 2.5);
            path.circle(cx, cy, 1.5);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::QrParams;
    use crate::shape;
    use crate::vector::path::{Point, Segment};

    fn code(params: QrParams) -> Scene {
        let o = params.validate().unwrap();
        Scene::code(&Matrix::encode(&o).unwrap(), &o)
    }

    /// The path's edges, cubics flattened into 32 chords each (error about
    /// 0.0005 of the radius, far below the sample points' margins).
    fn edges(path: &Path) -> Vec<(Point, Point)> {
        let mut out = Vec::new();
        let (mut start, mut at) = (Point::default(), Point::default());
        for seg in path.segments() {
            match *seg {
                Segment::MoveTo(p) => {
                    start = p;
                    at = p;
                }
                Segment::LineTo(p) => {
                    out.push((at, p));
                    at = p;
                }
                Segment::CubicTo(c1, c2, p) => {
                    let mut prev = at;
                    for i in 1..=32 {
                        let t = f64::from(i) / 32.0;
                        let s = 1.0 - t;
                        let f = |a: f64, b: f64, c: f64, d: f64| {
                            s * s * s * a
                                + 3.0 * s * s * t * b
                                + 3.0 * s * t * t * c
                                + t * t * t * d
                        };
                        let q = Point::new(f(at.x, c1.x, c2.x, p.x), f(at.y, c1.y, c2.y, p.y));
                        out.push((prev, q));
                        prev = q;
                    }
                    at = p;
                }
                Segment::Close => {
                    out.push((at, start));
                    at = start;
                }
            }
        }
        out
    }

    /// Where the edges cross the horizontal line at `y`, sorted: a point
    /// on that line is inside (even-odd) when an odd number lie left of it.
    fn crossings(edges: &[(Point, Point)], y: f64) -> Vec<f64> {
        let mut xs: Vec<f64> = edges
            .iter()
            .filter(|(a, b)| (a.y > y) != (b.y > y))
            .map(|(a, b)| a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x))
            .collect();
        xs.sort_by(f64::total_cmp);
        xs
    }

    fn inside_row(xs: &[f64], x: f64) -> bool {
        xs.iter().filter(|&&c| c < x).count() % 2 == 1
    }

    fn inside(path: &Path, x: f64, y: f64) -> bool {
        inside_row(&crossings(&edges(path), y), x)
    }

    /// What the PNG rasteriser paints at (u, v) within module (x, y).
    fn raster_dark(
        m: &Matrix,
        ms: ModuleStyle,
        es: EyeStyle,
        x: usize,
        y: usize,
        u: f64,
        v: f64,
    ) -> bool {
        if m.in_eye(x, y) {
            let (ox, oy) = m
                .eyes()
                .into_iter()
                .find(|&(ox, oy)| (ox..ox + EYE).contains(&x) && (oy..oy + EYE).contains(&y))
                .unwrap();
            return shape::eye_contains(es, (x - ox) as f64 + u, (y - oy) as f64 + v);
        }
        if !m.dark(x as isize, y as isize) {
            return false;
        }
        match ms {
            ModuleStyle::Square => true,
            ModuleStyle::Dots => shape::dot_contains(u, v),
            ModuleStyle::Rounded => shape::rounded_module_contains(rounded_corners(m, x, y), u, v),
        }
    }

    #[test]
    fn every_style_draws_what_the_rasteriser_samples() {
        let m = Matrix::from_bytes(b"https://scn.ly/q/abc", crate::options::EcLevel::M).unwrap();
        let offsets = [0.1, 0.35, 0.65, 0.9];
        let margin = 2;
        for ms in ModuleStyle::ALL {
            for es in EyeStyle::ALL {
                let path = code_path(&m, margin, ms, es);
                let edges = edges(&path);
                for y in 0..m.width {
                    for v in offsets {
                        let xs = crossings(&edges, (y + margin) as f64 + v);
                        for x in 0..m.width {
                            for u in offsets {
                                assert_eq!(
                                    inside_row(&xs, (x + margin) as f64 + u),
                                    raster_dark(&m, ms, es, x, y, u, v),
                                    "{ms:?}/{es:?} module ({x}, {y}) at ({u}, {v})"
                                );
                            }
                        }
                    }
                }
                // Nothing in the quiet zone.
                assert!(!inside(&path, 1.0, 1.0) && !inside(&path, 0.5, 20.0));
                let mut scene = Scene::new(1.0, 1.0, None);
                scene.push_fill(path, HexColor::BLACK);
                assert_eq!(
                    scene.is_axis_aligned(),
                    ms == ModuleStyle::Square && es == EyeStyle::Square
                );
            }
        }
    }

    #[test]
    fn code_scene_is_the_padded_code_on_its_background() {
        let scene = code(QrParams::new("https://scn.ly/q/abc"));
        assert_eq!((scene.width, scene.height), (33.0, 33.0));
        assert_eq!(scene.background, Some(HexColor::WHITE));
        assert!(scene.is_axis_aligned());
        let [
            Item::Fill {
                path,
                color,
                even_odd,
            },
        ] = scene.items.as_slice()
        else {
            panic!("{:?}", scene.items)
        };
        assert_eq!((*color, *even_odd), (HexColor::BLACK, true));
        // Top-left eye at (4, 4): its corner is dark, the margin is not.
        assert!(inside(path, 4.5, 4.5) && !inside(path, 3.5, 3.5));
    }

    #[test]
    fn transparent_background_is_none_and_scene_grows_and_moves() {
        let mut scene = code(QrParams {
            transparent_bg: true,
            ..QrParams::new("x")
        });
        assert_eq!(scene.background, None);
        let w = scene.width;
        scene.extend_height(5.0);
        assert_eq!((scene.width, scene.height), (w, w + 5.0));
        let img = Arc::new(Rgba8Image::new(1, 1, vec![1, 2, 3, 255]).unwrap());
        scene.push_image(1.0, 2.0, 3.0, 4.0, img);
        scene.translate(1.0, 1.0);
        assert!(matches!(
            scene.items.last(),
            Some(Item::Image { x: 2.0, y: 3.0, .. })
        ));
        let Some(Item::Fill { path, .. }) = scene.items.first() else {
            panic!()
        };
        // Top-left eye's corner moved from (4, 4) to (5, 5).
        assert!(inside(path, 5.5, 5.5) && !inside(path, 4.5, 4.5));
    }

    #[test]
    fn images_need_a_matching_buffer() {
        assert!(Rgba8Image::new(2, 2, vec![0; 16]).is_some());
        assert!(Rgba8Image::new(2, 2, vec![0; 15]).is_none());
        assert!(Rgba8Image::new(0, 2, vec![]).is_none());
        assert!(Rgba8Image::new(u32::MAX, u32::MAX, vec![]).is_none());
        let img = Rgba8Image::new(2, 1, vec![1, 2, 3, 255, 4, 5, 6, 0]).unwrap();
        assert_eq!(img.rgb(), [1, 2, 3, 4, 5, 6]);
        assert_eq!(img.alpha(), [255, 0]);
        assert!(!img.is_opaque());
    }
}
