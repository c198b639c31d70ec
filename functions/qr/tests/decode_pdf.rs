//! Print formats read back like a print shop would: PDFs rasterised by
//! poppler's `pdftoppm`, EPS files by Ghostscript, both at 300 dpi, then
//! decoded with `rqrr`. The structure of the files is checked too (PDF
//! xref offsets, startxref, MediaBox; EPS bounding boxes), and SVG, PDF and
//! EPS of the same scene are rasterised at the same resolution and compared
//! pixel by pixel: the three formats draw the same geometry.
//!
//! Needs `pdftoppm` (Debian `poppler-utils`) and `gs` (`ghostscript`);
//! `.ci/run` installs both, and a missing one fails with that message.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::sync::Arc;

use scanly_qr::vector::{Item, Path, PhysicalSize, Rgba8Image, Scene};
use scanly_qr::{
    EcLevel, EyeStyle, Matrix, ModuleStyle, QrParams, render_eps, render_pdf, render_svg_scene,
};
use scanly_shared::HexColor;
use support::{decode_image, rasterize_eps, rasterize_pdf, rasterize_svg};

const URL: &str = "https://scn.ly/q/Ab3xY9";
const DPI: u32 = 300;

fn scene_for(params: &QrParams) -> Scene {
    let options = params.clone().validate().unwrap();
    let matrix = Matrix::encode(&options).unwrap();
    scanly_qr::compose::scene(&matrix, &options).unwrap()
}

/// Renders a PDF, rasterises it at 300 dpi, anti-aliased like a viewer or
/// not like a print RIP, and asserts it decodes to exactly the input.
///
/// Which of the two is used per case is a concession to `rqrr`, not to
/// the files: it misreads rounded eyes in some crisp rasters and some
/// large codes at fractional module sizes when anti-aliased (the same
/// happens with our SVGs through resvg), while zbar reads every one of
/// these PDFs at 150–600 dpi both ways. The pixel comparison with the SVG
/// below is what pins the geometry down.
fn assert_pdf_round_trips(params: QrParams, size: PhysicalSize, antialias: bool) {
    let pdf = render_pdf(&scene_for(&params), size);
    let (img, warnings) = rasterize_pdf(&pdf, DPI, antialias);
    assert!(warnings.is_empty(), "pdftoppm complained: {warnings}");
    assert_eq!(
        decode_image(&img),
        vec![params.content.clone()],
        "PDF (anti-aliased: {antialias}) did not decode: {params:?}"
    );
}

fn assert_eps_round_trips(params: QrParams, size: PhysicalSize) {
    let eps = render_eps(&scene_for(&params), size);
    let img = rasterize_eps(&eps, DPI);
    assert_eq!(
        decode_image(&img),
        vec![params.content.clone()],
        "EPS did not decode: {params:?}"
    );
}

/// Every scannable style at every EC level, 40 mm wide.
fn every_combination() -> Vec<QrParams> {
    let mut out = Vec::new();
    for ec in EcLevel::ALL {
        for module_style in ModuleStyle::ALL {
            for eye_style in EyeStyle::SCANNABLE {
                out.push(QrParams {
                    ec,
                    module_style,
                    eye_style,
                    ..QrParams::new(URL)
                });
            }
        }
    }
    out
}

/// Colours near the contrast floor, a transparent background, and a long
/// URL at every EC level. The long URL uses square eyes: `rqrr` often
/// misreads rounded eyes on codes this large (versions 9–15), in our PNGs
/// and SVGs too, while zbar reads the same PDFs and EPS files at 150–600
/// dpi — a limit of the test decoder, not of the output.
fn harder_cases() -> Vec<QrParams> {
    let mut out = Vec::new();
    for (fg, bg, transparent_bg) in [
        ("#1a73e8", "#ffffff", false),
        ("#0b3d2e", "#f4e9d8", true),
        ("#949494", "#ffffff", false),
    ] {
        out.push(QrParams {
            fg: HexColor::parse(fg).unwrap(),
            bg: HexColor::parse(bg).unwrap(),
            transparent_bg,
            module_style: ModuleStyle::Dots,
            ..QrParams::new(URL)
        });
    }
    let url = format!("https://example.com/{}", "a1B2c3D4e5".repeat(20));
    for ec in EcLevel::ALL {
        out.push(QrParams {
            ec,
            module_style: ModuleStyle::Rounded,
            ..QrParams::new(&url)
        });
    }
    out
}

#[test]
fn pdf_every_ec_level_and_style_combination_decodes() {
    for params in every_combination() {
        assert_pdf_round_trips(params, PhysicalSize::mm(40.0), true);
    }
}

#[test]
fn pdf_colours_transparency_and_long_urls_decode() {
    for params in harder_cases() {
        assert_pdf_round_trips(params, PhysicalSize::mm(60.0), false);
    }
}

#[test]
fn eps_every_ec_level_and_style_combination_decodes() {
    for params in every_combination() {
        assert_eps_round_trips(params, PhysicalSize::mm(40.0));
    }
}

#[test]
fn eps_colours_transparency_and_long_urls_decode() {
    for params in harder_cases() {
        assert_eps_round_trips(params, PhysicalSize::mm(60.0));
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Checks the xref table against the file: every in-use entry points at
/// its "N 0 obj", startxref at "xref", /Size counts the entries.
fn assert_pdf_structure(pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-1.4\n"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    let text = String::from_utf8_lossy(pdf);
    let tail = &text[text.rfind("startxref\n").unwrap() + 10..];
    let xref: usize = tail.lines().next().unwrap().parse().unwrap();
    assert!(pdf[xref..].starts_with(b"xref\n0 "), "startxref is off");
    let table = String::from_utf8_lossy(&pdf[xref..]);
    let mut lines = table.lines().skip(1);
    let header = lines.next().unwrap();
    let count: usize = header.strip_prefix("0 ").unwrap().parse().unwrap();
    let entries: Vec<&str> = lines.take(count).collect();
    assert_eq!(entries.len(), count);
    assert_eq!(entries[0], "0000000000 65535 f ");
    for (num, entry) in entries.iter().enumerate().skip(1) {
        assert_eq!(entry.len(), 19, "entry {num} must be 20 bytes with EOL");
        assert!(entry.ends_with(" 00000 n "));
        let offset: usize = entry[..10].parse().unwrap();
        let want = format!("{num} 0 obj\n");
        assert!(
            pdf[offset..].starts_with(want.as_bytes()),
            "xref entry {num} points at {:?}",
            String::from_utf8_lossy(&pdf[offset..(offset + 12).min(pdf.len())])
        );
    }
    assert!(text.contains(&format!("trailer\n<< /Size {count} /Root 1 0 R >>")));
    // Every stream's /Length is its byte count.
    let mut at = 0;
    while let Some(i) = find(&pdf[at..], b"/Length ") {
        let start = at + i + 8;
        let digits: Vec<u8> = pdf[start..]
            .iter()
            .copied()
            .take_while(u8::is_ascii_digit)
            .collect();
        let len: usize = String::from_utf8(digits).unwrap().parse().unwrap();
        let data = at + i + find(&pdf[at + i..], b"stream\n").unwrap() + 7;
        assert!(
            pdf[data + len..].starts_with(b"\nendstream\n"),
            "bad /Length"
        );
        at = data + len;
    }
}

fn media_box(pdf: &[u8]) -> (f64, f64) {
    let text = String::from_utf8_lossy(pdf);
    let i = text.find("/MediaBox [0 0 ").unwrap() + 15;
    let inner = &text[i..i + text[i..].find(']').unwrap()];
    let mut nums = inner.split(' ').map(|n| n.parse::<f64>().unwrap());
    (nums.next().unwrap(), nums.next().unwrap())
}

#[test]
fn pdf_xref_startxref_and_media_box_are_exact() {
    let params = QrParams {
        module_style: ModuleStyle::Rounded,
        ..QrParams::new(URL)
    };
    let mut scene = scene_for(&params);
    let pdf = render_pdf(&scene, PhysicalSize::mm(40.0));
    assert_pdf_structure(&pdf);
    // 40 mm = 113.386 pt, square.
    assert_eq!(media_box(&pdf), (113.386, 113.386));
    assert_eq!(
        pdf,
        render_pdf(&scene, PhysicalSize::mm(40.0)),
        "deterministic"
    );
    assert!(find(&pdf, b"CreationDate").is_none() && find(&pdf, b"/ID").is_none());

    // Taller scene with images: more objects, height follows the aspect.
    scene.extend_height(11.0);
    let logo = Rgba8Image::new(
        2,
        2,
        vec![255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 255, 9, 9, 9, 128],
    )
    .unwrap();
    let opaque = Rgba8Image::new(1, 1, vec![0, 255, 0, 255]).unwrap();
    scene.push_image(14.0, 14.0, 5.0, 5.0, Arc::new(logo));
    scene.push_image(1.0, 34.0, 2.0, 2.0, Arc::new(opaque));
    let pdf = render_pdf(&scene, PhysicalSize::pt(330.0));
    assert_pdf_structure(&pdf);
    assert_eq!(media_box(&pdf), (330.0, 440.0));
    let (img, warnings) = rasterize_pdf(&pdf, 72, true);
    assert!(warnings.is_empty(), "{warnings}");
    assert_eq!((img.width(), img.height()), (330, 440));
    // The code still decodes with a logo over its centre (EC M, small logo).
    let (img, _) = rasterize_pdf(&pdf, 300, false);
    assert_eq!(decode_image(&img), vec![URL.as_bytes().to_vec()]);
}

#[test]
fn eps_bounding_boxes_match_the_requested_size() {
    let mut scene = scene_for(&QrParams::new(URL));
    let eps = render_eps(&scene, PhysicalSize::mm(40.0));
    assert!(eps.starts_with("%!PS-Adobe-3.0 EPSF-3.0\n"));
    assert!(eps.contains("\n%%BoundingBox: 0 0 114 114\n"));
    assert!(eps.contains("\n%%HiResBoundingBox: 0 0 113.386 113.386\n"));
    assert!(!eps.contains("CreationDate"));
    assert!(eps.lines().all(|l| l.len() < 255) && eps.is_ascii());
    scene.extend_height(3.0);
    let eps = render_eps(&scene, PhysicalSize::inches(1.0));
    // 33 × 36 units at 72 pt wide: 78.545… pt high.
    assert!(eps.contains("\n%%BoundingBox: 0 0 72 79\n"), "{eps}");
    assert!(eps.contains("\n%%HiResBoundingBox: 0 0 72 78.545\n"));
    let img = rasterize_eps(&eps, 72);
    assert_eq!((img.width(), img.height()), (72, 79));
}

/// Luma of a pixel composited over white, thresholded: true = dark.
fn dark_mask(img: &image::RgbaImage) -> Vec<bool> {
    img.pixels()
        .map(|p| {
            let a = f64::from(p[3]) / 255.0;
            let c = |i: usize| f64::from(p[i]) * a + 255.0 * (1.0 - a);
            0.299 * c(0) + 0.587 * c(1) + 0.114 * c(2) < 128.0
        })
        .collect()
}

/// Pixels where `a` and `b` disagree and no pixel of `b` within `radius`
/// pixels agrees with `a`: real geometry differences, not anti-aliasing or
/// pixel-rounding at edges. Listed as (x, y), at most 10.
fn real_differences(
    a: &[bool],
    b: &[bool],
    w: usize,
    h: usize,
    radius: &dyn Fn(usize, usize) -> Option<usize>,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let v = a[y * w + x];
            if b[y * w + x] == v {
                continue;
            }
            let Some(r) = radius(x, y) else { continue };
            let near = (y.saturating_sub(r)..(y + r + 1).min(h))
                .any(|ny| (x.saturating_sub(r)..(x + r + 1).min(w)).any(|nx| b[ny * w + nx] == v));
            if !near && out.len() < 10 {
                out.push((x, y));
            }
        }
    }
    out
}

/// Renders one scene to SVG, PDF and EPS at 20 px per unit and checks the
/// three rasters agree everywhere except within a pixel of an edge.
fn assert_same_pixels(scene: &Scene, what: &str) {
    // 10 pt per unit at 144 dpi = 20 px per unit, for all three.
    let width_pt = scene.width * 10.0;
    let size = PhysicalSize::pt(width_pt);
    let px = (scene.width * 20.0) as u32;
    let svg = rasterize_svg(&render_svg_scene(scene, px));
    let (pdf, warnings) = rasterize_pdf(&render_pdf(scene, size), 144, true);
    assert!(warnings.is_empty(), "{warnings}");
    let eps = rasterize_eps(&render_eps(scene, size), 144);
    let (w, h) = (svg.width(), svg.height());
    assert_eq!((pdf.width(), pdf.height()), (w, h), "{what}: PDF size");
    assert_eq!((eps.width(), eps.height()), (w, h), "{what}: EPS size");
    let (s, p, e) = (dark_mask(&svg), dark_mask(&pdf), dark_mask(&eps));
    let (w, h) = (w as usize, h as usize);
    // Paths must agree to within a pixel. Images are compared at unit
    // centres only (below): even at 1:1 scale poppler resamples an image
    // and its soft mask, moving their edges by a pixel or two.
    let images: Vec<(f64, f64, f64, f64)> = scene
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Image { x, y, w, h, .. } => {
                Some((*x * 20.0, *y * 20.0, (*x + *w) * 20.0, (*y + *h) * 20.0))
            }
            Item::Fill { .. } => None,
        })
        .collect();
    let radius = |x: usize, y: usize| {
        let (x, y) = (x as f64, y as f64);
        let near_image = images.iter().any(|&(x0, y0, x1, y1)| {
            x >= x0 - 3.0 && x <= x1 + 3.0 && y >= y0 - 3.0 && y <= y1 + 3.0
        });
        (!near_image).then_some(1)
    };
    for (name, other) in [("PDF", &p), ("EPS", &e)] {
        let one = real_differences(&s, other, w, h, &radius);
        let two = real_differences(other, &s, w, h, &radius);
        assert!(
            one.is_empty() && two.is_empty(),
            "{what}: SVG and {name} differ at {one:?} (dark in SVG: {}) and {two:?}",
            one.first().is_some_and(|&(x, y)| s[y * w + x])
        );
    }
    // Colours survive too: compare at every unit's centre, where no edge is.
    for uy in 0..(scene.height as u32) {
        for ux in 0..(scene.width as u32) {
            let (x, y) = (ux * 20 + 10, uy * 20 + 10);
            let over_white = |p: &image::Rgba<u8>| {
                let a = u32::from(p[3]);
                [0, 1, 2].map(|i| (u32::from(p[i]) * a + 255 * (255 - a)) / 255)
            };
            let want = over_white(svg.get_pixel(x, y));
            for (name, img) in [("PDF", &pdf), ("EPS", &eps)] {
                let got = over_white(img.get_pixel(x, y));
                assert!(
                    want.iter().zip(got).all(|(a, b)| a.abs_diff(b) <= 3),
                    "{what}: {name} colour at unit ({ux}, {uy}) is {got:?}, SVG {want:?}"
                );
            }
        }
    }
}

#[test]
fn svg_pdf_and_eps_draw_the_same_geometry() {
    for module_style in ModuleStyle::ALL {
        for eye_style in EyeStyle::SCANNABLE {
            let scene = scene_for(&QrParams {
                module_style,
                eye_style,
                fg: HexColor::parse("#1a73e8").unwrap(),
                ..QrParams::new(URL)
            });
            assert_same_pixels(&scene, &format!("{module_style:?}/{eye_style:?}"));
        }
    }
}

#[test]
fn tall_scenes_with_fills_and_images_draw_the_same_in_every_format() {
    let mut scene = scene_for(&QrParams {
        module_style: ModuleStyle::Rounded,
        eye_style: EyeStyle::Rounded,
        transparent_bg: true,
        ..QrParams::new(URL)
    });
    // A caption bar below the code, with a nonzero-filled "glyph" (a ring
    // drawn as two opposite-direction contours) in the background colour.
    scene.extend_height(6.0);
    let mut bar = Path::new();
    bar.round_rect(1.0, 33.0, 31.0, 5.0, 1.0);
    scene.push_fill(bar, HexColor::parse("#0b3d2e").unwrap());
    let mut ring = Path::new();
    ring.move_to(14.0, 34.0)
        .line_to(19.0, 34.0)
        .line_to(19.0, 37.0)
        .quad_to(16.5, 38.6, 14.0, 37.0)
        .close();
    ring.move_to(15.0, 35.0)
        .line_to(15.0, 36.0)
        .line_to(18.0, 36.0)
        .line_to(18.0, 35.0)
        .close();
    scene.push_fill_nonzero(ring, HexColor::WHITE);
    // A 5 × 5-unit logo at 20 px per unit: 100 × 100 pixels, so no
    // format's resampling changes it. Opaque red and blue blocks and a fully
    // transparent stripe, all edges on unit boundaries, away from the unit
    // centres where colours are compared.
    let mut data = Vec::with_capacity(100 * 100 * 4);
    for y in 0..100 {
        for x in 0..100 {
            let px = if (40..60).contains(&y) {
                [0, 0, 0, 0]
            } else if (x < 60) == (y < 20) {
                [220, 20, 20, 255]
            } else {
                [20, 20, 220, 255]
            };
            data.extend_from_slice(&px);
        }
    }
    let logo = Rgba8Image::new(100, 100, data).unwrap();
    scene.push_image(14.0, 14.0, 5.0, 5.0, Arc::new(logo));
    assert_same_pixels(&scene, "tall scene");
}

/// Frame, caption and logo through the public entry point, in every
/// vector format at a print size: rasterised and decoded like the rest.
#[test]
fn frames_captions_and_logos_decode_in_every_vector_format() {
    let logo = {
        let img = image::RgbaImage::from_fn(120, 120, |x, y| {
            if (x as i32 - 60).pow(2) + (y as i32 - 60).pow(2) < 2500 {
                image::Rgba([200, 40, 40, 255])
            } else {
                image::Rgba([0, 0, 0, 0])
            }
        });
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        scanly_qr::Logo::decode(&png.into_inner()).unwrap()
    };
    let params = QrParams {
        caption: Some("Scan for the menu".into()),
        logo: Some(logo),
        module_style: ModuleStyle::Rounded,
        print: Some(scanly_qr::PrintSize { mm: 40.0, dpi: 300 }),
        ..QrParams::new(URL)
    };
    let options = params.clone().validate().unwrap();
    let expected = vec![params.content.clone()];
    let svg =
        String::from_utf8(scanly_qr::render(&options, scanly_qr::Format::Svg).unwrap()).unwrap();
    assert!(svg.contains("<image"), "the logo is embedded");
    assert_eq!(decode_image(&rasterize_svg(&svg)), expected, "SVG");
    let pdf = scanly_qr::render(&options, scanly_qr::Format::Pdf).unwrap();
    let (img, warnings) = rasterize_pdf(&pdf, DPI, true);
    assert!(warnings.is_empty(), "{warnings}");
    // Taller than wide: the caption bar is on the page.
    assert!(
        img.height() > img.width(),
        "{}x{}",
        img.width(),
        img.height()
    );
    assert_eq!(decode_image(&img), expected, "PDF");
    let eps =
        String::from_utf8(scanly_qr::render(&options, scanly_qr::Format::Eps).unwrap()).unwrap();
    assert_eq!(decode_image(&rasterize_eps(&eps, DPI)), expected, "EPS");
}
