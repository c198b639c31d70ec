//! Every PNG we render is read back by an independent decoder (`rqrr`) and
//! must yield exactly the input bytes.

mod support;

use scanly_qr::{EcLevel, EyeStyle, Matrix, ModuleStyle, QrError, QrParams, render_png};
use scanly_shared::HexColor;
use support::{assert_png_round_trips, decode_png};

const URL: &str = "https://scn.ly/q/Ab3xY9";

#[allow(clippy::unwrap_used)]
fn hex(s: &str) -> HexColor {
    HexColor::parse(s).unwrap()
}

#[test]
fn every_ec_level_and_style_combination_decodes() {
    for ec in EcLevel::ALL {
        for module_style in ModuleStyle::ALL {
            for eye_style in EyeStyle::SCANNABLE {
                assert_png_round_trips(QrParams {
                    ec,
                    module_style,
                    eye_style,
                    ..QrParams::new(URL)
                });
            }
        }
    }
}

#[test]
fn smallest_middle_and_largest_sizes_decode() {
    for size_px in [64, 512, 4096] {
        assert_png_round_trips(QrParams {
            size_px,
            ..QrParams::new(URL)
        });
    }
    // Styled at the smallest size: masks at 1–2 px per module.
    for module_style in ModuleStyle::ALL {
        assert_png_round_trips(QrParams {
            size_px: 64,
            module_style,
            eye_style: EyeStyle::Rounded,
            ..QrParams::new(URL)
        });
    }
}

#[test]
fn png_is_exactly_the_requested_size() {
    for size_px in [64, 100, 512, 777] {
        let o = QrParams {
            size_px,
            ..QrParams::new(URL)
        }
        .validate()
        .unwrap();
        let png = render_png(&Matrix::encode(&o).unwrap(), &o).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (size_px, size_px));
    }
}

#[test]
fn brand_colour_pairs_decode() {
    for (fg, bg) in [
        ("#1a73e8", "#ffffff"),
        ("#0b3d2e", "#f4e9d8"),
        ("#5b2a86", "#fff3b0"),
        ("#000000", "#ffcc00"),
    ] {
        assert_png_round_trips(QrParams {
            fg: hex(fg),
            bg: hex(bg),
            module_style: ModuleStyle::Rounded,
            ..QrParams::new(URL)
        });
    }
}

#[test]
fn pair_just_above_the_contrast_minimum_decodes() {
    // #949494 on white is 3.03:1, just over MIN_CONTRAST.
    let fg = hex("#949494");
    assert!(fg.contrast_ratio(HexColor::WHITE) >= scanly_qr::options::MIN_CONTRAST);
    for module_style in ModuleStyle::ALL {
        assert_png_round_trips(QrParams {
            fg,
            module_style,
            ..QrParams::new(URL)
        });
    }
}

#[test]
fn transparent_background_decodes_over_the_stated_bg_and_uses_trns() {
    let params = QrParams {
        transparent_bg: true,
        fg: hex("#202020"),
        ..QrParams::new(URL)
    };
    assert_png_round_trips(params.clone());
    let o = params.validate().unwrap();
    let png = render_png(&Matrix::encode(&o).unwrap(), &o).unwrap();
    assert!(png.windows(4).any(|w| w == b"tRNS"));
    let img = image::load_from_memory(&png).unwrap().to_rgba8();
    assert_eq!(img.get_pixel(0, 0).0[3], 0, "corner is transparent");
}

#[test]
fn black_on_white_is_one_bit_greyscale_and_colours_a_one_bit_palette() {
    let header = |params: QrParams| {
        let o = params.validate().unwrap();
        let png = render_png(&Matrix::encode(&o).unwrap(), &o).unwrap();
        // IHDR data: bit depth at byte 24, colour type at 25.
        (png[24], png[25], png.windows(4).any(|w| w == b"PLTE"))
    };
    assert_eq!(header(QrParams::new(URL)), (1, 0, false));
    assert_eq!(
        header(QrParams {
            fg: hex("#1a73e8"),
            ..QrParams::new(URL)
        }),
        (1, 3, true)
    );
}

#[test]
fn rendering_is_deterministic() {
    let o = QrParams {
        module_style: ModuleStyle::Dots,
        eye_style: EyeStyle::Rounded,
        ..QrParams::new(URL)
    }
    .validate()
    .unwrap();
    let m = Matrix::encode(&o).unwrap();
    assert_eq!(render_png(&m, &o).unwrap(), render_png(&m, &o).unwrap());
}

#[test]
fn two_thousand_byte_urls_decode_at_every_ec_level_that_fits_them() {
    let url = format!("https://example.com/{}", "a1B2c3D4e5".repeat(198));
    assert_eq!(url.len(), 2000);
    for ec in EcLevel::ALL {
        let params = QrParams {
            ec,
            size_px: 1024,
            ..QrParams::new(&url)
        };
        let o = params.clone().validate().unwrap();
        match Matrix::encode(&o) {
            Ok(_) => assert_png_round_trips(params),
            // Byte mode holds 1,273 bytes at H and 1,663 at Q (version 40).
            Err(e) => assert!(
                matches!(e, QrError::ContentTooLong { .. })
                    && matches!(ec, EcLevel::Q | EcLevel::H),
                "{ec}: {e}"
            ),
        }
    }
}

#[test]
fn version_40_content_in_a_small_image_is_a_typed_size_error() {
    let url = format!("https://example.com/{}", "x".repeat(1500));
    let o = QrParams {
        size_px: 128,
        ec: EcLevel::L,
        ..QrParams::new(&url)
    }
    .validate()
    .unwrap();
    let err = render_png(&Matrix::encode(&o).unwrap(), &o).unwrap_err();
    assert!(matches!(err, QrError::SizeTooSmallForContent { .. }));
    assert_eq!(err.field(), "size");
}

#[test]
fn rqrr_cannot_read_inverted_codes_which_is_why_validation_refuses_them() {
    // Render black-on-white, then invert the pixels as a light-on-dark
    // design would print them.
    let o = QrParams::new(URL).validate().unwrap();
    let png = render_png(&Matrix::encode(&o).unwrap(), &o).unwrap();
    let mut img = image::load_from_memory(&png).unwrap().to_rgba8();
    for p in img.pixels_mut() {
        p.0 = [255 - p.0[0], 255 - p.0[1], 255 - p.0[2], 255];
    }
    let found = support::decode_rgba(img.width(), img.height(), img.as_raw(), [0, 0, 0]);
    assert!(
        found.is_empty(),
        "rqrr read an inverted code: update the rule"
    );
    assert!(matches!(
        QrParams {
            fg: HexColor::WHITE,
            bg: HexColor::BLACK,
            ..QrParams::new(URL)
        }
        .validate(),
        Err(QrError::InvertedColors { .. })
    ));
    let _ = decode_png;
}
