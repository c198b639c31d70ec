//! `Matrix::from_bytes` chooses masks itself (bit-packed penalties) but must
//! produce exactly the symbol of the `qrcode` crate it replaces in the hot
//! path: same version, same mask, same modules, same refusals.

use proptest::prelude::*;
use scanly_qr::{EcLevel, Matrix, QrError};

fn crate_level(ec: EcLevel) -> qrcode::EcLevel {
    match ec {
        EcLevel::L => qrcode::EcLevel::L,
        EcLevel::M => qrcode::EcLevel::M,
        EcLevel::Q => qrcode::EcLevel::Q,
        EcLevel::H => qrcode::EcLevel::H,
    }
}

/// Compares ours with the crate's at every EC level.
fn assert_same_symbol(content: &[u8]) {
    for ec in EcLevel::ALL {
        assert_same_symbol_at(content, ec);
    }
}

fn assert_same_symbol_at(content: &[u8], ec: EcLevel) {
    let what = format!("{} bytes at {ec:?}", content.len());
    let ours = Matrix::from_bytes(content, ec);
    match qrcode::QrCode::with_error_correction_level(content, crate_level(ec)) {
        Ok(code) => {
            let expected = Matrix {
                width: code.width(),
                modules: code
                    .to_colors()
                    .into_iter()
                    .map(|c| c == qrcode::Color::Dark)
                    .collect(),
            };
            assert_eq!(ours, Ok(expected), "{what}");
        }
        Err(_) => {
            let len = content.len();
            assert_eq!(ours, Err(QrError::ContentTooLong { len, ec }), "{what}");
        }
    }
}

/// Lengths skewed short (where real codes live and where versions change
/// fastest) but reaching 2,000.
fn len() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 1..=120_usize, 1 => 1..=2000_usize]
}

fn from_alphabet(alphabet: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    len().prop_flat_map(move |n| prop::collection::vec(prop::sample::select(alphabet), n))
}

fn binary() -> impl Strategy<Value = Vec<u8>> {
    len().prop_flat_map(|n| prop::collection::vec(any::<u8>(), n))
}

fn url() -> impl Strategy<Value = Vec<u8>> {
    (
        "[a-z0-9]{1,20}\\.[a-z]{2,6}/[A-Za-z0-9_~%./?=&-]{0,60}",
        prop::option::weighted(0.2, "[A-Za-z0-9_~%./?=&-]{0,1900}"),
    )
        .prop_map(|(head, tail)| format!("https://{head}{}", tail.unwrap_or_default()).into_bytes())
}

/// Runs of digits, capitals and bytes, so the crate's segment optimiser
/// switches modes inside one symbol.
fn mixed() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            "[0-9]{1,40}".prop_map(String::into_bytes),
            "[A-Z0-9 $%*+./:-]{1,40}".prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 1..40),
        ],
        1..12,
    )
    .prop_map(|parts| parts.concat())
}

const DIGITS: &[u8] = b"0123456789";
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// The crate's own encoder is slow in debug builds (~0.1 s for a version 40
/// symbol), so the default keeps this file to seconds; `PROPTEST_CASES`
/// raises it for a soak run, e.g. `PROPTEST_CASES=5000 cargo test --release`.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(32)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn binary_content(content in binary()) {
        assert_same_symbol(&content);
    }

    #[test]
    fn numeric_content(content in from_alphabet(DIGITS)) {
        assert_same_symbol(&content);
    }

    #[test]
    fn alphanumeric_content(content in from_alphabet(ALPHANUMERIC)) {
        assert_same_symbol(&content);
    }

    #[test]
    fn urls(content in url()) {
        assert_same_symbol(&content);
    }

    #[test]
    fn mixed_modes(content in mixed()) {
        assert_same_symbol(&content);
    }
}

/// Low-entropy content makes masks score far apart and far from typical
/// (long runs, many 2 × 2 squares): the penalty rules' extremes.
#[test]
fn repetitive_content() {
    for byte in [0x00, 0xff, 0x55, b'0', b'A'] {
        for n in [1, 17, 100, 500] {
            assert_same_symbol(&vec![byte; n]);
        }
    }
}

/// One symbol per version 1–40, so every bitset width (1, 2 and 3 words per
/// line) and the version-information blocks from version 7 up are covered
/// deterministically. EC L only: the other levels are the proptests' job.
#[test]
fn every_version() {
    let mut versions = std::collections::BTreeSet::new();
    // Byte-mode capacity at L grows by 14–70 bytes a version; a stride of 13
    // lands in each of them.
    for n in (1..=2960).step_by(13) {
        let content: Vec<u8> = (0..n).map(|i| (i * 7 + n) as u8).collect();
        if let Ok(m) = Matrix::from_bytes(&content, EcLevel::L)
            && versions.insert(m.width)
        {
            assert_same_symbol_at(&content, EcLevel::L);
        }
    }
    assert_eq!(versions.len(), 40);
}

/// 2,953 bytes of 0xAA at L score 73,434 under mask 2: the crate adds its
/// penalties in `u16`, so it panics on overflow in debug builds and wraps in
/// release ones. Ours wraps the same way without panicking, so where the
/// crate returns at all, the symbols agree.
#[test]
fn penalty_past_u16_does_not_panic() {
    let content = vec![0xaa; 2953];
    assert!(Matrix::from_bytes(&content, EcLevel::L).is_ok());
    let reference = std::panic::catch_unwind(|| {
        qrcode::QrCode::with_error_correction_level(&content, qrcode::EcLevel::L)
    });
    if reference.is_ok() {
        assert_same_symbol_at(&content, EcLevel::L);
    }
}
