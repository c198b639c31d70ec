//! PNG encoding of a rasterised canvas, in the smallest pixel format that
//! holds it: 1 bit for two colours, a 4-bit palette of blends for a
//! caption's anti-aliased edges, an 8-bit palette with a logo's colours
//! (RGBA on a transparent background).
//! Always the `png` crate's fast (fdeflate) level with the Up filter.

use scanly_shared::HexColor;

use crate::error::QrError;
use crate::layout::LogoPlacement;
use crate::matrix::Matrix;
use crate::options::QrOptions;
use crate::quantize::quantize;
use crate::raster::{Layout, Raster, rasterize};
use crate::vector::Rgba8Image;

/// Renders the canvas as a PNG `size_px` wide.
///
/// Pure two-colour images (the common case) are written with 1 bit per
/// pixel: black on opaque white as greyscale, any other pair as a two-entry
/// palette with the background made transparent by a tRNS entry when
/// asked. A caption's anti-aliased edges need blends: a 16-entry palette of
/// bg→fg steps (4 bits per pixel). A logo brings its own colours: an 8-bit
/// palette of those steps plus the logo's colours (`quantize`), or RGBA
/// when the background is transparent.
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
        if transparent {
            let rgba = rgba_with_logo(&raster, logo, fg);
            return write_png(options, width_px, height_px, &rgba, |e| {
                e.set_color(png::ColorType::Rgba);
                e.set_depth(png::BitDepth::Eight);
            });
        }
        let (indices, palette) = indexed_with_logo(&raster, logo, fg, bg);
        return write_png(options, width_px, height_px, &indices, |e| {
            e.set_color(png::ColorType::Indexed);
            e.set_depth(png::BitDepth::Eight);
            e.set_palette(palette);
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

/// The nearest of 16 levels for each ink value.
const LEVEL_OF_INK: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut ink = 0;
    while ink < 256 {
        // In a const block an out-of-range index fails the build, not a run.
        #[allow(clippy::indexing_slicing)]
        {
            table[ink] = ((ink * 15 + 127) / 255) as u8;
        }
        ink += 1;
    }
    table
};

/// Packs ink levels into `depth`-bit palette indices (MSB first); `invert`
/// for 1-bit greyscale, where 0 is black.
fn pack(pixels: &[u8], width: usize, depth: usize, invert: bool) -> Vec<u8> {
    let per_byte = 8 / depth;
    let shift = 8 - depth as u32;
    let row_bytes = width.div_ceil(per_byte);
    let mut packed = Vec::with_capacity(row_bytes * (pixels.len() / width.max(1)));
    let flip = if invert { 0xFF } else { 0 };
    for row in pixels.chunks(width.max(1)) {
        if depth == 1 {
            // Eight pixels at a time: each byte's top bit (ink ≥ half)
            // gathered into one byte by a multiply, MSB first.
            let mut groups = row.chunks_exact(8);
            for group in &mut groups {
                let word = u64::from_be_bytes(group.try_into().unwrap_or([0; 8]));
                let bits = ((word & 0x8080_8080_8080_8080).wrapping_mul(0x0002_0408_1020_4081)
                    >> 56) as u8;
                packed.push(bits ^ flip);
            }
            let rest = groups.remainder();
            if !rest.is_empty() {
                let byte = rest
                    .iter()
                    .enumerate()
                    .fold(0u8, |b, (i, &p)| b | (p >> 7) << (7 - i));
                // Padding bits past the row end are ignored by decoders.
                packed.push(byte ^ flip);
            }
            continue;
        }
        for group in row.chunks(per_byte) {
            let mut byte = 0u8;
            for (i, &p) in group.iter().enumerate() {
                let level = LEVEL_OF_INK.get(usize::from(p)).copied().unwrap_or(0);
                byte |= level << (shift as usize - i * depth);
            }
            packed.push(byte ^ flip);
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

/// The logo resampled to its pixel box, and where that box starts.
fn placed_logo(
    raster: &Raster,
    logo: &LogoPlacement,
) -> Option<(usize, usize, std::sync::Arc<Rgba8Image>)> {
    let layout = raster.layout;
    let (x0, y0) = (
        layout.px(logo.image.x).round().max(0.0) as usize,
        layout.px(logo.image.y).round().max(0.0) as usize,
    );
    let (w, h) = (
        (logo.image.w * layout.scale as f64).round().max(1.0) as u32,
        (logo.image.h * layout.scale as f64).round().max(1.0) as u32,
    );
    let scaled = logo.logo.fitted(w, h)?;
    Some((x0, y0, scaled))
}

/// Each logo pixel inside the canvas: its canvas index and RGBA.
fn logo_pixels(raster: &Raster, logo: &LogoPlacement) -> Vec<(usize, [u8; 4])> {
    let Some((x0, y0, scaled)) = placed_logo(raster, logo) else {
        return Vec::new();
    };
    let Layout {
        width_px,
        height_px,
        ..
    } = raster.layout;
    let row_len = scaled.width() as usize * 4;
    let mut out = Vec::with_capacity(scaled.data().len() / 4);
    for (row, src_row) in scaled.data().chunks(row_len.max(1)).enumerate() {
        for (col, src) in src_row.chunks_exact(4).enumerate() {
            let (x, y) = (x0 + col, y0 + row);
            if let (true, &[r, g, b, a]) = (x < width_px && y < height_px, src) {
                out.push((y * width_px + x, [r, g, b, a]));
            }
        }
    }
    out
}

/// `src` over `dst` with alpha `a`.
fn over(src: u8, dst: u8, a: u8) -> u8 {
    let a = u16::from(a);
    ((u16::from(src) * a + u16::from(dst) * (255 - a) + 127) / 255) as u8
}

/// Opaque background: 8-bit palette indices — the 16 ink levels, then the
/// logo's colours (composited over the canvas, at most 240 of them).
fn indexed_with_logo(
    raster: &Raster,
    logo: &LogoPlacement,
    fg: HexColor,
    bg: HexColor,
) -> (Vec<u8>, Vec<u8>) {
    let levels: Vec<HexColor> = (0..16)
        .map(|i| blend(bg, fg, f64::from(i) / 15.0))
        .collect();
    let mut indices: Vec<u8> = raster
        .pixels
        .iter()
        .map(|&ink| LEVEL_OF_INK.get(usize::from(ink)).copied().unwrap_or(0))
        .collect();
    let placed = logo_pixels(raster, logo);
    let colours: Vec<[u8; 3]> = placed
        .iter()
        .map(|&(at, [r, g, b, a])| {
            let under = indices
                .get(at)
                .and_then(|&l| levels.get(usize::from(l)))
                .copied()
                .unwrap_or(bg);
            [
                over(r, under.r, a),
                over(g, under.g, a),
                over(b, under.b, a),
            ]
        })
        .collect();
    let quantized = quantize(&colours, 256 - levels.len());
    for (&(at, _), &q) in placed.iter().zip(&quantized.indices) {
        if let Some(slot) = indices.get_mut(at) {
            *slot = q + levels.len() as u8;
        }
    }
    let mut palette = Vec::with_capacity(256 * 3);
    for c in &levels {
        palette.extend_from_slice(&[c.r, c.g, c.b]);
    }
    for c in &quantized.palette {
        palette.extend_from_slice(c);
    }
    (indices, palette)
}

/// Transparent background: RGBA, the ink levels as fg at their opacity
/// and the logo composited over them.
fn rgba_with_logo(raster: &Raster, logo: &LogoPlacement, fg: HexColor) -> Vec<u8> {
    let mut out = vec![0u8; raster.pixels.len() * 4];
    for (dst, &ink) in out.chunks_exact_mut(4).zip(&raster.pixels) {
        dst.copy_from_slice(&[fg.r, fg.g, fg.b, ink]);
    }
    for (at, [r, g, b, a]) in logo_pixels(raster, logo) {
        if let Some(&mut [ref mut dr, ref mut dg, ref mut db, ref mut da]) =
            out.get_mut(at * 4..at * 4 + 4)
        {
            *dr = over(r, *dr, a);
            *dg = over(g, *dg, a);
            *db = over(b, *db, a);
            *da = (u16::from(a) + u16::from(*da) * (255 - u16::from(a)) / 255) as u8;
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
