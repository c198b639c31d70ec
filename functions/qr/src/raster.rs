//! The canvas as pixels, for PNG (`png_out`). The expensive parts of the
//! stock path are avoided by construction: module pixels are two-valued, so
//! rows are assembled from per-module masks computed once per scale (no
//! per-pixel shape maths in the hot loop); only the frame's corners and the
//! caption are sampled per pixel.

use crate::error::QrError;
use crate::layout::{Composition, FRAME_RADIUS, FrameParts};
use crate::matrix::{EYE, Matrix};
use crate::options::{ModuleStyle, QrOptions};
use crate::shape;

/// How the image is laid out: an integer number of pixels per unit (so
/// every module has identical, crisp edges) and the leftover pixels split
/// around the canvas as extra quiet zone, so the PNG is exactly `size_px`
/// wide (and as much taller as a frame's caption bar asks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub width_px: usize,
    pub height_px: usize,
    pub scale: usize,
    /// Pixel offset of the canvas's unit (0, 0) on both axes.
    pub pad: usize,
}

impl Layout {
    pub fn new(composition: &Composition, options: &QrOptions) -> Result<Self, QrError> {
        let size_px = options.size_px() as usize;
        let units = composition.width as usize;
        let scale = size_px / units.max(1);
        if scale == 0 {
            return Err(QrError::SizeTooSmallForContent {
                size_px: options.size_px(),
                modules: composition.width,
            });
        }
        let leftover = size_px - scale * units;
        Ok(Self {
            width_px: size_px,
            height_px: composition.height as usize * scale + leftover,
            scale,
            pad: leftover / 2,
        })
    }

    /// Pixel position of a point given in canvas units.
    pub fn px(&self, units: f64) -> f64 {
        self.pad as f64 + units * self.scale as f64
    }
}

/// Ink level of a pixel: 0 = background, `INK` = foreground, anything
/// between is a blend (only the caption's anti-aliased edges).
pub const INK: u8 = 255;

/// Two-level masks (one byte per pixel, 0 or `INK`) for a given scale.
struct Masks {
    scale: usize,
    /// Square, dots, or the 16 rounded-corner variants, by corner bits.
    modules: Vec<Vec<u8>>,
    /// A 7×7-module eye; every style is mirror-symmetric, so one mask
    /// serves all three corners.
    eye: Vec<u8>,
}

impl Masks {
    fn new(options: &QrOptions, scale: usize) -> Self {
        let sample = |side: usize, f: &dyn Fn(f64, f64) -> bool| -> Vec<u8> {
            let px = side * scale;
            let step = 1.0 / scale as f64;
            let mut out = Vec::with_capacity(px * px);
            for y in 0..px {
                for x in 0..px {
                    let (u, v) = ((x as f64 + 0.5) * step, (y as f64 + 0.5) * step);
                    out.push(if f(u, v) { INK } else { 0 });
                }
            }
            out
        };
        let modules = match options.module_style() {
            ModuleStyle::Square => vec![vec![INK; scale * scale]],
            ModuleStyle::Dots => vec![sample(1, &shape::dot_contains)],
            ModuleStyle::Rounded => (0u8..16)
                .map(|c| sample(1, &|u, v| shape::rounded_module_contains(c, u, v)))
                .collect(),
        };
        let style = options.eye_style();
        let eye = sample(EYE, &|u, v| shape::eye_contains(style, u, v));
        Self {
            scale,
            modules,
            eye,
        }
    }

    /// Row `r` (0..scale) of the mask for module `id`.
    fn module_row(&self, id: u8, r: usize) -> Option<&[u8]> {
        let mask = self.modules.get(usize::from(id))?;
        mask.get(r * self.scale..(r + 1) * self.scale)
    }

    /// The `scale` pixels of eye row `ey * scale + r` under eye column `ex`.
    fn eye_row(&self, ex: usize, ey: usize, r: usize) -> Option<&[u8]> {
        let stride = EYE * self.scale;
        let start = (ey * self.scale + r) * stride + ex * self.scale;
        self.eye.get(start..start + self.scale)
    }
}

/// What to draw for each module, decided once per render.
#[derive(Clone, Copy)]
enum Tile {
    Light,
    Module(u8),
    Eye { ex: u8, ey: u8 },
}

fn tiles(matrix: &Matrix, style: ModuleStyle) -> Vec<Tile> {
    let w = matrix.width;
    let eyes = matrix.eyes();
    let mut out = Vec::with_capacity(w * w);
    for y in 0..w {
        for x in 0..w {
            let tile = if matrix.in_eye(x, y) {
                let (ox, oy) = eyes
                    .iter()
                    .copied()
                    .find(|&(ox, oy)| (ox..ox + EYE).contains(&x) && (oy..oy + EYE).contains(&y))
                    .unwrap_or((0, 0));
                // Both < 7: the casts cannot truncate.
                Tile::Eye {
                    ex: (x - ox) as u8,
                    ey: (y - oy) as u8,
                }
            } else if matrix.dark(x as isize, y as isize) {
                Tile::Module(match style {
                    ModuleStyle::Rounded => shape::rounded_corners(matrix, x, y),
                    ModuleStyle::Square | ModuleStyle::Dots => 0,
                })
            } else {
                Tile::Light
            };
            out.push(tile);
        }
    }
    out
}

/// A rendered canvas: one ink byte per pixel, plus what the PNG writer
/// still has to place (the logo).
#[derive(Debug)]
pub struct Raster {
    pub layout: Layout,
    pub pixels: Vec<u8>,
    pub composition: Composition,
}

/// Draws the canvas (frame, code, caption) as ink levels, row-major.
pub fn rasterize(matrix: &Matrix, options: &QrOptions) -> Result<Raster, QrError> {
    let composition = Composition::new(matrix, options)?;
    let layout = Layout::new(&composition, options)?;
    let (width, scale) = (layout.width_px, layout.scale);
    let mut pixels = vec![0u8; width * layout.height_px];
    if let Some(frame) = &composition.frame {
        draw_frame(&mut pixels, &layout, frame, &composition);
    }
    let masks = Masks::new(options, scale);
    let visible = composition.visible(matrix);
    let tiles = tiles(&visible, options.module_style());
    let (ox, oy) = (
        layout.pad + composition.matrix_origin.0 as usize * scale,
        layout.pad + composition.matrix_origin.1 as usize * scale,
    );
    for (my, tile_row) in tiles.chunks(matrix.width.max(1)).enumerate() {
        for r in 0..scale {
            let py = oy + my * scale + r;
            let Some(row) = pixels.get_mut(py * width..(py + 1) * width) else {
                continue;
            };
            for (mx, tile) in tile_row.iter().enumerate() {
                let src = match *tile {
                    Tile::Light => None,
                    Tile::Module(id) => masks.module_row(id, r),
                    Tile::Eye { ex, ey } => masks.eye_row(usize::from(ex), usize::from(ey), r),
                };
                let px = ox + mx * scale;
                if let (Some(src), Some(dst)) = (src, row.get_mut(px..px + scale)) {
                    dst.copy_from_slice(src);
                }
            }
        }
    }
    Ok(Raster {
        layout,
        pixels,
        composition,
    })
}

/// The frame in ink (rounded outer corners sampled at pixel centres), the
/// code's window cleared, and the caption knocked out of the bar.
fn draw_frame(pixels: &mut [u8], layout: &Layout, frame: &FrameParts, composition: &Composition) {
    let width = layout.width_px;
    let (x0, y0) = (layout.px(frame.outer.x), layout.px(frame.outer.y));
    let (x1, y1) = (
        layout.px(frame.outer.x + frame.outer.w),
        layout.px(frame.outer.y + frame.outer.h),
    );
    let r = FRAME_RADIUS * layout.scale as f64;
    let code = composition.code;
    let (cx0, cy0) = (layout.px(code.x), layout.px(code.y));
    let (cx1, cy1) = (layout.px(code.x + code.w), layout.px(code.y + code.h));
    // Per row: the span inside the rounded outline (circle maths only in
    // the corner rows), then the code's window cleared — spans, not pixels.
    for (y, row) in pixels.chunks_mut(width.max(1)).enumerate() {
        let v = y as f64 + 0.5;
        if v < y0 || v > y1 {
            continue;
        }
        let dy = (y0 + r - v).max(v - (y1 - r)).max(0.0);
        let inset = r - (r * r - dy * dy).max(0.0).sqrt();
        let first = (x0 + inset - 0.5).ceil().max(0.0) as usize;
        let end = ((x1 - inset - 0.5).floor() + 1.0).max(0.0) as usize;
        if let Some(span) = row.get_mut(first..end.min(width)) {
            span.fill(INK);
        }
        if v > cy0 && v < cy1 {
            let first = (cx0 - 0.5).floor().max(0.0) as usize + 1;
            let end = ((cx1 - 0.5).ceil().max(0.0) as usize).min(width);
            if let Some(span) = row.get_mut(first.min(end)..end) {
                span.fill(0);
            }
        }
    }
    let height = layout.height_px as i64;
    frame.text.rasterise(
        layout.scale as f64,
        (layout.pad as f64, layout.pad as f64),
        |x, y, c| {
            if x < 0 || y < 0 || x >= width as i64 || y >= height {
                return;
            }
            if let Some(p) = pixels.get_mut(y as usize * width + x as usize) {
                let knocked = (c.clamp(0.0, 1.0) * f32::from(INK)).round() as u8;
                *p = p.saturating_sub(knocked);
            }
        },
    );
}
