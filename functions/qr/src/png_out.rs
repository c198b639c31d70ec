//! PNG encoding of a rasterised canvas, in the smallest pixel format that
//! holds it exactly: 1 bit for two colours, a 4-bit palette of blends for a
//! caption's anti-aliased edges, RGB(A) when a logo brings its own colours.
//! Always the `png` crate's fast (fdeflate) level with the Up filter.

use scanly_shared::HexColor;

use crate::error::QrError;
use crate::layout::LogoPlacement;
use crate::matrix::Matrix;
use crate::options::QrOptions;
use crate::raster::{INK, Layout, Raster, rasterize};

/// Renders the canvas as a PNG `size_px` wide.
///
/// Pure two-colour images (the common case) are written with 1 bit per
/// pixel: black on opaque white as greyscale, any other pair as a two-entry
/// palette with the background made transparent by a tRNS entry when
/// asked. A caption's anti-aliased edges need blends: a 16-entry palette of
/// bg→fg steps (4 bits per pixel). A logo brings its own colours: RGB, or
/// RGBA when the background is transparent.
pub fn render_png(matrix: &Matrix, options: &QrOptions) -> Result<Vec<u8>, QrError> {
    let raster = rasterize(matrix, options)?;
    let (fg, bg) = (options.fg(), options.bg());
    let transparent = options.transparent_bg();
    let Layout {
        width_px,
        height_px,
        ..
    } = raster.layout;
    if let Some(logo) = &raster.composition.logo {
        let rgba = composite(&raster, logo, fg, bg, transparent);
        let color = if transparent {
            png::ColorType::Rgba
        } else {
            png::ColorType::Rgb
        };
        return write_png(options, width_px, height_px, &rgba, |e| {
            e.set_color(color);
            e.set_depth(png::BitDepth::Eight);
        });
    }
    let two_level = raster.composition.frame.is_none();
    let depth: usize = if two_level { 1 } else { 4 };
    let grey = two_level && fg == HexColor::BLACK && bg == HexColor::WHITE && !transparent;
    let packed = pack(&raster.pixels, width_px, depth, grey);
    write_png(options, width_px, height_px, &packed, |e| {
        e.set_depth(if two_level {
            png::BitDepth::One
        } else {
            png::BitDepth::Four
        });
        if grey {
            e.set_color(png::ColorType::Grayscale);
            return;
        }
        e.set_color(png::ColorType::Indexed);
        let levels = if two_level { 2 } else { 16 };
        let mut palette = Vec::with_capacity(levels * 3);
        let mut trns = Vec::with_capacity(levels);
        for i in 0..levels {
            let t = i as f64 / (levels - 1) as f64;
            // Transparent: level i is fg at i/15 opacity; the clear entry
            // keeps the bg colour for viewers that ignore alpha.
            let c = match (transparent, i) {
                (true, 0) => bg,
                (true, _) => fg,
                (false, _) => blend(bg, fg, t),
            };
            palette.extend_from_slice(&[c.r, c.g, c.b]);
            trns.push((t * 255.0).round() as u8);
        }
        e.set_palette(palette);
        if transparent {
            e.set_trns(trns);
        }
    })
}

/// Packs ink levels into `depth`-bit palette indices (MSB first); `invert`
/// for 1-bit greyscale, where 0 is black.
fn pack(pixels: &[u8], width: usize, depth: usize, invert: bool) -> Vec<u8> {
    let per_byte = 8 / depth;
    let shift = 8 - depth as u32;
    let row_bytes = width.div_ceil(per_byte);
    let mut packed = Vec::with_capacity(row_bytes * (pixels.len() / width.max(1)));
    for row in pixels.chunks(width.max(1)) {
        for group in row.chunks(per_byte) {
            let mut byte = 0u8;
            for (i, &p) in group.iter().enumerate() {
                // 1 bit: ink ≥ half; 4 bits: the nearest of 16 levels.
                let level = if depth == 1 {
                    p >> 7
                } else {
                    ((u16::from(p) * 15 + 127) / 255) as u8
                };
                byte |= level << (shift as usize - i * depth);
            }
            if invert {
                // Padding bits past the row end are ignored by decoders.
                byte = !byte;
            }
            packed.push(byte);
        }
    }
    packed
}

fn blend(bg: HexColor, fg: HexColor, t: f64) -> HexColor {
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    HexColor {
        r: mix(bg.r, fg.r),
        g: mix(bg.g, fg.g),
        b: mix(bg.b, fg.b),
    }
}

/// The ink canvas in colour with the logo placed over it: RGB, or RGBA with
/// a transparent background.
fn composite(
    raster: &Raster,
    logo: &LogoPlacement,
    fg: HexColor,
    bg: HexColor,
    transparent: bool,
) -> Vec<u8> {
    let channels = if transparent { 4 } else { 3 };
    let mut out = Vec::with_capacity(raster.pixels.len() * channels);
    for &ink in &raster.pixels {
        let t = f64::from(ink) / f64::from(INK);
        if transparent {
            out.extend_from_slice(&[fg.r, fg.g, fg.b, ink]);
        } else {
            let c = blend(bg, fg, t);
            out.extend_from_slice(&[c.r, c.g, c.b]);
        }
    }
    let layout = raster.layout;
    let (x0, y0) = (
        layout.px(logo.image.x).round(),
        layout.px(logo.image.y).round(),
    );
    let (w, h) = (
        (logo.image.w * layout.scale as f64).round().max(1.0) as u32,
        (logo.image.h * layout.scale as f64).round().max(1.0) as u32,
    );
    let Some(scaled) = logo.logo.image().resized(w, h) else {
        return out;
    };
    let (x0, y0) = (x0 as usize, y0 as usize);
    for (row, src_row) in scaled.data().chunks(w as usize * 4).enumerate() {
        for (col, src) in src_row.chunks_exact(4).enumerate() {
            let (x, y) = (x0 + col, y0 + row);
            if x >= layout.width_px || y >= layout.height_px {
                continue;
            }
            let i = (y * layout.width_px + x) * channels;
            let (Some(dst), &[r, g, b, a]) = (out.get_mut(i..i + channels), src) else {
                continue;
            };
            let a = u16::from(a);
            let over =
                |s: u8, d: u8| ((u16::from(s) * a + u16::from(d) * (255 - a) + 127) / 255) as u8;
            for (d, s) in dst.iter_mut().zip([r, g, b]) {
                *d = over(s, *d);
            }
            if let Some(d) = dst.get_mut(3) {
                *d = (a + u16::from(*d) * (255 - a) / 255) as u8;
            }
        }
    }
    out
}

fn write_png(
    options: &QrOptions,
    width: usize,
    height: usize,
    data: &[u8],
    configure: impl FnOnce(&mut png::Encoder<&mut Vec<u8>>),
) -> Result<Vec<u8>, QrError> {
    let encode = |e: png::EncodingError| QrError::Encode(e.to_string());
    let side = |v: usize| u32::try_from(v).map_err(|e| QrError::Encode(e.to_string()));
    let mut out = Vec::with_capacity(data.len() / 4 + 128);
    let mut encoder = png::Encoder::new(&mut out, side(width)?, side(height)?);
    configure(&mut encoder);
    if let Some(dpi) = options.dpi() {
        // pHYs in pixels per metre, so print dialogs size it in millimetres.
        let ppm = (f64::from(dpi) / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
    }
    encoder.set_compression(png::Compression::Fast);
    // Repeated module rows become all-zero "Up" rows, which deflate to nothing.
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header().map_err(encode)?;
    writer.write_image_data(data).map_err(encode)?;
    writer.finish().map_err(encode)?;
    Ok(out)
}
