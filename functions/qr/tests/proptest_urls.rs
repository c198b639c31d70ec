//! Random URLs render and decode at every EC level. Kept to ≤ 300 bytes
//! and a modest case count so the suite stays fast; 2,000-byte URLs are
//! covered by fixed tests in `decode_png.rs`.

mod support;

use proptest::prelude::*;
use scanly_qr::{EcLevel, ModuleStyle, QrParams};
use support::assert_png_round_trips;

fn url() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,20}\\.[a-z]{2,6}/[A-Za-z0-9_~%./?=&-]{0,270}"
        .prop_map(|rest| format!("https://{rest}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_urls_render_and_decode(
        url in url(),
        ec in prop::sample::select(EcLevel::ALL.to_vec()),
        module_style in prop::sample::select(ModuleStyle::ALL.to_vec()),
    ) {
        assert_png_round_trips(QrParams { ec, module_style, size_px: 640, ..QrParams::new(&url) });
    }
}
