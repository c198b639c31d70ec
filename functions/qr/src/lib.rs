//! Scanly's QR rendering core: validated options, the module matrix and two
//! renderers (PNG, SVG). Pure and deterministic — no I/O, no HTTP, no S3 —
//! so the API Lambda, the batch ZIP writer and the tests all call the same
//! functions and a cache key derived from the options names exactly one image.
//!
//! ```
//! use scanly_qr::{QrParams, Matrix, render_png, render_svg};
//!
//! let options = QrParams::new("https://scn.ly/q/abc").validate().unwrap();
//! let matrix = Matrix::encode(&options).unwrap();
//! let png: Vec<u8> = render_png(&matrix, &options).unwrap();
//! let svg: String = render_svg(&matrix, &options);
//! assert!(png.starts_with(b"\x89PNG"));
//! assert!(svg.starts_with("<svg"));
//! ```

pub mod error;
pub mod matrix;
pub mod options;
pub mod raster;
mod shape;
pub mod svg;

pub use error::QrError;
pub use matrix::Matrix;
pub use options::{EcLevel, EyeStyle, ModuleStyle, QrOptions, QrParams};
pub use raster::render_png;
pub use svg::render_svg;
