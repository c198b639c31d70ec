//! The module grid, from the `qrcode` crate (the encoder the design names).
//! Kept as a plain `Vec<bool>` so renderers index it without the crate's
//! types.
//!
//! The crate does the encoding (segmentation, Reed–Solomon, placement and
//! the final masking) through its public lower-level API; only the mask
//! *choice* is ours (`mask`), because the crate's `apply_best_mask` was
//! over 95 % of the encode time. The result is the symbol
//! `QrCode::with_error_correction_level` produces, bit for bit
//! (`tests/encoder_equivalence.rs`).

mod line;
mod mask;
mod penalty;

use qrcode::canvas::Canvas;

use crate::error::QrError;
use crate::options::{EcLevel, QrOptions};

/// Side of a finder pattern ("eye"), in modules.
pub const EYE: usize = 7;

/// A square grid of modules, row-major, `true` = dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub width: usize,
    pub modules: Vec<bool>,
}

impl Matrix {
    /// Encodes the options' content at their error correction level.
    pub fn encode(options: &QrOptions) -> Result<Self, QrError> {
        Self::from_bytes(options.content(), options.ec())
    }

    /// Encodes `content` at `ec` in the smallest version that holds it:
    /// `QrCode::with_error_correction_level`'s steps, with a faster mask
    /// choice.
    pub fn from_bytes(content: &[u8], ec: EcLevel) -> Result<Self, QrError> {
        let level = match ec {
            EcLevel::L => qrcode::EcLevel::L,
            EcLevel::M => qrcode::EcLevel::M,
            EcLevel::Q => qrcode::EcLevel::Q,
            EcLevel::H => qrcode::EcLevel::H,
        };
        // `encode_auto` is where content over capacity fails; the codeword
        // step only fails for a version/level pair it has no table for.
        let too_long = |_| QrError::ContentTooLong {
            len: content.len(),
            ec,
        };
        let bits = qrcode::bits::encode_auto(content, level).map_err(too_long)?;
        let version = bits.version();
        let (data, ecc) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, level)
            .map_err(too_long)?;
        let mut canvas = Canvas::new(version, level);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ecc);
        let width = usize::from(version.width().unsigned_abs());
        canvas.apply_mask(mask::best(&canvas, width, level));
        Ok(Self {
            width,
            modules: canvas
                .into_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect(),
        })
    }

    /// Whether the module at (x, y) is dark; outside the grid is light.
    pub fn dark(&self, x: isize, y: isize) -> bool {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.width {
            return false;
        }
        self.modules
            .get(y as usize * self.width + x as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Top-left corners of the three finder patterns.
    pub fn eyes(&self) -> [(usize, usize); 3] {
        let far = self.width.saturating_sub(EYE);
        [(0, 0), (far, 0), (0, far)]
    }

    /// Whether (x, y) lies inside a finder pattern, which renderers draw in
    /// the eye style instead of module by module.
    pub fn in_eye(&self, x: usize, y: usize) -> bool {
        let far = self.width.saturating_sub(EYE);
        (x < EYE || x >= far) && (y < EYE || y >= far) && !(x >= far && y >= far)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_url_gives_version_2_grid() {
        let m = Matrix::from_bytes(b"https://scn.ly/q/abc", EcLevel::M).unwrap();
        assert_eq!(m.width, 25);
        assert_eq!(m.modules.len(), 25 * 25);
        // The top-left eye's corner is dark, its separator light.
        assert!(m.dark(0, 0) && !m.dark(7, 0));
    }

    #[test]
    fn content_over_capacity_is_a_typed_error() {
        let long = vec![b'a'; 3000];
        let err = Matrix::from_bytes(&long, EcLevel::H).unwrap_err();
        assert_eq!(
            err,
            QrError::ContentTooLong {
                len: 3000,
                ec: EcLevel::H
            }
        );
        assert_eq!(err.field(), "content");
    }

    #[test]
    fn eye_regions_are_the_three_corners_only() {
        let m = Matrix::from_bytes(b"x", EcLevel::L).unwrap();
        let w = m.width;
        assert!(m.in_eye(0, 0) && m.in_eye(w - 1, 0) && m.in_eye(0, w - 1));
        assert!(!m.in_eye(w - 1, w - 1) && !m.in_eye(7, 7) && !m.in_eye(3, 8));
    }
}
