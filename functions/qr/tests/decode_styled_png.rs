//! The "print studio" options — frame and caption, logo, print sizing — on
//! PNG, each combination decoded back by `rqrr` to exactly its input. A
//! combination that cannot decode must be refused by validation instead.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod support;

use scanly_qr::options::{MAX_LOGO_SIZE, MIN_LOGO_SIZE};
use scanly_qr::{
    EcLevel, EyeStyle, Logo, Matrix, ModuleStyle, PrintSize, QrError, QrParams, render_png,
};
use scanly_shared::HexColor;
use support::{assert_png_round_trips, decode_png};

const URL: &str = "https://scn.ly/q/Ab3xY9?qr";
const LONG_URL: &str = "https://shop.example.com/collections/summer-sale/products/linen-shirt?utm_source=flyer&utm_medium=qr&utm_campaign=summer-2026&variant=4471&ref=window-display-left";

fn hex(s: &str) -> HexColor {
    HexColor::parse(s).unwrap()
}

/// A colourful logo with a transparent corner: a red disc and a blue bar.
fn png_logo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        let (cx, cy) = (
            f64::from(x) - f64::from(w) / 2.0,
            f64::from(y) - f64::from(h) / 2.0,
        );
        if cx.hypot(cy) < f64::from(w.min(h)) * 0.4 {
            image::Rgba([220, 30, 40, 255])
        } else if y > h * 3 / 4 {
            image::Rgba([20, 60, 200, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn jpeg_logo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(120, 80, |x, y| {
        image::Rgb([(x * 2) as u8, (y * 3) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

const SVG_LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><circle cx="32" cy="32" r="28" fill="#0a7"/><path d="M18 34l10 10 18-22" stroke="#fff" stroke-width="6" fill="none"/></svg>"##;

fn logos() -> Vec<(&'static str, Logo)> {
    vec![
        ("png", Logo::decode(&png_logo(200, 200)).unwrap()),
        ("wide png", Logo::decode(&png_logo(300, 100)).unwrap()),
        ("jpeg", Logo::decode(&jpeg_logo()).unwrap()),
        ("svg", Logo::decode(SVG_LOGO.as_bytes()).unwrap()),
    ]
}

#[test]
fn framed_codes_with_captions_decode_in_every_style() {
    for module_style in ModuleStyle::ALL {
        for eye_style in EyeStyle::SCANNABLE {
            for caption in [None, Some("Scan me"), Some("Menu du jour — scannez-moi !")] {
                assert_png_round_trips(QrParams {
                    module_style,
                    eye_style,
                    frame: true,
                    caption: caption.map(str::to_owned),
                    ..QrParams::new(URL)
                });
            }
        }
    }
}

#[test]
fn framed_codes_decode_in_colour_transparent_and_small() {
    for (fg, bg, transparent_bg) in [
        ("#1d3557", "#f1faee", false),
        ("#6a040f", "#ffffff", true),
        ("#000000", "#ffffff", true),
    ] {
        for size_px in [160, 512, 2048] {
            assert_png_round_trips(QrParams {
                fg: hex(fg),
                bg: hex(bg),
                transparent_bg,
                size_px,
                caption: Some("Scan for the menu".into()),
                ..QrParams::new(URL)
            });
        }
    }
}

#[test]
fn a_frame_makes_the_image_taller_and_keeps_its_width() {
    let options = QrParams {
        frame: true,
        ..QrParams::new(URL)
    }
    .validate()
    .unwrap();
    let png = render_png(&Matrix::encode(&options).unwrap(), &options).unwrap();
    let img = image::load_from_memory(&png).unwrap();
    assert_eq!(img.width(), 512);
    assert!(img.height() > 512 + 60, "caption bar: {}", img.height());
    // The caption is drawn: the bar is not one flat colour.
    // The caption is drawn with anti-aliased edges: blends of fg and bg.
    let colours: std::collections::BTreeSet<_> = img.to_rgb8().pixels().map(|p| p.0).collect();
    assert!(colours.len() > 2, "{colours:?}");
}

#[test]
fn logos_decode_at_every_size_style_and_format() {
    for (name, logo) in logos() {
        for logo_size in [MIN_LOGO_SIZE, 0.2, MAX_LOGO_SIZE] {
            for module_style in ModuleStyle::ALL {
                // Rounded eyes on the short link; the long URL is beyond
                // the rounded eyes' verified versions, so square there.
                for (content, eye_style) in [(URL, EyeStyle::Rounded), (LONG_URL, EyeStyle::Square)]
                {
                    let params = QrParams {
                        logo: Some(logo.clone()),
                        logo_size,
                        module_style,
                        eye_style,
                        ..QrParams::new(content)
                    };
                    let options = params.clone().validate().unwrap();
                    assert_eq!(options.ec(), EcLevel::H, "a logo forces H ({name})");
                    assert_png_round_trips(params);
                }
            }
        }
    }
}

#[test]
fn logos_decode_with_frames_colours_and_transparency() {
    for (_, logo) in logos() {
        for (fg, bg, transparent_bg) in
            [("#14213d", "#ffffff", false), ("#000000", "#fca311", true)]
        {
            assert_png_round_trips(QrParams {
                logo: Some(logo.clone()),
                fg: hex(fg),
                bg: hex(bg),
                transparent_bg,
                caption: Some("Scan me".into()),
                module_style: ModuleStyle::Rounded,
                ..QrParams::new(URL)
            });
        }
    }
}

#[test]
fn a_logo_is_drawn_in_its_own_colours() {
    let options = QrParams {
        logo: Some(Logo::decode(&png_logo(200, 200)).unwrap()),
        ..QrParams::new(URL)
    }
    .validate()
    .unwrap();
    let png = render_png(&Matrix::encode(&options).unwrap(), &options).unwrap();
    let rgb = image::load_from_memory(&png).unwrap().to_rgb8();
    let centre = rgb.get_pixel(256, 256).0;
    assert_eq!(
        centre,
        [220, 30, 40],
        "the logo's red disc sits in the centre"
    );
    assert_eq!(
        decode_png(&png, [255, 255, 255]),
        vec![URL.as_bytes().to_vec()]
    );
}

#[test]
fn logo_sizes_outside_the_scannable_range_are_refused() {
    let logo = Logo::decode(&png_logo(50, 50)).unwrap();
    for logo_size in [0.0, 0.05, 0.31, 0.5, f64::NAN] {
        let err = QrParams {
            logo: Some(logo.clone()),
            logo_size,
            ..QrParams::new(URL)
        }
        .validate()
        .unwrap_err();
        assert!(
            matches!(err, QrError::LogoSizeOutOfRange { .. }),
            "{logo_size}"
        );
        assert_eq!(err.field(), "logo_size");
    }
}

#[test]
fn a_code_too_small_for_a_logo_is_refused_not_rendered_unreadable() {
    // One byte at H is a version-1 code: 21 modules, no room clear of the
    // format information.
    let options = QrParams {
        logo: Some(Logo::decode(&png_logo(50, 50)).unwrap()),
        ..QrParams::new("x")
    }
    .validate()
    .unwrap();
    let err = render_png(&Matrix::encode(&options).unwrap(), &options).unwrap_err();
    assert_eq!(err, QrError::LogoNoRoom { modules: 21 });
    assert_eq!(err.field(), "logo");
}

#[test]
fn print_size_sets_pixels_from_mm_and_dpi_and_records_the_resolution() {
    let options = QrParams {
        print: Some(PrintSize { mm: 50.0, dpi: 300 }),
        ..QrParams::new(URL)
    }
    .validate()
    .unwrap();
    assert_eq!(options.size_px(), 591);
    let png = render_png(&Matrix::encode(&options).unwrap(), &options).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!(info.width, 591);
    let dims = info.pixel_dims.unwrap();
    assert_eq!((dims.xppu, dims.unit), (11811, png::Unit::Meter));
    assert_eq!(
        decode_png(&png, [255, 255, 255]),
        vec![URL.as_bytes().to_vec()]
    );
}

#[test]
fn print_sizes_out_of_range_name_their_field() {
    for (mm, dpi, field) in [
        (5.0, 300, "mm"),
        (2000.0, 300, "mm"),
        (f64::NAN, 300, "mm"),
        (50.0, 10, "dpi"),
        (50.0, 5000, "dpi"),
        (500.0, 1200, "dpi"),
    ] {
        let err = QrParams {
            print: Some(PrintSize { mm, dpi }),
            ..QrParams::new(URL)
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field(), field, "{mm} mm {dpi} dpi: {err}");
    }
}

#[test]
fn captions_that_cannot_be_printed_are_refused() {
    for (caption, field) in [("", "caption"), ("   ", "caption"), ("扫一扫", "caption")] {
        let err = QrParams {
            caption: Some(caption.into()),
            ..QrParams::new(URL)
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field(), field, "{caption:?}");
    }
    let err = QrParams {
        caption: Some("a".repeat(31)),
        ..QrParams::new(URL)
    }
    .validate()
    .unwrap_err();
    assert_eq!(err, QrError::CaptionLength { chars: 31, max: 30 });
}
