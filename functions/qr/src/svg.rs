//! SVG output: the `Scene` (see `vector`) serialised into a single `<svg>`
//! whose viewBox is measured in modules, so the file stays small (a few
//! KiB for a short URL) and scales to any print size. The code is one
//! `<path>` (even-odd fill) holding every dark shape; shapes never overlap,
//! so even-odd only matters for the holes of the eyes' rings.
//!
//! Path data uses relative commands on coordinates quantised to
//! thousandths of a module, so the printed deltas add up exactly. Output is
//! deterministic: at most three decimals and shapes in row-major order.

use base64::Engine as _;

use crate::error::QrError;
use crate::matrix::Matrix;
use crate::options::QrOptions;
use crate::vector::num::{Sink, into_string, milli, put_milli, put_num};
use crate::vector::{Item, Path, Rgba8Image, Scene, Segment};

/// The code as SVG, `size_px` wide and high (the API's format).
pub fn render_svg(matrix: &Matrix, options: &QrOptions) -> Result<String, QrError> {
    Ok(render_svg_scene(
        &crate::compose::scene(matrix, options)?,
        options.size_px(),
    ))
}

/// Any scene as SVG: `width_px` wide, the height following the scene's
/// aspect ratio, the viewBox in scene units. `shape-rendering="crispEdges"`
/// is set only when every fill has straight horizontal and vertical edges
/// (square modules and eyes), where it avoids anti-aliasing seams.
pub fn render_svg_scene(scene: &Scene, width_px: u32) -> String {
    let segments = scene.segment_count();
    let mut svg: Vec<u8> = Vec::with_capacity(segments * 14 + 320);
    let has_image = scene
        .items
        .iter()
        .any(|item| matches!(item, Item::Image { .. }));
    svg.put(r#"<svg xmlns="http://www.w3.org/2000/svg""#);
    if has_image {
        svg.put(r#" xmlns:xlink="http://www.w3.org/1999/xlink""#);
    }
    let height_px = if scene.width > 0.0 && scene.height > 0.0 {
        (f64::from(width_px) * scene.height / scene.width)
            .round()
            .clamp(1.0, f64::from(u32::MAX))
    } else {
        f64::from(width_px)
    };
    svg.put(r#" width=""#);
    put_num(&mut svg, f64::from(width_px));
    svg.put(r#"" height=""#);
    put_num(&mut svg, height_px);
    svg.put(r#"" viewBox="0 0 "#);
    put_num(&mut svg, scene.width);
    svg.put_byte(b' ');
    put_num(&mut svg, scene.height);
    svg.put_byte(b'"');
    if scene.is_axis_aligned() {
        svg.put(r#" shape-rendering="crispEdges""#);
    }
    svg.put_byte(b'>');
    if let Some(bg) = scene.background {
        svg.put(r#"<rect width=""#);
        put_num(&mut svg, scene.width);
        svg.put(r#"" height=""#);
        put_num(&mut svg, scene.height);
        svg.put(r#"" fill=""#);
        put_hex(&mut svg, bg);
        svg.put(r#""/>"#);
    }
    for item in &scene.items {
        match item {
            Item::Fill {
                path,
                color,
                even_odd,
            } => {
                if path.is_empty() {
                    continue;
                }
                svg.put(r#"<path fill=""#);
                put_hex(&mut svg, *color);
                if *even_odd {
                    svg.put(r#"" fill-rule="evenodd"#);
                }
                svg.put(r#"" d=""#);
                path_data(&mut svg, path);
                svg.put(r#""/>"#);
            }
            Item::Image { x, y, w, h, image } => {
                let Some(png) = encode_png(image) else {
                    continue;
                };
                svg.put(r#"<image x=""#);
                put_num(&mut svg, *x);
                svg.put(r#"" y=""#);
                put_num(&mut svg, *y);
                svg.put(r#"" width=""#);
                put_num(&mut svg, *w);
                svg.put(r#"" height=""#);
                put_num(&mut svg, *h);
                // Stretched like PDF and EPS images, not letterboxed.
                svg.put(r#"" preserveAspectRatio="none" xlink:href="data:image/png;base64,"#);
                svg.put(&base64::engine::general_purpose::STANDARD.encode(&png));
                svg.put(r#""/>"#);
            }
        }
    }
    svg.put("</svg>");
    into_string(svg)
}

/// `#rrggbb`, lower case.
pub(crate) fn put_hex(out: &mut Vec<u8>, c: scanly_shared::HexColor) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.put_byte(b'#');
    for v in [c.r, c.g, c.b] {
        out.put_byte(HEX.get(usize::from(v >> 4)).copied().unwrap_or(b'0'));
        out.put_byte(HEX.get(usize::from(v & 15)).copied().unwrap_or(b'0'));
    }
}

/// SVG path data: absolute `M` per subpath, then relative `h`/`v`/`l`/`c`
/// and `z`, on coordinates quantised to thousandths.
fn path_data(d: &mut Vec<u8>, path: &Path) {
    let q = |p: crate::vector::Point| (milli(p.x), milli(p.y));
    let (mut at, mut start) = ((0i64, 0i64), (0i64, 0i64));
    for seg in path.segments() {
        match *seg {
            Segment::MoveTo(p) => {
                at = q(p);
                start = at;
                d.push(b'M');
                put_milli(d, at.0);
                separated(d, at.1);
            }
            Segment::LineTo(p) => {
                let to = q(p);
                let (dx, dy) = (to.0 - at.0, to.1 - at.1);
                match (dx, dy) {
                    (0, 0) => {}
                    (_, 0) => {
                        d.push(b'h');
                        put_milli(d, dx);
                    }
                    (0, _) => {
                        d.push(b'v');
                        put_milli(d, dy);
                    }
                    _ => {
                        d.push(b'l');
                        put_milli(d, dx);
                        separated(d, dy);
                    }
                }
                at = to;
            }
            Segment::CubicTo(c1, c2, p) => {
                let (c1, c2, to) = (q(c1), q(c2), q(p));
                d.push(b'c');
                put_milli(d, c1.0 - at.0);
                for v in [
                    c1.1 - at.1,
                    c2.0 - at.0,
                    c2.1 - at.1,
                    to.0 - at.0,
                    to.1 - at.1,
                ] {
                    separated(d, v);
                }
                at = to;
            }
            Segment::Close => {
                d.push(b'z');
                at = start;
            }
        }
    }
}

/// A number after another: a space, unless its minus sign separates it.
fn separated(d: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        d.push(b' ');
    }
    put_milli(d, n);
}

/// The image as an RGBA PNG, for a data: URL. `None` only if the encoder
/// fails, which a validated `Rgba8Image` does not make it do.
pub(crate) fn encode_png(image: &Rgba8Image) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(image.data().len() / 2 + 64);
    let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    // Fast, like every PNG we write: the embedded logo is small, and the
    // balanced level's adaptive filtering cost more than the whole code.
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(image.data()).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use scanly_shared::HexColor;

    use super::*;
    use crate::options::{EyeStyle, ModuleStyle, QrParams};

    fn svg_for(params: QrParams) -> String {
        let o = params.validate().unwrap();
        render_svg(&Matrix::encode(&o).unwrap(), &o).unwrap()
    }

    #[test]
    fn square_style_is_one_path_of_runs_with_a_background_rect() {
        let o = QrParams::new("https://scn.ly/q/abc").validate().unwrap();
        let m = Matrix::encode(&o).unwrap();
        let svg = render_svg(&m, &o).unwrap();
        assert_eq!(svg.matches("<path").count(), 1);
        assert!(svg.contains(r#"viewBox="0 0 33 33""#));
        assert!(svg.contains(r#"width="512" height="512""#));
        assert!(svg.contains(r#"shape-rendering="crispEdges""#));
        assert!(svg.contains(r##"<rect width="33" height="33" fill="#ffffff"/>"##));
        assert!(svg.contains(r##"<path fill="#000000" fill-rule="evenodd" d="M"##));
        // Runs are written as before: move, h, v, h back, close; the
        // top-left eye is three nested squares.
        assert!(
            svg.contains("M4 4h7v7h-7zM5 5h5v5h-5zM6 6h3v3h-3z"),
            "{svg}"
        );
        assert_eq!(svg, render_svg(&m, &o).unwrap(), "deterministic");
    }

    #[test]
    fn curved_styles_are_not_crisp() {
        for (module_style, eye_style) in [
            (ModuleStyle::Rounded, EyeStyle::Square),
            (ModuleStyle::Dots, EyeStyle::Square),
            (ModuleStyle::Square, EyeStyle::Rounded),
        ] {
            let svg = svg_for(QrParams {
                module_style,
                eye_style,
                ..QrParams::new("https://scn.ly/q/abc")
            });
            assert!(
                !svg.contains("crispEdges"),
                "{module_style:?}/{eye_style:?}"
            );
            assert!(svg.contains('c'), "curves as cubics");
        }
    }

    #[test]
    fn dots_are_four_quarter_cubics() {
        let svg = svg_for(QrParams {
            module_style: ModuleStyle::Dots,
            ..QrParams::new("https://scn.ly/q/abc")
        });
        // A dot of radius 0.45: start at its leftmost point, first quarter
        // up to its top, kappa × 0.45 = 0.249.
        assert!(
            svg.contains("c0-0.249 0.201-0.45 0.45-0.45c0.249 0 0.45 0.201 0.45 0.45"),
            "{svg}"
        );
    }

    #[test]
    fn transparent_background_has_no_rect() {
        let svg = svg_for(QrParams {
            transparent_bg: true,
            ..QrParams::new("x")
        });
        assert!(!svg.contains("<rect"));
    }

    #[test]
    fn tall_scenes_images_and_nonzero_fills() {
        let mut scene = Scene::new(10.0, 12.5, Some(HexColor::WHITE));
        let mut p = Path::new();
        p.move_to(0.5, 0.25).line_to(2.0, 1.0).close();
        scene.push_fill_nonzero(p, HexColor::rgb(0x1a, 0x73, 0xe8));
        let img = Rgba8Image::new(1, 1, vec![255, 0, 0, 128]).unwrap();
        scene.push_image(4.0, 4.0, 2.0, 2.0, Arc::new(img));
        let svg = render_svg_scene(&scene, 400);
        assert!(
            svg.contains(r#"width="400" height="500" viewBox="0 0 10 12.5""#),
            "{svg}"
        );
        assert!(
            svg.contains(r##"<path fill="#1a73e8" d="M0.5 0.25l1.5 0.75z"/>"##),
            "{svg}"
        );
        assert!(svg.contains(r#"<image x="4" y="4" width="2" height="2" preserveAspectRatio="none" xlink:href="data:image/png;base64,iVBORw0KGgo"#));
        assert!(svg.contains(r#"xmlns:xlink="http://www.w3.org/1999/xlink""#));
        assert!(!svg.contains("crispEdges") || scene.is_axis_aligned());
    }

    #[test]
    fn relative_commands_do_not_drift() {
        let mut p = Path::new();
        p.move_to(0.0, 0.0);
        for i in 1..=3000 {
            p.line_to(f64::from(i) * 0.3333, f64::from(i % 2) * 0.0001);
        }
        let mut d = Vec::new();
        path_data(&mut d, &p);
        let d = String::from_utf8(d).unwrap();
        // Sum of the printed h deltas is the quantised end point.
        let total: f64 = d
            .split('h')
            .skip(1)
            .map(|s| {
                s.trim_end_matches(|c: char| !c.is_ascii_digit())
                    .parse::<f64>()
                    .unwrap()
            })
            .sum();
        assert!((total - 999.9).abs() < 1e-6, "{total}");
    }
}
