//! The one error type of rendering. Every variant names the request field it
//! is about (`field()`), so the API can answer a 400 that points at the
//! parameter to fix instead of a generic "invalid QR options".

use scanly_shared::HexColor;

use crate::options::{EcLevel, EyeStyle};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QrError {
    #[error("content: must not be empty")]
    EmptyContent,
    #[error(
        "content: {len} bytes do not fit in a QR code at error correction {ec}; shorten it or lower `ec`"
    )]
    ContentTooLong { len: usize, ec: EcLevel },
    #[error("size: {size_px} px is outside {min}–{max} px")]
    SizeOutOfRange { size_px: u32, min: u32, max: u32 },
    #[error(
        "size: {size_px} px is too small for this code ({modules} modules with the margin); use at least {modules} px"
    )]
    SizeTooSmallForContent { size_px: u32, modules: u32 },
    #[error(
        "margin: {margin} modules is outside {min}–{max}; scanners need a quiet zone around the code"
    )]
    MarginOutOfRange { margin: u32, min: u32, max: u32 },
    #[error(
        "fg: {fg} on {bg} has contrast {ratio:.2}:1, below the {min}:1 scanners need; pick a darker fg or a lighter bg"
    )]
    LowContrast {
        fg: HexColor,
        bg: HexColor,
        ratio: f64,
        min: f64,
    },
    #[error(
        "fg: {fg} is lighter than bg {bg}; inverted (light-on-dark) codes do not scan on many readers, so swap them"
    )]
    InvertedColors { fg: HexColor, bg: HexColor },
    #[error(
        "eye_style: {eye_style:?} eyes are not read back by our reference decoder, so they are refused until verified; use square or rounded"
    )]
    UnverifiedEyeStyle { eye_style: EyeStyle },
    #[error("caption: {chars} characters; a caption has 1–{max}")]
    CaptionLength { chars: usize, max: usize },
    #[error(
        "caption: {character:?} cannot be printed in the caption font; use Latin, Greek or Cyrillic text"
    )]
    CaptionCharacter { character: char },
    #[error("logo: the file is {bytes} bytes; logos are at most {max} bytes")]
    LogoTooLarge { bytes: usize, max: usize },
    #[error("logo: the file is not a PNG, JPEG or SVG image")]
    LogoNotAnImage,
    #[error("logo: the image could not be read: {0}")]
    LogoUndecodable(String),
    #[error("logo: the image is larger than {max}×{max} pixels")]
    LogoTooManyPixels { max: u32 },
    #[error(
        "logo: a {modules}-module code has no room for a logo that keeps it scannable; encode more content or drop the logo"
    )]
    LogoNoRoom { modules: usize },
    #[error("logo_size: {size} is outside {min}–{max} (the logo's share of the code's width)")]
    LogoSizeOutOfRange { size: f64, min: f64, max: f64 },
    #[error("mm: {mm} mm is outside {min}–{max} mm")]
    PrintWidthOutOfRange { mm: f64, min: f64, max: f64 },
    #[error("dpi: {dpi} is outside {min}–{max}")]
    DpiOutOfRange { dpi: u32, min: u32, max: u32 },
    #[error(
        "dpi: {mm} mm at {dpi} dpi is {px} px, outside {min}–{max} px; lower the dpi or the size"
    )]
    PrintPixelsOutOfRange {
        mm: f64,
        dpi: u32,
        px: u64,
        min: u32,
        max: u32,
    },
    #[error(
        "eye_style: rounded eyes are verified up to QR version {max}; this content needs version {version}, so use square eyes or shorter content"
    )]
    EyeStyleTooDense { version: usize, max: usize },
    #[error("format: the PNG encoder failed: {0}")]
    Encode(String),
}

impl QrError {
    /// The request parameter the error is about, for the API's error body.
    pub fn field(&self) -> &'static str {
        match self {
            Self::EmptyContent | Self::ContentTooLong { .. } => "content",
            Self::SizeOutOfRange { .. } | Self::SizeTooSmallForContent { .. } => "size",
            Self::MarginOutOfRange { .. } => "margin",
            Self::LowContrast { .. } | Self::InvertedColors { .. } => "fg",
            Self::UnverifiedEyeStyle { .. } | Self::EyeStyleTooDense { .. } => "eye_style",
            Self::CaptionLength { .. } | Self::CaptionCharacter { .. } => "caption",
            Self::LogoTooLarge { .. }
            | Self::LogoNotAnImage
            | Self::LogoUndecodable(_)
            | Self::LogoTooManyPixels { .. }
            | Self::LogoNoRoom { .. } => "logo",
            Self::LogoSizeOutOfRange { .. } => "logo_size",
            Self::PrintWidthOutOfRange { .. } => "mm",
            Self::DpiOutOfRange { .. } | Self::PrintPixelsOutOfRange { .. } => "dpi",
            Self::Encode(_) => "format",
        }
    }
}
