//! PDF output: one vector page whose MediaBox is the scene at the
//! requested physical size, written by hand (catalog, page tree, page,
//! Flate-compressed content stream, image XObjects, xref with exact byte
//! offsets, trailer). PDF 1.4 for soft masks. Deterministic: no dates, no
//! document id, no producer string that changes between builds.
//!
//! The content stream maps scene units to points once (`cm` with a y flip,
//! since scenes point down and PDF up) and then draws paths in module units
//! — the same numbers the SVG path data holds — filled in DeviceRGB with
//! `f*` (even-odd) or `f` (nonzero). Images are RGB XObjects with an 8-bit
//! /SMask when any pixel is not opaque.

use super::num::{Sink, put_fine, put_int, put_milli, put_num};
use super::postfix::put_path;
use super::scene::{Item, Rgba8Image, Scene};
use super::{Page, PhysicalSize};

/// zlib level for streams. Content streams are long runs of similar
/// numbers, where miniz's default (6) spends ~0.8 ms on a short URL's
/// rounded-module page for 8% less than level 2 gets in 70 µs (13.4 KiB
/// of operators to 3.9 KiB).
const FLATE_LEVEL: u8 = 2;

/// The scene as a one-page PDF, `width` wide (height per the scene's aspect
/// ratio).
pub fn render_pdf(scene: &Scene, width: PhysicalSize) -> Vec<u8> {
    let page = Page::new(scene, width);

    // Objects: 1 catalog, 2 pages, 3 page, 4 content, then per image its
    // XObject and, when it has transparency, its soft mask.
    let mut images: Vec<(&Rgba8Image, usize, Option<usize>)> = Vec::new();
    let mut next = 5;
    for item in &scene.items {
        if let Item::Image { image, .. } = item {
            let smask = (!image.is_opaque()).then_some(next + 1);
            images.push((image, next, smask));
            next += if smask.is_some() { 2 } else { 1 };
        }
    }

    let content = content_stream(scene, &page);
    let mut pdf = Writer::new(content.len() / 3 + 1024);
    // The comment of four high bytes marks the file as binary.
    pdf.out.extend_from_slice(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");

    pdf.begin(1);
    pdf.out.put("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    pdf.begin(2);
    pdf.out
        .put("<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    pdf.begin(3);
    pdf.out.put("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ");
    put_milli(&mut pdf.out, page.width_milli);
    pdf.out.put_byte(b' ');
    put_milli(&mut pdf.out, page.height_milli);
    pdf.out.put("] /Resources << /ProcSet [/PDF");
    if !images.is_empty() {
        pdf.out.put(" /ImageC");
    }
    pdf.out.put("]");
    if !images.is_empty() {
        pdf.out.put(" /XObject <<");
        for (k, (_, obj, _)) in images.iter().enumerate() {
            pdf.out.put(" /Im");
            put_usize(&mut pdf.out, k + 1);
            pdf.out.put_byte(b' ');
            put_usize(&mut pdf.out, *obj);
            pdf.out.put(" 0 R");
        }
        pdf.out.put(" >>");
    }
    pdf.out.put(" >> /Contents 4 0 R >>\nendobj\n");
    pdf.begin(4);
    pdf.stream(b"", &content);

    for (image, obj, smask) in &images {
        pdf.begin(*obj);
        let mut dict = image_dict(image, "/DeviceRGB");
        if let Some(smask) = smask {
            dict.put(" /SMask ");
            put_usize(&mut dict, *smask);
            dict.put(" 0 R");
        }
        pdf.stream(&dict, &image.rgb());
        if let Some(smask) = smask {
            pdf.begin(*smask);
            pdf.stream(&image_dict(image, "/DeviceGray"), &image.alpha());
        }
    }
    pdf.finish()
}

/// The page's drawing operators, uncompressed.
fn content_stream(scene: &Scene, page: &Page) -> Vec<u8> {
    let segments = scene.segment_count();
    let mut c: Vec<u8> = Vec::with_capacity(segments * 20 + 256);
    // Scene units to points, y flipped: (x, y) ↦ (s·x, H − s·y).
    c.put("q\n");
    put_fine(&mut c, page.scale);
    c.put(" 0 0 ");
    put_fine(&mut c, -page.scale);
    c.put(" 0 ");
    put_milli(&mut c, page.height_milli);
    c.put(" cm\n");
    let mut current = None;
    if let Some(bg) = scene.background {
        put_rgb(&mut c, bg);
        current = Some(bg);
        c.put("0 0 ");
        put_num(&mut c, scene.width);
        c.put_byte(b' ');
        put_num(&mut c, page.units_high);
        c.put(" re f\n");
    }
    let mut image_no = 0;
    for item in &scene.items {
        match item {
            Item::Fill {
                path,
                color,
                even_odd,
            } => {
                if path.is_empty() {
                    continue;
                }
                if current != Some(*color) {
                    put_rgb(&mut c, *color);
                    current = Some(*color);
                }
                put_path(&mut c, path);
                c.put(if *even_odd { "f*\n" } else { "f\n" });
            }
            Item::Image { x, y, w, h, .. } => {
                image_no += 1;
                // The image fills the unit square, first row at the top
                // (v = 1): map it onto (x, y, w, h) in the flipped space.
                c.put("q ");
                put_num(&mut c, *w);
                c.put(" 0 0 ");
                put_num(&mut c, -*h);
                c.put_byte(b' ');
                put_num(&mut c, *x);
                c.put_byte(b' ');
                put_num(&mut c, *y + *h);
                c.put(" cm /Im");
                put_usize(&mut c, image_no);
                c.put(" Do Q\n");
            }
        }
    }
    c.put("Q\n");
    c
}

/// `r g b rg` with channels as fractions (three decimals keep all 256
/// levels distinct).
fn put_rgb(c: &mut Vec<u8>, color: scanly_shared::HexColor) {
    for v in [color.r, color.g, color.b] {
        put_num(c, f64::from(v) / 255.0);
        c.put_byte(b' ');
    }
    c.put("rg\n");
}

fn image_dict(image: &Rgba8Image, space: &str) -> Vec<u8> {
    let mut d = b"/Type /XObject /Subtype /Image /Width ".to_vec();
    put_usize(&mut d, image.width() as usize);
    d.put(" /Height ");
    put_usize(&mut d, image.height() as usize);
    d.put(" /ColorSpace ");
    d.put(space);
    d.put(" /BitsPerComponent 8");
    d
}

pub(crate) fn put_usize(out: &mut Vec<u8>, n: usize) {
    put_int(out, i64::try_from(n).unwrap_or(i64::MAX));
}

/// Objects appended in ascending number order, their offsets recorded
/// for the cross-reference table.
struct Writer {
    out: Vec<u8>,
    /// Byte offset of object k + 1.
    offsets: Vec<usize>,
}

impl Writer {
    fn new(capacity: usize) -> Self {
        Self {
            out: Vec::with_capacity(capacity),
            offsets: Vec::new(),
        }
    }

    /// Starts object `num`, which must be the next number.
    fn begin(&mut self, num: usize) {
        debug_assert_eq!(num, self.offsets.len() + 1);
        self.offsets.push(self.out.len());
        put_usize(&mut self.out, num);
        self.out.put(" 0 obj\n");
    }

    /// A Flate-compressed stream object body with extra dictionary
    /// entries `dict`, and `endobj`.
    fn stream(&mut self, dict: &[u8], data: &[u8]) {
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(data, FLATE_LEVEL);
        self.out.put("<< ");
        if !dict.is_empty() {
            self.out.extend_from_slice(dict);
            self.out.put_byte(b' ');
        }
        self.out.put("/Filter /FlateDecode /Length ");
        put_usize(&mut self.out, packed.len());
        self.out.put(" >>\nstream\n");
        self.out.extend_from_slice(&packed);
        self.out.put("\nendstream\nendobj\n");
    }

    /// The xref table, trailer and startxref.
    fn finish(mut self) -> Vec<u8> {
        let xref = self.out.len();
        let count = self.offsets.len() + 1;
        self.out.put("xref\n0 ");
        put_usize(&mut self.out, count);
        self.out.put("\n0000000000 65535 f \n");
        for offset in &self.offsets {
            // Exactly 20 bytes per entry: 10-digit offset, generation, 'n'.
            let mut digits = [b'0'; 10];
            let mut rest = *offset;
            for slot in digits.iter_mut().rev() {
                *slot = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            self.out.extend_from_slice(&digits);
            self.out.put(" 00000 n \n");
        }
        self.out.put("trailer\n<< /Size ");
        put_usize(&mut self.out, count);
        self.out.put(" /Root 1 0 R >>\nstartxref\n");
        put_usize(&mut self.out, xref);
        self.out.put("\n%%EOF\n");
        self.out
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use scanly_shared::HexColor;

    use super::*;
    use crate::vector::Path;

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    fn inflate(data: &[u8]) -> Vec<u8> {
        miniz_oxide::inflate::decompress_to_vec_zlib(data).unwrap()
    }

    /// The (decompressed) data of the stream of object `num`.
    fn stream_of(pdf: &[u8], num: usize) -> Vec<u8> {
        let start = find(pdf, format!("\n{num} 0 obj\n").as_bytes()).unwrap();
        let body = &pdf[start..];
        let s = find(body, b"stream\n").unwrap() + 7;
        let e = find(body, b"\nendstream").unwrap();
        inflate(&body[s..e])
    }

    #[test]
    fn content_maps_units_to_points_and_fills_even_odd() {
        let mut scene = Scene::new(33.0, 33.0, Some(HexColor::WHITE));
        let mut p = Path::new();
        p.rect(4.0, 4.0, 7.0, 7.0);
        scene.push_fill(p, HexColor::BLACK);
        let mut n = Path::new();
        n.circle(10.0, 10.0, 1.0);
        scene.push_fill_nonzero(n, HexColor::rgb(26, 115, 232));
        let pdf = render_pdf(&scene, PhysicalSize::pt(330.0));
        let content = String::from_utf8(stream_of(&pdf, 4)).unwrap();
        assert!(
            content.starts_with(
                "q\n10 0 0 -10 0 330 cm\n1 1 1 rg\n0 0 33 33 re f\n0 0 0 rg\n4 4 7 7 re\nf*\n0.102 0.451 0.91 rg\n9 10 m "
            ),
            "{content}"
        );
        assert!(content.ends_with(" h\nf\nQ\n"), "{content}");
        assert!(find(&pdf, b"/MediaBox [0 0 330 330]").is_some());
        assert_eq!(
            pdf,
            render_pdf(&scene, PhysicalSize::pt(330.0)),
            "deterministic"
        );
    }

    #[test]
    fn images_get_an_xobject_and_a_soft_mask_only_when_translucent() {
        let mut scene = Scene::new(10.0, 20.0, None);
        let clear = Rgba8Image::new(2, 1, vec![255, 0, 0, 255, 0, 0, 255, 0]).unwrap();
        let solid = Rgba8Image::new(1, 1, vec![1, 2, 3, 255]).unwrap();
        scene.push_image(1.0, 2.0, 3.0, 4.0, Arc::new(clear));
        scene.push_image(5.0, 5.0, 1.0, 1.0, Arc::new(solid));
        let pdf = render_pdf(&scene, PhysicalSize::pt(100.0));
        assert!(find(&pdf, b"/MediaBox [0 0 100 200]").is_some());
        assert!(find(&pdf, b"/XObject << /Im1 5 0 R /Im2 7 0 R >>").is_some());
        assert!(find(&pdf, b"/SMask 6 0 R").is_some());
        assert_eq!(stream_of(&pdf, 5), [255, 0, 0, 0, 0, 255]);
        assert_eq!(stream_of(&pdf, 6), [255, 0]);
        assert_eq!(stream_of(&pdf, 7), [1, 2, 3]);
        let content = String::from_utf8(stream_of(&pdf, 4)).unwrap();
        assert!(
            content.contains("q 3 0 0 -4 1 6 cm /Im1 Do Q\nq 1 0 0 -1 5 6 cm /Im2 Do Q\n"),
            "{content}"
        );
        // No background: nothing painted before the images.
        assert!(!content.contains(" re f"));
    }
}
