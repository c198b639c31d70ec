//! Vector output for screens and print — SVG, PDF and EPS — written from
//! one format-free description, the `Scene`, so the three formats draw the
//! same geometry (the geometry `shape` defines and the PNG rasteriser
//! samples).
//!
//! ```
//! use scanly_qr::{Matrix, QrParams};
//! use scanly_qr::vector::{PhysicalSize, Scene, render_eps, render_pdf, render_svg_scene};
//!
//! let options = QrParams::new("https://scn.ly/q/abc").validate().unwrap();
//! let matrix = Matrix::encode(&options).unwrap();
//! let scene = Scene::code(&matrix, &options);
//! let pdf: Vec<u8> = render_pdf(&scene, PhysicalSize::mm(40.0));
//! let eps: String = render_eps(&scene, PhysicalSize::mm(40.0));
//! let svg: String = render_svg_scene(&scene, 512);
//! assert!(pdf.starts_with(b"%PDF-1.4"));
//! assert!(eps.starts_with("%!PS-Adobe-3.0 EPSF-3.0"));
//! assert!(svg.starts_with("<svg"));
//! ```
//!
//! All writers are deterministic: same scene, same bytes (no dates, no
//! document ids), numbers with at most three decimals in module units.

mod eps;
pub(crate) mod num;
mod path;
mod pdf;
mod postfix;
mod scene;

pub use eps::render_eps;
pub use num::format_num;
pub use path::{KAPPA, Path, Point, Segment};
pub use pdf::render_pdf;
pub use scene::{Item, Rgba8Image, Scene};

pub use crate::svg::render_svg_scene;

/// Points per millimetre (1 pt = 1/72 in = 25.4/72 mm).
const PT_PER_MM: f64 = 72.0 / 25.4;

/// The printed width of a scene; its height follows the scene's aspect
/// ratio. Values are clamped to what PDF readers accept for a page side
/// (`MIN_PT`..=`MAX_PT`, Acrobat's implementation limits): a NaN or
/// negative size gives the smallest page rather than a broken file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhysicalSize {
    points: f64,
}

impl PhysicalSize {
    /// 3 pt ≈ 1.06 mm, the smallest page side PDF allows.
    pub const MIN_PT: f64 = 3.0;
    /// 14 400 pt = 200 in ≈ 5.08 m, the largest.
    pub const MAX_PT: f64 = 14_400.0;

    /// Width in PostScript points (1/72 in).
    pub fn pt(points: f64) -> Self {
        let points = if points.is_nan() {
            Self::MIN_PT
        } else {
            points.clamp(Self::MIN_PT, Self::MAX_PT)
        };
        Self { points }
    }

    /// Width in millimetres.
    pub fn mm(mm: f64) -> Self {
        Self::pt(mm * PT_PER_MM)
    }

    /// Width in inches.
    pub fn inches(inches: f64) -> Self {
        Self::pt(inches * 72.0)
    }

    /// The (clamped) width in points.
    pub fn points(self) -> f64 {
        self.points
    }
}

/// A scene placed on a page: size in points (as printed, three decimals)
/// and points per unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Page {
    /// Page width and height in thousandths of a point.
    pub width_milli: i64,
    pub height_milli: i64,
    /// Points per scene unit.
    pub scale: f64,
    /// Scene height in units (sanitised).
    pub units_high: f64,
}

impl Page {
    pub fn new(scene: &Scene, size: PhysicalSize) -> Self {
        let positive = |v: f64| if v.is_finite() && v > 0.0 { v } else { 1.0 };
        let (w, h) = (positive(scene.width), positive(scene.height));
        let mut width = size.points();
        // A tall scene (e.g. with a caption) must fit the page limit too.
        if width * h / w > PhysicalSize::MAX_PT {
            width = PhysicalSize::MAX_PT * w / h;
        }
        let width_milli = num::milli(width).max(1);
        // The scale maps the scene's width onto the width as printed, so
        // the drawing ends exactly at the MediaBox/BoundingBox edge.
        let scale = width_milli as f64 / 1000.0 / w;
        let height_milli = num::milli(h * scale).max(1);
        Self {
            width_milli,
            height_milli,
            scale,
            units_high: h,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_sizes_convert_and_clamp() {
        assert!((PhysicalSize::mm(25.4).points() - 72.0).abs() < 1e-9);
        assert_eq!(PhysicalSize::inches(2.0).points(), 144.0);
        assert_eq!(PhysicalSize::pt(-5.0).points(), PhysicalSize::MIN_PT);
        assert_eq!(PhysicalSize::pt(f64::NAN).points(), PhysicalSize::MIN_PT);
        assert_eq!(PhysicalSize::pt(1e9).points(), PhysicalSize::MAX_PT);
    }

    #[test]
    fn page_keeps_the_scene_aspect_and_the_page_limit() {
        let mut scene = Scene::new(33.0, 33.0, None);
        let page = Page::new(&scene, PhysicalSize::mm(40.0));
        assert_eq!((page.width_milli, page.height_milli), (113_386, 113_386));
        scene.height = 66.0;
        let page = Page::new(&scene, PhysicalSize::pt(100.0));
        assert_eq!((page.width_milli, page.height_milli), (100_000, 200_000));
        let page = Page::new(&scene, PhysicalSize::pt(10_000.0));
        assert_eq!(
            (page.width_milli, page.height_milli),
            (7_200_000, 14_400_000)
        );
    }
}
