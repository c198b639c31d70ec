//! Render options: `QrParams` is what a request says (public fields,
//! defaults filled in), `QrOptions` is the same after `validate()` — the
//! only way to build one — so renderers never re-check and never see a
//! combination that would print an unscannable code.

use core::fmt;

use scanly_shared::HexColor;

use crate::error::QrError;

/// Smallest PNG edge we render: below 64 px a version-2 code (25 modules +
/// quiet zone) would get less than two pixels per module.
pub const MIN_SIZE_PX: u32 = 64;
/// Largest PNG edge: 4096² one-bit pixels is 2 MiB raw, the upper bound we
/// accept holding in a Lambda per request.
pub const MAX_SIZE_PX: u32 = 4096;

/// Default quiet zone: ISO/IEC 18004 asks for 4 modules.
pub const DEFAULT_MARGIN: u32 = 4;
/// Smallest quiet zone we allow. Owners shrink the margin to fit a design;
/// phone readers in practice find the finder patterns with 2 modules of
/// clear space (the Micro QR minimum), but below that the finder's 1:1:3:1:1
/// run pattern merges into whatever is printed next to the code.
pub const MIN_MARGIN: u32 = 2;
/// A larger margin is only wasted pixels; capping it keeps size checks simple.
pub const MAX_MARGIN: u32 = 32;

/// Smallest fg/bg WCAG contrast ratio we render. 3:1 is WCAG 1.4.11's floor
/// for graphical objects and leaves headroom over ISO/IEC 15415's lowest
/// passing symbol contrast (40% reflectance difference, about 1.9:1 on
/// paper) for ink gain, glare and cheap cameras. The decode tests render
/// pairs just above it and read them back.
pub const MIN_CONTRAST: f64 = 3.0;

/// Error correction level: the share of codewords that can be lost (L 7%,
/// M 15%, Q 25%, H 30%). M is the default the design asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EcLevel {
    L,
    #[default]
    M,
    Q,
    H,
}

impl EcLevel {
    pub const ALL: [Self; 4] = [Self::L, Self::M, Self::Q, Self::H];
}

impl fmt::Display for EcLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::L => "L",
            Self::M => "M",
            Self::Q => "Q",
            Self::H => "H",
        })
    }
}

/// How data modules are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ModuleStyle {
    #[default]
    Square,
    /// Corners with no dark neighbour on either side are rounded, so runs
    /// read as soft blobs and isolated modules as circles.
    Rounded,
    /// Every module a separate dot (diameter 0.9 module).
    Dots,
}

impl ModuleStyle {
    pub const ALL: [Self; 3] = [Self::Square, Self::Rounded, Self::Dots];
}

/// How the three 7×7 finder patterns ("eyes") are drawn. Every style keeps
/// the 1:1:3:1:1 dark/light runs through the eye's centre that readers look
/// for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EyeStyle {
    #[default]
    Square,
    Rounded,
    /// Drawn, but refused by `validate`: `rqrr` (like quirc, which it
    /// ports) locates an eye by the corners of its ring, and a circle has
    /// none, so no circle-eye code decodes in the tests. Enabled once a
    /// decoder in the test suite reads it.
    Circle,
}

impl EyeStyle {
    pub const ALL: [Self; 3] = [Self::Square, Self::Rounded, Self::Circle];
    /// The styles `validate` accepts.
    pub const SCANNABLE: [Self; 2] = [Self::Square, Self::Rounded];
}

/// Options as requested, before validation. Start from `QrParams::new` (the
/// documented defaults) and override fields.
#[derive(Debug, Clone, PartialEq)]
pub struct QrParams {
    pub content: Vec<u8>,
    pub ec: EcLevel,
    /// Quiet zone in modules.
    pub margin: u32,
    pub fg: HexColor,
    pub bg: HexColor,
    /// Leave the background transparent (PNG tRNS, no SVG background rect).
    /// `bg` still states what the code will be printed on, and the contrast
    /// rules apply to it.
    pub transparent_bg: bool,
    pub module_style: ModuleStyle,
    pub eye_style: EyeStyle,
    /// PNG edge in pixels; also the SVG's `width`/`height`.
    pub size_px: u32,
}

impl QrParams {
    pub fn new(content: impl AsRef<[u8]>) -> Self {
        Self {
            content: content.as_ref().to_vec(),
            ec: EcLevel::default(),
            margin: DEFAULT_MARGIN,
            fg: HexColor::BLACK,
            bg: HexColor::WHITE,
            transparent_bg: false,
            module_style: ModuleStyle::default(),
            eye_style: EyeStyle::default(),
            size_px: 512,
        }
    }

    /// Checks every rule once. Content length is checked when the matrix is
    /// encoded (`Matrix::encode`), because only the encoder knows the
    /// capacity for this content's mode mix.
    pub fn validate(self) -> Result<QrOptions, QrError> {
        if self.content.is_empty() {
            return Err(QrError::EmptyContent);
        }
        if !(MIN_SIZE_PX..=MAX_SIZE_PX).contains(&self.size_px) {
            return Err(QrError::SizeOutOfRange {
                size_px: self.size_px,
                min: MIN_SIZE_PX,
                max: MAX_SIZE_PX,
            });
        }
        if !(MIN_MARGIN..=MAX_MARGIN).contains(&self.margin) {
            return Err(QrError::MarginOutOfRange {
                margin: self.margin,
                min: MIN_MARGIN,
                max: MAX_MARGIN,
            });
        }
        // Inverted first: a light-on-dark pair can have plenty of contrast
        // and still fail, because readers (rqrr included, see the tests)
        // look for dark finder patterns on a light ground.
        if self.fg.relative_luminance() > self.bg.relative_luminance() {
            return Err(QrError::InvertedColors {
                fg: self.fg,
                bg: self.bg,
            });
        }
        let ratio = self.fg.contrast_ratio(self.bg);
        if ratio < MIN_CONTRAST {
            return Err(QrError::LowContrast {
                fg: self.fg,
                bg: self.bg,
                ratio,
                min: MIN_CONTRAST,
            });
        }
        if self.eye_style == EyeStyle::Circle {
            return Err(QrError::UnverifiedEyeStyle {
                eye_style: self.eye_style,
            });
        }
        Ok(QrOptions(self))
    }
}

/// Validated options: every value is in range and the colours scan.
#[derive(Debug, Clone, PartialEq)]
pub struct QrOptions(QrParams);

impl QrOptions {
    pub fn content(&self) -> &[u8] {
        &self.0.content
    }
    pub fn ec(&self) -> EcLevel {
        self.0.ec
    }
    pub fn margin(&self) -> u32 {
        self.0.margin
    }
    pub fn fg(&self) -> HexColor {
        self.0.fg
    }
    pub fn bg(&self) -> HexColor {
        self.0.bg
    }
    pub fn transparent_bg(&self) -> bool {
        self.0.transparent_bg
    }
    pub fn module_style(&self) -> ModuleStyle {
        self.0.module_style
    }
    pub fn eye_style(&self) -> EyeStyle {
        self.0.eye_style
    }
    pub fn size_px(&self) -> u32 {
        self.0.size_px
    }
    /// The options as requested, e.g. to derive a cache key.
    pub fn params(&self) -> &QrParams {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> QrParams {
        QrParams::new("https://scn.ly/q/abc")
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let o = params().validate().unwrap();
        assert_eq!(o.ec(), EcLevel::M);
        assert_eq!(o.margin(), 4);
        assert_eq!((o.fg(), o.bg()), (HexColor::BLACK, HexColor::WHITE));
        assert!(!o.transparent_bg());
    }

    #[test]
    fn size_outside_64_to_4096_is_refused_naming_size() {
        for size_px in [0, 63, 4097, 100_000] {
            let err = QrParams {
                size_px,
                ..params()
            }
            .validate()
            .unwrap_err();
            assert!(matches!(err, QrError::SizeOutOfRange { .. }), "{size_px}");
            assert_eq!(err.field(), "size");
        }
        for size_px in [64, 4096] {
            assert!(
                QrParams {
                    size_px,
                    ..params()
                }
                .validate()
                .is_ok()
            );
        }
    }

    #[test]
    fn margin_below_two_modules_is_refused() {
        for margin in [0, 1, 33] {
            let err = QrParams { margin, ..params() }.validate().unwrap_err();
            assert!(matches!(err, QrError::MarginOutOfRange { .. }), "{margin}");
            assert_eq!(err.field(), "margin");
        }
        assert!(
            QrParams {
                margin: 2,
                ..params()
            }
            .validate()
            .is_ok()
        );
    }

    #[test]
    fn low_contrast_pair_is_refused_with_its_ratio() {
        let fg = HexColor::parse("#aaaaaa").unwrap();
        let err = QrParams { fg, ..params() }.validate().unwrap_err();
        let QrError::LowContrast { ratio, .. } = err else {
            panic!("{err:?}")
        };
        assert!(ratio < MIN_CONTRAST);
        assert!(err.to_string().starts_with("fg: #aaaaaa on #ffffff"));
    }

    #[test]
    fn fg_lighter_than_bg_is_refused_even_with_high_contrast() {
        let err = QrParams {
            fg: HexColor::WHITE,
            bg: HexColor::BLACK,
            ..params()
        }
        .validate()
        .unwrap_err();
        assert!(matches!(err, QrError::InvertedColors { .. }));
        assert_eq!(err.field(), "fg");
    }

    #[test]
    fn circle_eyes_are_refused_until_a_decoder_verifies_them() {
        let err = QrParams {
            eye_style: EyeStyle::Circle,
            ..params()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field(), "eye_style");
    }

    #[test]
    fn empty_content_is_refused() {
        let err = QrParams::new("").validate().unwrap_err();
        assert_eq!(err, QrError::EmptyContent);
    }
}
