//! Logos: an owner's PNG, JPEG or SVG, checked and decoded once into RGBA
//! pixels that every output format places the same way.
//!
//! The bytes come from storage the owner writes to, so they are untrusted:
//! the format is sniffed from the bytes (never from a name or a header),
//! the file and the decoded image are size-limited before any large
//! allocation, and an SVG may not fetch anything (no files, no URLs).

use std::sync::{Arc, Mutex};

use image::ImageDecoder;
use sha2::{Digest, Sha256};

use crate::error::QrError;
pub use crate::vector::Rgba8Image;

/// Largest logo file accepted: logos are small marks, and the whole file is
/// held in memory per render.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;
/// Largest decoded edge: a 4096 px code needs at most ~1,300 px of logo, and
/// the cap stops a tiny "decompression bomb" file from claiming gigabytes.
pub const MAX_LOGO_EDGE_PX: u32 = 2048;
/// Edge SVG logos are rasterised to (their longer side).
pub const SVG_RASTER_PX: u32 = 1024;

/// The formats we accept, as sniffed from the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Jpeg,
    Svg,
}

impl LogoFormat {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(Self::Png);
        }
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(Self::Jpeg);
        }
        // SVG is text: look for the root element near the start, after an
        // optional BOM, XML declaration, comments or doctype.
        let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
        // The cut may split a multi-byte character: keep the valid prefix.
        let text = match std::str::from_utf8(head) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or_default()).ok()?,
        };
        let text = text.trim_start_matches('\u{feff}').trim_start();
        (text.starts_with('<') && text.contains("<svg")).then_some(Self::Svg)
    }

    pub const fn media_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Svg => "image/svg+xml",
        }
    }
}

/// A decoded logo: straight (not premultiplied) RGBA, row-major, and the
/// SHA-256 of the file it came from (part of every cache key and ETag, so a
/// re-uploaded logo never serves a stale image). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Logo {
    image: Arc<Rgba8Image>,
    /// The image halved again and again (down to `MIN_LEVEL_PX`), made once
    /// at decode: a render resamples from the smallest level at least as
    /// large as it needs, so its cost follows the output, not the upload.
    levels: Vec<Arc<Rgba8Image>>,
    /// The last few exact sizes asked for (`fitted`): a batch renders one
    /// logo at one size hundreds of times. Shared by clones.
    fitted: Arc<Mutex<FittedSizes>>,
    digest: [u8; 32],
}

/// Logos are the same when their files are (the cache is not content).
impl PartialEq for Logo {
    fn eq(&self, other: &Self) -> bool {
        self.digest == other.digest
    }
}

impl Eq for Logo {}

/// Recently resampled sizes, oldest first.
type FittedSizes = Vec<((u32, u32), Arc<Rgba8Image>)>;

/// How many resampled sizes a logo keeps.
const FITTED_KEPT: usize = 4;

/// The smallest pre-scaled level kept.
const MIN_LEVEL_PX: u32 = 32;

impl Logo {
    /// Checks and decodes an uploaded file.
    pub fn decode(bytes: &[u8]) -> Result<Self, QrError> {
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(QrError::LogoTooLarge {
                bytes: bytes.len(),
                max: MAX_LOGO_BYTES,
            });
        }
        let image = match LogoFormat::sniff(bytes).ok_or(QrError::LogoNotAnImage)? {
            LogoFormat::Png => decode_raster(bytes, image::ImageFormat::Png)?,
            LogoFormat::Jpeg => decode_raster(bytes, image::ImageFormat::Jpeg)?,
            LogoFormat::Svg => rasterise_svg(bytes)?,
        };
        let mut levels = Vec::new();
        let mut last = &image;
        while last.width().max(last.height()) / 2 >= MIN_LEVEL_PX {
            let Some(half) = last.resized(last.width().div_ceil(2), last.height().div_ceil(2))
            else {
                break;
            };
            levels.push(Arc::new(half));
            last = levels.last().map_or(&image, |l| l.as_ref());
        }
        Ok(Self {
            image: Arc::new(image),
            levels,
            fitted: Arc::default(),
            digest: Sha256::digest(bytes).into(),
        })
    }

    pub fn image(&self) -> &Rgba8Image {
        &self.image
    }

    pub fn shared(&self) -> Arc<Rgba8Image> {
        Arc::clone(&self.image)
    }

    /// The logo resampled to exactly `w` × `h`, from the cache when this
    /// size was asked for recently.
    pub fn fitted(&self, w: u32, h: u32) -> Option<Arc<Rgba8Image>> {
        let key = (w.max(1), h.max(1));
        if let Ok(cache) = self.fitted.lock()
            && let Some((_, image)) = cache.iter().find(|(k, _)| *k == key)
        {
            return Some(Arc::clone(image));
        }
        let image = Arc::new(self.at_least(key.0, key.1).resized(key.0, key.1)?);
        if let Ok(mut cache) = self.fitted.lock() {
            if cache.len() >= FITTED_KEPT {
                cache.remove(0);
            }
            cache.push((key, Arc::clone(&image)));
        }
        Some(image)
    }

    /// The smallest pre-scaled copy at least `w` × `h` pixels (the full
    /// image when none is), for resampling to that size cheaply.
    pub fn at_least(&self, w: u32, h: u32) -> Arc<Rgba8Image> {
        self.levels
            .iter()
            .rev()
            .find(|level| level.width() >= w && level.height() >= h)
            .map_or_else(|| Arc::clone(&self.image), Arc::clone)
    }

    /// SHA-256 of the uploaded file.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }
}

fn decode_raster(bytes: &[u8], format: image::ImageFormat) -> Result<Rgba8Image, QrError> {
    let undecodable = |e: image::ImageError| QrError::LogoUndecodable(e.to_string());
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_LOGO_EDGE_PX);
    limits.max_image_height = Some(MAX_LOGO_EDGE_PX);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => QrError::LogoTooManyPixels {
            max: MAX_LOGO_EDGE_PX,
        },
        other => undecodable(other),
    })?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 || width > MAX_LOGO_EDGE_PX || height > MAX_LOGO_EDGE_PX {
        return Err(QrError::LogoTooManyPixels {
            max: MAX_LOGO_EDGE_PX,
        });
    }
    let rgba = image::DynamicImage::from_decoder(decoder)
        .map_err(undecodable)?
        .into_rgba8();
    Rgba8Image::new(width, height, rgba.into_raw())
        .ok_or_else(|| QrError::LogoUndecodable("the image has no pixels".to_owned()))
}

fn rasterise_svg(bytes: &[u8]) -> Result<Rgba8Image, QrError> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options::default();
    // No file system, no network: an uploaded SVG must not read anything
    // from the machine that renders it. Inline data: images stay allowed.
    options.image_href_resolver.resolve_string = Box::new(|_, _| None);
    options.resources_dir = None;
    let tree = usvg::Tree::from_data(bytes, &options)
        .map_err(|e| QrError::LogoUndecodable(e.to_string()))?;
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    if !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
        return Err(QrError::LogoUndecodable("the SVG has no size".to_owned()));
    }
    let scale = SVG_RASTER_PX as f32 / w.max(h);
    let (pw, ph) = (
        ((w * scale).round() as u32).clamp(1, SVG_RASTER_PX),
        ((h * scale).round() as u32).clamp(1, SVG_RASTER_PX),
    );
    let mut pixmap = tiny_skia::Pixmap::new(pw, ph)
        .ok_or_else(|| QrError::LogoUndecodable("the SVG has no size".to_owned()))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let data = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    Rgba8Image::new(pw, ph, data)
        .ok_or_else(|| QrError::LogoUndecodable("the SVG has no size".to_owned()))
}

/// Logo scaling lives with the logo (the image type is the vector scene's).
impl Rgba8Image {
    /// Area-averaged resample into a `w` × `h` box (premultiplied while
    /// averaging, so transparent pixels do not darken edges). Used once per
    /// render for the logo's pixel box.
    pub fn resized(&self, w: u32, h: u32) -> Option<Rgba8Image> {
        let (w, h) = (w.max(1) as usize, h.max(1) as usize);
        let (sw, sh) = (self.width().max(1) as usize, self.height().max(1) as usize);
        // Source span [start, end) of each target column / row.
        let span = |i: usize, n: usize, source: usize| {
            let start = i * source / n;
            (
                start,
                ((i + 1) * source).div_ceil(n).clamp(start + 1, source),
            )
        };
        let columns: Vec<(usize, usize)> = (0..w).map(|x| span(x, w, sw)).collect();
        // Separable: each source row summed into target columns once
        // (premultiplied), then rows summed per target row.
        let mut row_sums = vec![[0u64; 4]; sh * w];
        for (sums, source_row) in row_sums
            .chunks_exact_mut(w)
            .zip(self.data().chunks_exact(sw * 4))
        {
            for (sum, &(x0, x1)) in sums.iter_mut().zip(&columns) {
                for pixel in source_row
                    .get(x0 * 4..x1 * 4)
                    .unwrap_or_default()
                    .chunks_exact(4)
                {
                    if let &[r, g, b, a] = pixel {
                        let a = u64::from(a);
                        sum[0] += u64::from(r) * a;
                        sum[1] += u64::from(g) * a;
                        sum[2] += u64::from(b) * a;
                        sum[3] += a;
                    }
                }
            }
        }
        let mut data = Vec::with_capacity(w * h * 4);
        for y in 0..h {
            let (y0, y1) = span(y, h, sh);
            for (x, &(x0, x1)) in columns.iter().enumerate() {
                let mut acc = [0u64; 4];
                for sy in y0..y1 {
                    if let Some(sum) = row_sums.get(sy * w + x) {
                        for (a, s) in acc.iter_mut().zip(sum) {
                            *a += s;
                        }
                    }
                }
                let n = ((y1 - y0) * (x1 - x0)) as u64;
                let [r, g, b, alpha] = acc;
                let channel = |c: u64| c.checked_div(alpha).unwrap_or(0) as u8;
                data.extend_from_slice(&[
                    channel(r),
                    channel(g),
                    channel(b),
                    (alpha / n.max(1)) as u8,
                ]);
            }
        }
        // Exactly w × h × 4 bytes by construction.
        Rgba8Image::new(u32::try_from(w).ok()?, u32::try_from(h).ok()?, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgba);
        let mut writer = e.write_header().unwrap();
        writer
            .write_image_data(&vec![200u8; (w * h * 4) as usize])
            .unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn formats_are_sniffed_from_bytes() {
        assert_eq!(LogoFormat::sniff(&png(2, 2)), Some(LogoFormat::Png));
        assert_eq!(
            LogoFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(LogoFormat::Jpeg)
        );
        let svg = "\u{feff}<?xml version=\"1.0\"?>\n<svg xmlns='http://www.w3.org/2000/svg'/>";
        assert_eq!(LogoFormat::sniff(svg.as_bytes()), Some(LogoFormat::Svg));
        assert_eq!(LogoFormat::sniff(b"GIF89a"), None);
        assert_eq!(LogoFormat::sniff(b"hello <svg"), None);
    }

    #[test]
    fn non_images_and_oversized_files_are_refused_by_name() {
        assert_eq!(
            Logo::decode(b"%PDF-1.4").unwrap_err(),
            QrError::LogoNotAnImage
        );
        let big = vec![0u8; MAX_LOGO_BYTES + 1];
        assert!(matches!(
            Logo::decode(&big).unwrap_err(),
            QrError::LogoTooLarge { .. }
        ));
        let mut truncated = png(8, 8);
        truncated.truncate(40);
        let err = Logo::decode(&truncated).unwrap_err();
        assert!(matches!(err, QrError::LogoUndecodable(_)), "{err:?}");
        assert_eq!(err.field(), "logo");
    }

    #[test]
    fn huge_dimensions_are_refused_before_decoding_pixels() {
        // A valid header claiming 5000×5000 pixels in a few hundred bytes.
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, 5000, 5000);
        e.set_color(png::ColorType::Grayscale);
        e.set_depth(png::BitDepth::One);
        e.set_compression(png::Compression::High);
        let mut w = e.write_header().unwrap();
        w.write_image_data(&vec![0u8; 625 * 5000]).unwrap();
        w.finish().unwrap();
        assert!(out.len() < MAX_LOGO_BYTES);
        assert!(matches!(
            Logo::decode(&out).unwrap_err(),
            QrError::LogoTooManyPixels { .. }
        ));
    }

    #[test]
    fn svg_logos_are_rasterised_and_cannot_read_files() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#ff0000"/></svg>"##;
        let logo = Logo::decode(svg).unwrap();
        assert_eq!(
            (logo.image().width(), logo.image().height()),
            (SVG_RASTER_PX, 512)
        );
        assert_eq!(&logo.image().data()[..4], &[255, 0, 0, 255]);
        let sneaky = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image width="10" height="10" xlink:href="/etc/passwd"/></svg>"#;
        let logo = Logo::decode(sneaky).unwrap();
        assert!(logo.image().data().iter().all(|&b| b == 0), "nothing drawn");
    }

    #[test]
    fn pre_scaled_levels_are_picked_by_the_size_a_render_needs() {
        let logo = Logo::decode(&png(400, 200)).unwrap();
        let sizes: Vec<(u32, u32)> = logo
            .levels
            .iter()
            .map(|l| (l.width(), l.height()))
            .collect();
        assert_eq!(sizes, vec![(200, 100), (100, 50), (50, 25)]);
        assert_eq!(logo.at_least(90, 40).width(), 100);
        assert_eq!(logo.at_least(10, 10).width(), 50);
        assert_eq!(
            logo.at_least(300, 10).width(),
            400,
            "the original when none is larger"
        );
        assert_eq!(logo.at_least(900, 900).width(), 400);
    }

    #[test]
    fn resizing_averages_and_keeps_alpha() {
        let img = Rgba8Image::new(2, 1, vec![255, 0, 0, 255, 0, 0, 255, 0]).unwrap();
        let one = img.resized(1, 1).unwrap();
        // The transparent pixel does not tint the red one.
        assert_eq!(one.data(), &[255, 0, 0, 127]);
    }
}
