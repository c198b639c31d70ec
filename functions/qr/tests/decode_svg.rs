//! SVGs are rasterised with `resvg` (as a browser or print RIP would) and
//! decoded with `rqrr`. Rasterised at ≥ 512 px: below ~4 px per module
//! anti-aliasing of a fractional scale blurs modules, which is a property
//! of rasterising any vector code that small, not of our output.

mod support;

use scanly_qr::{EcLevel, EyeStyle, ModuleStyle, QrParams};
use scanly_shared::HexColor;
use support::assert_svg_round_trips;

const URL: &str = "https://scn.ly/q/Ab3xY9";

#[test]
fn every_ec_level_and_style_combination_decodes() {
    for ec in EcLevel::ALL {
        for module_style in ModuleStyle::ALL {
            for eye_style in EyeStyle::SCANNABLE {
                assert_svg_round_trips(QrParams {
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
fn colours_and_transparent_background_decode() {
    for (fg, bg, transparent_bg) in [
        ("#1a73e8", "#ffffff", false),
        ("#0b3d2e", "#f4e9d8", true),
        ("#949494", "#ffffff", false),
    ] {
        assert_svg_round_trips(QrParams {
            fg: HexColor::parse(fg).unwrap(),
            bg: HexColor::parse(bg).unwrap(),
            transparent_bg,
            module_style: ModuleStyle::Dots,
            size_px: 1024,
            ..QrParams::new(URL)
        });
    }
}

#[test]
fn long_url_at_every_ec_level_decodes() {
    let url = format!("https://example.com/{}", "a1B2c3D4e5".repeat(20));
    for ec in EcLevel::ALL {
        assert_svg_round_trips(QrParams {
            ec,
            size_px: 1024,
            ..QrParams::new(&url)
        });
    }
}
