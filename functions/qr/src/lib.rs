//! Scanly's QR rendering core: validated options, the module matrix, the
//! layout (quiet zone, frame and caption, logo) and four writers — PNG from
//! a raster, SVG/PDF/EPS from one vector scene. Pure and deterministic — no
//! I/O, no HTTP, no S3 — so the API Lambda, the batch ZIP writer and the
//! tests all call the same functions and a cache key derived from the
//! options (`QrOptions::fingerprint`) names exactly one image.
//!
//! ```
//! use scanly_qr::{Format, QrParams, render};
//!
//! let options = QrParams {
//!     caption: Some("Scan me".into()),
//!     ..QrParams::new("https://scn.ly/q/abc?qr")
//! }
//! .validate()
//! .unwrap();
//! let png: Vec<u8> = render(&options, Format::Png).unwrap();
//! let pdf: Vec<u8> = render(&options, Format::Pdf).unwrap();
//! assert!(png.starts_with(b"\x89PNG"));
//! assert!(pdf.starts_with(b"%PDF-"));
//! ```

pub mod caption;
pub mod compose;
pub mod error;
pub mod format;
pub mod layout;
pub mod logo;
pub mod matrix;
pub mod options;
pub mod png_out;
mod quantize;
pub mod raster;
mod shape;
pub mod svg;
pub mod vector;
pub mod zip;

pub use error::QrError;
pub use format::{Format, render};
pub use logo::Logo;
pub use matrix::Matrix;
pub use options::{EcLevel, EyeStyle, ModuleStyle, PrintSize, QrOptions, QrParams};
pub use png_out::render_png;
pub use svg::{render_svg, render_svg_scene};
pub use vector::{PhysicalSize, Rgba8Image, Scene, render_eps, render_pdf};
