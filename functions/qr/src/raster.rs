//! PNG output. The expensive parts of the stock path are avoided by
//! construction: pixels are two-valued, so rows are assembled from per-module
//! masks computed once per scale (no per-pixel shape maths in the hot loop),
//! packed to 1 bit per pixel, and written with the `png` crate's fast
//! (fdeflate) level — a 512 px code is ~32 KiB before compression.

use scanly_shared::HexColor;

use crate::error::QrError;
use crate::matrix::{EYE, Matrix};
use crate::options::{ModuleStyle, QrOptions};
use crate::shape;

/// How the image is laid out: an integer number of pixels per module (so
/// every module has identical, crisp edges) and the leftover pixels split
/// around the code as extra quiet zone, so the PNG is exactly `size_px`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub size_px: usize,
    pub scale: usize,
    /// Pixel offset of module (0, 0) from the image's top-left corner.
    pub origin: usize,
}

impl Layout {
    pub fn new(matrix: &Matrix, options: &QrOptions) -> Result<Self, QrError> {
        let size_px = options.size_px() as usize;
        let margin = options.margin() as usize;
        let total = matrix.width + 2 * margin;
        let scale = size_px / total;
        if scale == 0 {
            return Err(QrError::SizeTooSmallForContent {
                size_px: options.size_px(),
                modules: u32::try_from(total).unwrap_or(u32::MAX),
            });
        }
        let origin = (size_px - scale * total) / 2 + margin * scale;
        Ok(Self {
            size_px,
            scale,
            origin,
        })
    }
}

/// One-bit masks (one byte per pixel, 0 or 1) for a given scale.
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
                    out.push(u8::from(f(u, v)));
                }
            }
            out
        };
        let modules = match options.module_style() {
            ModuleStyle::Square => vec![vec![1; scale * scale]],
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

/// Draws the code as one byte per pixel (1 = fg), `size_px` square.
pub fn rasterize(matrix: &Matrix, options: &QrOptions) -> Result<(Layout, Vec<u8>), QrError> {
    let layout = Layout::new(matrix, options)?;
    let Layout {
        size_px,
        scale,
        origin,
    } = layout;
    let masks = Masks::new(options, scale);
    let tiles = tiles(matrix, options.module_style());
    let mut pixels = vec![0u8; size_px * size_px];
    let w = matrix.width;
    for (my, tile_row) in tiles.chunks(w.max(1)).enumerate() {
        for r in 0..scale {
            let py = origin + my * scale + r;
            let Some(row) = pixels.get_mut(py * size_px..(py + 1) * size_px) else {
                continue;
            };
            for (mx, tile) in tile_row.iter().enumerate() {
                let src = match *tile {
                    Tile::Light => None,
                    Tile::Module(id) => masks.module_row(id, r),
                    Tile::Eye { ex, ey } => masks.eye_row(usize::from(ex), usize::from(ey), r),
                };
                let px = origin + mx * scale;
                if let (Some(src), Some(dst)) = (src, row.get_mut(px..px + scale)) {
                    dst.copy_from_slice(src);
                }
            }
        }
    }
    Ok((layout, pixels))
}

/// Renders the code as a PNG of exactly `size_px` × `size_px`.
///
/// Black on opaque white is written as 1-bit greyscale; any other pair as a
/// 1-bit palette of the two colours, with the background made transparent
/// by a tRNS entry when asked.
pub fn render_png(matrix: &Matrix, options: &QrOptions) -> Result<Vec<u8>, QrError> {
    let (layout, pixels) = rasterize(matrix, options)?;
    let size = layout.size_px;
    let (fg, bg) = (options.fg(), options.bg());
    let grey = fg == HexColor::BLACK && bg == HexColor::WHITE && !options.transparent_bg();
    // Greyscale 1-bit: 0 is black, so fg pixels are the zero bits.
    let invert = grey;

    let row_bytes = size.div_ceil(8);
    let mut packed = Vec::with_capacity(row_bytes * size);
    for row in pixels.chunks(size.max(1)) {
        for eight in row.chunks(8) {
            let mut byte = 0u8;
            for (i, &p) in eight.iter().enumerate() {
                byte |= (p & 1) << (7 - i);
            }
            if invert {
                // Padding bits past the row end are ignored by decoders.
                byte = !byte;
            }
            packed.push(byte);
        }
    }

    let side = u32::try_from(size).map_err(|e| QrError::Encode(e.to_string()))?;
    let mut out = Vec::with_capacity(packed.len() / 4 + 128);
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_depth(png::BitDepth::One);
    if grey {
        encoder.set_color(png::ColorType::Grayscale);
    } else {
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_palette(vec![bg.r, bg.g, bg.b, fg.r, fg.g, fg.b]);
        if options.transparent_bg() {
            // Entries past the tRNS list are opaque: only index 0 (bg) is clear.
            encoder.set_trns(vec![0u8]);
        }
    }
    encoder.set_compression(png::Compression::Fast);
    // Repeated module rows become all-zero "Up" rows, which deflate to nothing.
    encoder.set_filter(png::Filter::Up);
    let encode = |e: png::EncodingError| QrError::Encode(e.to_string());
    let mut writer = encoder.write_header().map_err(encode)?;
    writer.write_image_data(&packed).map_err(encode)?;
    writer.finish().map_err(encode)?;
    Ok(out)
}
