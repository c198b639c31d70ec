//! The QR query string → `scanly_qr::QrParams`. Every option is named the
//! same in the single-image, static and batch endpoints; a bad value is a
//! 422 naming its parameter.

use scanly_qr::format::Format;
use scanly_qr::{EcLevel, EyeStyle, ModuleStyle, PrintSize, QrError, QrParams};
use scanly_shared::HexColor;
use serde::Deserialize;

use crate::error::{ApiError, ApiResult};

#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
// Read through `ValidQuery`, which utoipa does not recognise as a query.
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QrQuery {
    /// `png` (default), `svg`, `pdf` or `eps`.
    pub format: Option<String>,
    /// PNG width in pixels, 64–4096 (default 512). Ignored when `mm` is given.
    pub size: Option<u32>,
    /// Physical width in millimetres (10–1000), frame included: the PDF/EPS
    /// page width, and with `dpi` the PNG's pixels.
    pub mm: Option<f64>,
    /// Print resolution for `mm` (72–1200, default 300).
    pub dpi: Option<u32>,
    /// Quiet zone in modules (default 4, at least 2).
    pub margin: Option<u32>,
    /// Hex colours, e.g. `1a1a2e`; the contrast must be at least 3:1.
    pub fg: Option<String>,
    pub bg: Option<String>,
    pub transparent: Option<bool>,
    /// `L`, `M` (default), `Q` or `H`; forced to `H` with a logo.
    pub ec: Option<String>,
    /// Modules: `square`, `rounded` or `dots`.
    pub style: Option<String>,
    /// Finder eyes: `square` or `rounded`.
    pub eyes: Option<String>,
    /// `none` (default) or `banner`: a border with a caption bar under the code.
    pub frame: Option<String>,
    /// The banner's text, 1–30 characters (default "Scan me"); implies `frame=banner`.
    pub caption: Option<String>,
    /// The id of a logo uploaded through `POST /v1/logos`.
    pub logo: Option<String>,
    /// The logo's share of the code's width, 0.1–0.3 (default 0.25).
    pub logo_size: Option<f64>,
}

/// A rendering error as a 422 naming its parameter; the message drops the
/// renderer's own `field: ` prefix since the error body carries the field.
pub fn qr_error(error: &QrError) -> ApiError {
    let message = error.to_string();
    let message = message
        .split_once(": ")
        .map_or(message.as_str(), |(_, m)| m)
        .to_owned();
    ApiError::invalid(error.field(), message)
}

impl QrQuery {
    pub fn format(&self) -> ApiResult<Format> {
        match &self.format {
            None => Ok(Format::Png),
            Some(name) => Format::parse(name)
                .ok_or_else(|| ApiError::invalid("format", "must be png, svg, pdf or eps")),
        }
    }

    /// The options for `content`, without the logo (the caller loads it
    /// from the workspace's storage).
    pub fn params(&self, content: String) -> ApiResult<QrParams> {
        let mut params = QrParams::new(content);
        if let Some(size) = self.size {
            params.size_px = size;
        }
        match (self.mm, self.dpi) {
            (Some(mm), dpi) => {
                params.print = Some(PrintSize {
                    mm,
                    dpi: dpi.unwrap_or(scanly_qr::options::DEFAULT_DPI),
                })
            }
            (None, Some(_)) => {
                return Err(ApiError::invalid("dpi", "needs `mm` (the print width)"));
            }
            (None, None) => {}
        }
        if let Some(margin) = self.margin {
            params.margin = margin;
        }
        if let Some(fg) = &self.fg {
            params.fg = color("fg", fg)?;
        }
        if let Some(bg) = &self.bg {
            params.bg = color("bg", bg)?;
        }
        params.transparent_bg = self.transparent.unwrap_or(false);
        if let Some(ec) = &self.ec {
            params.ec = match ec.to_ascii_uppercase().as_str() {
                "L" => EcLevel::L,
                "M" => EcLevel::M,
                "Q" => EcLevel::Q,
                "H" => EcLevel::H,
                _ => return Err(ApiError::invalid("ec", "must be L, M, Q or H")),
            };
        }
        if let Some(style) = &self.style {
            params.module_style = match style.as_str() {
                "square" => ModuleStyle::Square,
                "rounded" => ModuleStyle::Rounded,
                "dots" => ModuleStyle::Dots,
                _ => {
                    return Err(ApiError::invalid(
                        "style",
                        "must be square, rounded or dots",
                    ));
                }
            };
        }
        if let Some(eyes) = &self.eyes {
            params.eye_style = match eyes.as_str() {
                "square" => EyeStyle::Square,
                "rounded" => EyeStyle::Rounded,
                "circle" => EyeStyle::Circle,
                _ => return Err(ApiError::invalid("eyes", "must be square or rounded")),
            };
        }
        params.frame = match self.frame.as_deref() {
            None | Some("none") => false,
            Some("banner") => true,
            Some(_) => return Err(ApiError::invalid("frame", "must be none or banner")),
        };
        params.caption = self.caption.clone();
        if let Some(share) = self.logo_size {
            if self.logo.is_none() {
                return Err(ApiError::invalid("logo_size", "needs `logo`"));
            }
            params.logo_size = share;
        }
        Ok(params)
    }
}

/// `1a1a2e` or `#1a1a2e` (a `#` in a query string must be escaped, so
/// both are accepted).
fn color(field: &str, value: &str) -> ApiResult<HexColor> {
    let value = value.trim();
    let hex = if value.starts_with('#') {
        value.to_owned()
    } else {
        format!("#{value}")
    };
    HexColor::parse(&hex).map_err(|e| ApiError::invalid(field, e.to_string()))
}
