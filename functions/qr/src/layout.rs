//! Where everything goes, once, in module units: the code with its quiet
//! zone, the optional frame (a rounded border whose bottom is a caption
//! bar) and the optional logo with the modules it knocks out. PNG and the
//! vector formats draw from the same `Composition`, so every format shows
//! the same picture and the decode tests of one vouch for the geometry of
//! all.
//!
//! Everything except the caption's glyphs sits on whole units, so modules
//! keep crisp edges at any integer pixel scale.

use std::borrow::Cow;

use crate::caption::{Caption, Rect, TextLayout};
use crate::error::QrError;
use crate::logo::Logo;
use crate::matrix::Matrix;
use crate::options::{EyeStyle, QrOptions};

/// Frame border thickness and outer corner radius, in modules.
pub const FRAME_BORDER: u32 = 1;
pub const FRAME_RADIUS: f64 = 2.0;
/// Caption bar height: a fifth of the code, never under 6 modules so short
/// codes still get legible type.
pub const CAPTION_BAR_SHARE: f64 = 0.2;
pub const MIN_CAPTION_BAR: u32 = 6;

/// The largest symbol version drawn with rounded eyes. Rounding the eyes'
/// corners moves where a reader finds them; the reference decoder (`rqrr`,
/// a port of quirc, like many phone readers) reads every rounded-eye code
/// we sampled up to version 7 (45 modules: any short link, URLs up to ~120
/// bytes at M) and misreads a few per hundred from version 8. Larger codes
/// are refused rather than shipped; square eyes have no limit.
pub const MAX_ROUNDED_EYE_VERSION: usize = 7;

/// Modules kept clear between the logo's knocked-out box and the finder
/// patterns' format information (row and column 8 next to each eye): losing
/// format bits makes a code unreadable whatever its error correction.
const FORMAT_KEEP_OUT: usize = 9;
/// The smallest logo box worth drawing, in modules.
const MIN_LOGO_BOX: usize = 5;

#[derive(Debug)]
pub struct Composition {
    /// Canvas size in units.
    pub width: u32,
    pub height: u32,
    /// Where module (0, 0) of the matrix sits.
    pub matrix_origin: (u32, u32),
    /// The code with its quiet zone.
    pub code: Rect,
    pub frame: Option<FrameParts>,
    pub logo: Option<LogoPlacement>,
}

#[derive(Debug)]
pub struct FrameParts {
    /// The whole frame (= the canvas), drawn in fg with `FRAME_RADIUS` corners.
    pub outer: Rect,
    /// The caption bar's text area (inside the fg bar).
    pub caption_area: Rect,
    pub text: TextLayout,
}

#[derive(Debug)]
pub struct LogoPlacement {
    pub logo: Logo,
    /// Knocked-out square, in matrix modules: (first column, first row, side).
    pub knockout: (usize, usize, usize),
    /// Where the logo's pixels go, in canvas units (aspect kept, centred,
    /// padded inside the knocked-out square).
    pub image: Rect,
}

impl LogoPlacement {
    /// Whether module (x, y) is hidden under the logo.
    pub fn hides(&self, x: usize, y: usize) -> bool {
        let (kx, ky, side) = self.knockout;
        (kx..kx + side).contains(&x) && (ky..ky + side).contains(&y)
    }
}

impl Composition {
    pub fn new(matrix: &Matrix, options: &QrOptions) -> Result<Self, QrError> {
        let version = matrix.width.saturating_sub(17) / 4;
        if options.eye_style() == EyeStyle::Rounded && version > MAX_ROUNDED_EYE_VERSION {
            return Err(QrError::EyeStyleTooDense {
                version,
                max: MAX_ROUNDED_EYE_VERSION,
            });
        }
        let margin = options.margin();
        let total = u32::try_from(matrix.width).unwrap_or(u32::MAX) + 2 * margin;
        let (offset, width, height, frame) = match options.caption() {
            None => (0, total, total, None),
            Some(caption) => {
                let bar =
                    MIN_CAPTION_BAR.max((f64::from(total) * CAPTION_BAR_SHARE).round() as u32);
                let width = total + 2 * FRAME_BORDER;
                let height = total + FRAME_BORDER + bar;
                (
                    FRAME_BORDER,
                    width,
                    height,
                    Some(frame_parts(caption, width, height, total + FRAME_BORDER)?),
                )
            }
        };
        let code = Rect {
            x: f64::from(offset),
            y: f64::from(offset),
            w: f64::from(total),
            h: f64::from(total),
        };
        let matrix_origin = (offset + margin, offset + margin);
        let logo = match options.logo() {
            None => None,
            Some(logo) => Some(place_logo(
                matrix,
                logo,
                options.logo_size(),
                matrix_origin,
            )?),
        };
        Ok(Self {
            width,
            height,
            matrix_origin,
            code,
            frame,
            logo,
        })
    }

    /// The modules as drawn: those under the logo cleared, so every
    /// renderer knocks out the same ones (and rounds the edges around them).
    pub fn visible<'m>(&self, matrix: &'m Matrix) -> Cow<'m, Matrix> {
        let Some(logo) = &self.logo else {
            return Cow::Borrowed(matrix);
        };
        let mut visible = matrix.clone();
        for (i, module) in visible.modules.iter_mut().enumerate() {
            if logo.hides(i % matrix.width.max(1), i / matrix.width.max(1)) {
                *module = false;
            }
        }
        Cow::Owned(visible)
    }
}

fn frame_parts(
    caption: &Caption,
    width: u32,
    height: u32,
    bar_top: u32,
) -> Result<FrameParts, QrError> {
    let outer = Rect {
        x: 0.0,
        y: 0.0,
        w: f64::from(width),
        h: f64::from(height),
    };
    let caption_area = Rect {
        x: f64::from(FRAME_BORDER),
        y: f64::from(bar_top),
        w: f64::from(width - 2 * FRAME_BORDER),
        h: f64::from(height - bar_top - FRAME_BORDER),
    };
    let text = TextLayout::new(caption, caption_area)
        .ok_or_else(|| QrError::Encode("the caption font is unreadable".into()))?;
    Ok(FrameParts {
        outer,
        caption_area,
        text,
    })
}

fn place_logo(
    matrix: &Matrix,
    logo: &Logo,
    share: f64,
    origin: (u32, u32),
) -> Result<LogoPlacement, QrError> {
    let w = matrix.width;
    let room = w.saturating_sub(2 * FORMAT_KEEP_OUT);
    let mut side = ((share * w as f64).round() as usize)
        .max(MIN_LOGO_BOX)
        .min(room);
    // Same parity as the matrix so the box is centred on the module grid.
    if side % 2 != w % 2 {
        side = side.saturating_sub(1);
    }
    if side < MIN_LOGO_BOX {
        return Err(QrError::LogoNoRoom { modules: w });
    }
    let start = (w - side) / 2;
    // Half a module of padding on small boxes, a whole one on larger ones.
    let pad = if side >= 9 { 1.0 } else { 0.5 };
    let inner = side as f64 - 2.0 * pad;
    let image = logo.image();
    let (iw, ih) = (
        f64::from(image.width().max(1)),
        f64::from(image.height().max(1)),
    );
    let fit = (inner / iw).min(inner / ih);
    let (dw, dh) = (iw * fit, ih * fit);
    let (bx, by) = (
        f64::from(origin.0) + start as f64,
        f64::from(origin.1) + start as f64,
    );
    Ok(LogoPlacement {
        logo: logo.clone(),
        knockout: (start, start, side),
        image: Rect {
            x: bx + (side as f64 - dw) / 2.0,
            y: by + (side as f64 - dh) / 2.0,
            w: dw,
            h: dh,
        },
    })
}
