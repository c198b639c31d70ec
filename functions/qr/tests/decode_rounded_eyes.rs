//! Rounded eyes move where a reader finds an eye's corners, so they are
//! allowed only up to the version where every sampled code still decodes
//! (`MAX_ROUNDED_EYE_VERSION`), and refused above it. This sweeps every
//! allowed version at every error correction level and module style, with
//! content of varied character mix, so the mask patterns vary too.
#![allow(clippy::unwrap_used)]

mod support;

use scanly_qr::layout::MAX_ROUNDED_EYE_VERSION;
use scanly_qr::{EcLevel, EyeStyle, Matrix, ModuleStyle, QrError, QrParams, render_png};
use support::decode_png;

fn url(n: usize) -> String {
    const ALPHABET: &[u8] = b"abcXYZ0123-_";
    let path: String = (0..n)
        .map(|i| {
            char::from(
                ALPHABET
                    .get((i * 7 + n) % ALPHABET.len())
                    .copied()
                    .unwrap_or(b'a'),
            )
        })
        .collect();
    format!("https://scn.ly/q/{path}?qr")
}

fn version(m: &Matrix) -> usize {
    (m.width - 17) / 4
}

#[test]
fn every_allowed_version_decodes_in_every_style_and_level() {
    let mut checked = 0;
    for ec in EcLevel::ALL {
        // Two contents per version: the shortest and the longest that land on it.
        let mut by_version: Vec<Vec<String>> = vec![Vec::new(); MAX_ROUNDED_EYE_VERSION + 1];
        for n in 0..200 {
            let content = url(n);
            let o = QrParams {
                ec,
                ..QrParams::new(&content)
            }
            .validate()
            .unwrap();
            let v = version(&Matrix::encode(&o).unwrap());
            if let Some(list) = by_version.get_mut(v) {
                if list.len() < 2 {
                    list.push(content);
                } else if let Some(last) = list.last_mut() {
                    *last = content;
                }
            }
        }
        for content in by_version.iter().flatten() {
            for module_style in ModuleStyle::ALL {
                let params = QrParams {
                    ec,
                    module_style,
                    eye_style: EyeStyle::Rounded,
                    ..QrParams::new(content)
                };
                let o = params.clone().validate().unwrap();
                let png = render_png(&Matrix::encode(&o).unwrap(), &o).unwrap();
                assert_eq!(
                    decode_png(&png, [255, 255, 255]),
                    vec![content.as_bytes().to_vec()],
                    "{ec:?} {module_style:?} {content}"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 4 * 3 * 2 * (MAX_ROUNDED_EYE_VERSION - 2),
        "{checked}"
    );
}

#[test]
fn larger_codes_with_rounded_eyes_are_refused_naming_eye_style() {
    let long = url(150);
    let o = QrParams {
        eye_style: EyeStyle::Rounded,
        ..QrParams::new(&long)
    }
    .validate()
    .unwrap();
    let m = Matrix::encode(&o).unwrap();
    assert!(version(&m) > MAX_ROUNDED_EYE_VERSION);
    let err = render_png(&m, &o).unwrap_err();
    assert!(matches!(err, QrError::EyeStyleTooDense { .. }), "{err:?}");
    assert_eq!(err.field(), "eye_style");
    assert!(scanly_qr::render_svg(&m, &o).is_err());
    // Square eyes have no such limit.
    let o = QrParams::new(&long).validate().unwrap();
    assert_eq!(
        decode_png(&render_png(&m, &o).unwrap(), [255, 255, 255]),
        vec![long.as_bytes().to_vec()]
    );
}
