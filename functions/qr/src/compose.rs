//! The whole picture as a vector `Scene` — frame, caption outlines, code,
//! logo — from the same `Composition` the PNG rasteriser draws, for the
//! SVG, PDF and EPS writers.

use crate::caption::Segment;
use crate::error::QrError;
use crate::layout::{Composition, FRAME_RADIUS};
use crate::matrix::Matrix;
use crate::options::QrOptions;
use crate::vector::{Path, Scene};

pub fn scene(matrix: &Matrix, options: &QrOptions) -> Result<Scene, QrError> {
    let composition = Composition::new(matrix, options)?;
    let background = (!options.transparent_bg()).then(|| options.bg());
    let mut scene = Scene::new(
        f64::from(composition.width),
        f64::from(composition.height),
        background,
    );
    if let Some(frame) = &composition.frame {
        // The border and caption bar as one ring: the code's window is a
        // hole (even-odd), so a transparent background stays transparent.
        let (outer, code) = (frame.outer, composition.code);
        let mut ring = Path::new();
        ring.round_rect(outer.x, outer.y, outer.w, outer.h, FRAME_RADIUS);
        ring.rect(code.x, code.y, code.w, code.h);
        scene.push_fill(ring, options.fg());
        // Glyphs in the background colour on the bar, nonzero winding as
        // the font's contours expect.
        let mut text = Path::new();
        frame.text.outlines(|segment| {
            match segment {
                Segment::Start((x, y)) => text.move_to(x, y),
                Segment::Line((x, y)) => text.line_to(x, y),
                Segment::Quad((cx, cy), (x, y)) => text.quad_to(cx, cy, x, y),
                Segment::Cubic((ax, ay), (bx, by), (x, y)) => text.cubic_to(ax, ay, bx, by, x, y),
                Segment::Close => text.close(),
            };
        });
        scene.push_fill_nonzero(text, options.bg());
    }
    let mut code = Scene::code(&composition.visible(matrix), options);
    code.translate(composition.code.x, composition.code.y);
    scene.items.extend(code.items);
    if let Some(logo) = &composition.logo {
        // Embedded at twice the pixels it covers at the output's width
        // (`size_px`, from mm × dpi for print), so it stays sharp when
        // zoomed or printed without carrying a full-size upload every time.
        let r = logo.image;
        let px_per_unit = 2.0 * f64::from(options.size_px()) / f64::from(composition.width);
        let (w, h) = (
            (r.w * px_per_unit).ceil() as u32,
            (r.h * px_per_unit).ceil() as u32,
        );
        let image = logo.logo.at_least(w, h);
        let image = if image.width() > w && image.height() > h {
            logo.logo.fitted(w, h).unwrap_or(image)
        } else {
            image
        };
        scene.push_image(r.x, r.y, r.w, r.h, image);
    }
    Ok(scene)
}
