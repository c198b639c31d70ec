//! Output formats and the one entry point that renders any of them, so the
//! API's single image, its batch ZIP and the benches share one path.

use crate::compose::scene;
use crate::error::QrError;
use crate::matrix::Matrix;
use crate::options::QrOptions;
use crate::vector::{self, PhysicalSize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    #[default]
    Png,
    Svg,
    /// Vector, for print: the page is the output's physical width.
    Pdf,
    /// Encapsulated PostScript, for older print workflows.
    Eps,
}

impl Format {
    pub const ALL: [Self; 4] = [Self::Png, Self::Svg, Self::Pdf, Self::Eps];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(name.trim()))
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
            Self::Pdf => "pdf",
            Self::Eps => "eps",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Svg => "image/svg+xml",
            Self::Pdf => "application/pdf",
            Self::Eps => "application/postscript",
        }
    }
}

/// Encodes the options' content and renders it in `format`.
pub fn render(options: &QrOptions, format: Format) -> Result<Vec<u8>, QrError> {
    let matrix = Matrix::encode(options)?;
    render_matrix(&matrix, options, format)
}

/// Renders an already encoded matrix.
pub fn render_matrix(
    matrix: &Matrix,
    options: &QrOptions,
    format: Format,
) -> Result<Vec<u8>, QrError> {
    let width = PhysicalSize::pt(options.width_pt());
    match format {
        Format::Png => crate::png_out::render_png(matrix, options),
        Format::Svg => crate::svg::render_svg(matrix, options).map(String::into_bytes),
        Format::Pdf => Ok(vector::render_pdf(&scene(matrix, options)?, width)),
        Format::Eps => Ok(vector::render_eps(&scene(matrix, options)?, width).into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_case_insensitively_and_unknown_ones_do_not() {
        assert_eq!(Format::parse("PDF"), Some(Format::Pdf));
        assert_eq!(Format::parse(" svg "), Some(Format::Svg));
        assert_eq!(Format::parse("gif"), None);
        assert_eq!(Format::parse(""), None);
        for f in Format::ALL {
            assert_eq!(Format::parse(f.extension()), Some(f));
        }
    }
}
