//! Decoding rendered images back to their content, the way a reader would:
//! composite over the background, convert to grey, let `rqrr` find and read
//! the code.
#![allow(dead_code, clippy::unwrap_used, clippy::indexing_slicing)]

use scanly_qr::{Matrix, QrOptions, QrParams, render_png, render_svg};

/// Luminance (0–255) of an RGBA pixel composited over `ground`.
fn grey_over(px: [u8; 4], ground: [u8; 3]) -> u8 {
    let a = f64::from(px[3]) / 255.0;
    let c = |i: usize| f64::from(px[i]) * a + f64::from(ground[i]) * (1.0 - a);
    (0.299 * c(0) + 0.587 * c(1) + 0.114 * c(2)).round() as u8
}

/// All codes `rqrr` finds in an RGBA image, as raw bytes.
pub fn decode_rgba(width: u32, height: u32, rgba: &[u8], ground: [u8; 3]) -> Vec<Vec<u8>> {
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width as usize, height as usize, |x, y| {
            let i = (y * width as usize + x) * 4;
            grey_over([rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]], ground)
        });
    img.detect_grids()
        .into_iter()
        .filter_map(|grid| {
            let mut out = Vec::new();
            grid.decode_to(&mut out).ok().map(|_| out)
        })
        .collect()
}

pub fn decode_png(png: &[u8], ground: [u8; 3]) -> Vec<Vec<u8>> {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .unwrap()
        .to_rgba8();
    decode_rgba(img.width(), img.height(), img.as_raw(), ground)
}

/// Rasterises an SVG with resvg at its own width/height, then decodes it.
pub fn decode_svg(svg: &str, ground: [u8; 3]) -> Vec<Vec<u8>> {
    let img = rasterize_svg(svg);
    decode_rgba(img.width(), img.height(), img.as_raw(), ground)
}

pub fn ground(options: &QrOptions) -> [u8; 3] {
    let bg = options.bg();
    [bg.r, bg.g, bg.b]
}

/// Renders a PNG and asserts it decodes to exactly the input.
pub fn assert_png_round_trips(params: QrParams) {
    let options = params.clone().validate().unwrap();
    let matrix = Matrix::encode(&options).unwrap();
    let png = render_png(&matrix, &options).unwrap();
    let found = decode_png(&png, ground(&options));
    assert_eq!(
        found,
        vec![params.content.clone()],
        "PNG did not decode: {params:?}"
    );
}

/// Renders an SVG, rasterises it and asserts it decodes to exactly the input.
pub fn assert_svg_round_trips(params: QrParams) {
    let options = params.clone().validate().unwrap();
    let matrix = Matrix::encode(&options).unwrap();
    let svg = render_svg(&matrix, &options).unwrap();
    let found = decode_svg(&svg, ground(&options));
    assert_eq!(
        found,
        vec![params.content.clone()],
        "SVG did not decode: {params:?}"
    );
}

/// Runs an external rasteriser with `input` on stdin and returns its stdout
/// and stderr. A missing program fails the test naming the Debian package
/// that provides it (`.ci/run` installs them).
#[allow(clippy::panic)]
pub fn run_tool(program: &str, args: &[&str], input: &[u8], package: &str) -> (Vec<u8>, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = match Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{program}` is not installed: install the `{package}` package \
             (apt-get install {package}; .ci/run does this) to run the vector decode tests"
        ),
        Err(e) => panic!("cannot run {program}: {e}"),
    };
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written from a thread so a large output cannot deadlock the pipes.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?} failed ({}): {stderr}",
        out.status
    );
    (out.stdout, stderr)
}

/// Rasterises a one-page PDF with poppler's `pdftoppm` at `dpi` on white
/// paper, anti-aliased like a viewer or not like a print RIP, returning
/// the RGBA image and pdftoppm's warnings.
pub fn rasterize_pdf(pdf: &[u8], dpi: u32, antialias: bool) -> (image::RgbaImage, String) {
    let dpi = dpi.to_string();
    let aa = if antialias { "yes" } else { "no" };
    let (png, stderr) = run_tool(
        "pdftoppm",
        &[
            "-r",
            &dpi,
            "-aa",
            aa,
            "-aaVector",
            aa,
            "-png",
            "-singlefile",
            "-",
        ],
        pdf,
        "poppler-utils",
    );
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .unwrap()
        .to_rgba8();
    (img, stderr)
}

/// Rasterises an EPS with Ghostscript at `dpi`, cropped to its
/// BoundingBox, on white. Anything Ghostscript prints (a PostScript error,
/// a DSC warning) fails the test.
pub fn rasterize_eps(eps: &str, dpi: u32) -> image::RgbaImage {
    let res = format!("-r{dpi}");
    let (png, stderr) = run_tool(
        "gs",
        &[
            "-q",
            "-dSAFER",
            "-dBATCH",
            "-dNOPAUSE",
            "-dEPSCrop",
            "-sDEVICE=png16m",
            &res,
            "-sOutputFile=-",
            "-",
        ],
        eps.as_bytes(),
        "ghostscript",
    );
    assert!(stderr.is_empty(), "Ghostscript complained: {stderr}");
    image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .unwrap()
        .to_rgba8()
}

/// Rasterises an SVG with resvg at its own width/height (RGBA, straight
/// alpha).
pub fn rasterize_svg(svg: &str) -> image::RgbaImage {
    use resvg::{tiny_skia, usvg};
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let rgba: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    image::RgbaImage::from_raw(size.width(), size.height(), rgba).unwrap()
}

/// All codes `rqrr` finds in an RGBA image (composited over white).
pub fn decode_image(img: &image::RgbaImage) -> Vec<Vec<u8>> {
    decode_rgba(img.width(), img.height(), img.as_raw(), [255, 255, 255])
}
