//! EPS output (EPSF-3.0): the scene at the requested physical size, drawn
//! with the same postfix path operators as the PDF content stream (the
//! prolog defines PDF's short names), `eofill` for even-odd fills, `fill`
//! for nonzero ones. Deterministic: no %%CreationDate.
//!
//! PostScript has no soft masks: an image with transparency is drawn as a
//! LanguageLevel 3 masked image (ImageType 3) whose mask is the alpha
//! channel thresholded at 50%, with half-transparent pixels composited
//! over the scene's background (white when it has none). Opaque images are
//! plain LanguageLevel 2 images; files without translucent images declare
//! LanguageLevel 2.

use super::num::{Sink, into_string, put_fine, put_int, put_milli, put_num};
use super::postfix::put_path;
use super::scene::{Item, Rgba8Image, Scene};
use super::{Page, PhysicalSize};

/// Hex bytes per data line (two characters each).
const HEX_PER_LINE: usize = 40;

/// The scene as an Encapsulated PostScript file, `width` wide (height per
/// the scene's aspect ratio).
pub fn render_eps(scene: &Scene, width: PhysicalSize) -> String {
    let page = Page::new(scene, width);
    let masked = scene.items.iter().any(|item| match item {
        Item::Image { image, .. } => !image.is_opaque(),
        Item::Fill { .. } => false,
    });
    let segments: usize = scene
        .items
        .iter()
        .map(|item| match item {
            Item::Fill { path, .. } => path.segments().len(),
            Item::Image { image, .. } => image.data().len() / 2,
        })
        .sum();
    let mut ps: Vec<u8> = Vec::with_capacity(segments * 20 + 1024);
    ps.put("%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 ");
    // The integer box must enclose the drawing: round up.
    put_int(&mut ps, page.width_milli.saturating_add(999) / 1000);
    ps.put_byte(b' ');
    put_int(&mut ps, page.height_milli.saturating_add(999) / 1000);
    ps.put("\n%%HiResBoundingBox: 0 0 ");
    put_milli(&mut ps, page.width_milli);
    ps.put_byte(b' ');
    put_milli(&mut ps, page.height_milli);
    ps.put("\n%%Creator: Scanly\n%%Title: QR code\n%%LanguageLevel: ");
    ps.put(if masked { "3" } else { "2" });
    ps.put(
        "\n%%DocumentData: Clean7Bit\n%%EndComments\n\
         %%BeginProlog\n\
         /ScanlyDict 12 dict def ScanlyDict begin\n\
         /m {moveto} bind def /l {lineto} bind def /c {curveto} bind def\n\
         /h {closepath} bind def /k {setrgbcolor} bind def\n\
         /re {4 2 roll moveto 1 index 0 rlineto 0 exch rlineto neg 0 rlineto closepath} bind def\n\
         end\n%%EndProlog\n\
         ScanlyDict begin\ngsave\n",
    );
    // Scene units to points, y flipped: (x, y) ↦ (s·x, H − s·y).
    ps.put("0 ");
    put_milli(&mut ps, page.height_milli);
    ps.put(" translate ");
    put_fine(&mut ps, page.scale);
    ps.put_byte(b' ');
    put_fine(&mut ps, -page.scale);
    ps.put(" scale\n");

    if let Some(bg) = scene.background {
        put_rgb(&mut ps, bg);
        ps.put("0 0 ");
        put_num(&mut ps, scene.width);
        ps.put_byte(b' ');
        put_num(&mut ps, page.units_high);
        ps.put(" re fill\n");
    }
    let ground = scene.background.unwrap_or(scanly_shared::HexColor::WHITE);
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
                // newpath: a fill consumes the path, but be explicit.
                ps.put("newpath\n");
                put_rgb(&mut ps, *color);
                put_path(&mut ps, path);
                ps.put(if *even_odd { "eofill\n" } else { "fill\n" });
            }
            Item::Image { x, y, w, h, image } => {
                put_image(&mut ps, (*x, *y, *w, *h), image, ground);
            }
        }
    }
    ps.put("grestore\nend\n%%Trailer\n%%EOF\n");
    into_string(ps)
}

fn put_rgb(ps: &mut Vec<u8>, color: scanly_shared::HexColor) {
    for v in [color.r, color.g, color.b] {
        put_num(ps, f64::from(v) / 255.0);
        ps.put_byte(b' ');
    }
    ps.put("k\n");
}

/// An image stretched over (x, y, w, h): the unit square is scaled onto
/// it, and the image matrix maps row 0 to the top (y down, like the scene).
fn put_image(
    ps: &mut Vec<u8>,
    (x, y, w, h): (f64, f64, f64, f64),
    image: &Rgba8Image,
    ground: scanly_shared::HexColor,
) {
    let (iw, ih) = (i64::from(image.width()), i64::from(image.height()));
    ps.put("gsave\n");
    put_num(ps, x);
    ps.put_byte(b' ');
    put_num(ps, y);
    ps.put(" translate ");
    put_num(ps, w);
    ps.put_byte(b' ');
    put_num(ps, h);
    ps.put(" scale\n/DeviceRGB setcolorspace\n");
    let mut dims: Vec<u8> = Vec::new();
    dims.put("/ImageType 1 /Width ");
    put_int(&mut dims, iw);
    dims.put(" /Height ");
    put_int(&mut dims, ih);
    dims.put(" /ImageMatrix [");
    put_int(&mut dims, iw);
    dims.put(" 0 0 ");
    put_int(&mut dims, ih);
    dims.put(" 0 0] /BitsPerComponent 8");
    let data: Vec<u8> = if image.is_opaque() {
        ps.put("<< ");
        ps.extend_from_slice(&dims);
        ps.put(" /Decode [0 1 0 1 0 1] /DataSource currentfile /ASCIIHexDecode filter >> image\n");
        image.rgb()
    } else {
        // Interleaved by sample: mask byte, then R G B. The mask is 255
        // (painted, with Decode [1 0]) where alpha ≥ 50%, else 0.
        ps.put("<< /ImageType 3 /InterleaveType 1\n/DataDict << ");
        ps.extend_from_slice(&dims);
        ps.put(" /Decode [0 1 0 1 0 1] /DataSource currentfile /ASCIIHexDecode filter >>\n/MaskDict << ");
        ps.extend_from_slice(&dims);
        ps.put(" /Decode [1 0] >>\n>> image\n");
        let mut out = Vec::with_capacity(image.data().len());
        for px in image.data().chunks_exact(4) {
            let &[r, g, b, a] = px else { continue };
            let over = |c: u8, bg: u8| {
                let (c, bg, a) = (u32::from(c), u32::from(bg), u32::from(a));
                // (c·a + bg·(255 − a)) / 255, rounded; ≤ 255.
                ((c * a + bg * (255 - a) + 127) / 255) as u8
            };
            out.extend_from_slice(&[
                if a >= 128 { 255 } else { 0 },
                over(r, ground.r),
                over(g, ground.g),
                over(b, ground.b),
            ]);
        }
        out
    };
    put_hex_lines(ps, &data);
    ps.put(">\ngrestore\n");
}

/// Data for ASCIIHexDecode, in lines of `HEX_PER_LINE` bytes; the caller
/// writes the `>` end marker.
fn put_hex_lines(ps: &mut Vec<u8>, data: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    ps.reserve(data.len() * 2 + data.len() / HEX_PER_LINE + 1);
    for line in data.chunks(HEX_PER_LINE) {
        for &b in line {
            ps.put_byte(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
            ps.put_byte(HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0'));
        }
        ps.put_byte(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use scanly_shared::HexColor;

    use super::*;
    use crate::vector::Path;

    #[test]
    fn header_boxes_and_body() {
        let mut scene = Scene::new(33.0, 33.0, Some(HexColor::WHITE));
        let mut p = Path::new();
        p.rect(4.0, 4.0, 7.0, 7.0);
        scene.push_fill(p, HexColor::BLACK);
        let eps = render_eps(&scene, PhysicalSize::mm(40.0));
        assert!(eps.starts_with(
            "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 114 114\n%%HiResBoundingBox: 0 0 113.386 113.386\n"
        ), "{eps}");
        assert!(eps.contains("%%LanguageLevel: 2\n"));
        assert!(eps.contains("0 113.386 translate 3.435939 -3.435939 scale\n1 1 1 k\n0 0 33 33 re fill\nnewpath\n0 0 0 k\n4 4 7 7 re\neofill\n"), "{eps}");
        assert!(eps.ends_with("grestore\nend\n%%Trailer\n%%EOF\n"));
        assert!(eps.lines().all(|l| l.len() < 255));
        assert!(eps.is_ascii());
        assert_eq!(
            eps,
            render_eps(&scene, PhysicalSize::mm(40.0)),
            "deterministic"
        );
    }

    #[test]
    fn translucent_images_are_masked_and_opaque_ones_plain() {
        let mut scene = Scene::new(10.0, 10.0, Some(HexColor::rgb(0, 0, 255)));
        let img = Rgba8Image::new(2, 1, vec![255, 0, 0, 255, 255, 0, 0, 0]).unwrap();
        scene.push_image(1.0, 2.0, 3.0, 4.0, Arc::new(img));
        let eps = render_eps(&scene, PhysicalSize::pt(100.0));
        assert!(eps.contains("%%LanguageLevel: 3\n"));
        assert!(
            eps.contains(
                "gsave\n1 2 translate 3 4 scale\n/DeviceRGB setcolorspace\n<< /ImageType 3"
            )
        );
        // Opaque red painted; transparent pixel masked (composited to bg).
        assert!(
            eps.contains(" /Decode [1 0] >>\n>> image\nFFFF0000000000FF\n>\ngrestore\n"),
            "{eps}"
        );

        let mut scene = Scene::new(10.0, 10.0, None);
        let img = Rgba8Image::new(1, 1, vec![1, 2, 3, 255]).unwrap();
        scene.push_image(0.0, 0.0, 1.0, 1.0, Arc::new(img));
        let eps = render_eps(&scene, PhysicalSize::pt(100.0));
        assert!(eps.contains("%%LanguageLevel: 2\n"));
        assert!(eps.contains("/ImageMatrix [1 0 0 1 0 0] /BitsPerComponent 8 /Decode [0 1 0 1 0 1] /DataSource currentfile /ASCIIHexDecode filter >> image\n010203\n>\n"), "{eps}");
    }
}
