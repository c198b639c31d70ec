//! The Rust side of `tests/bench/qr.sh`: single-thread renders per second on
//! the same URLs (`tests/bench/qr/urls.txt`), EC M, quiet zone 4, 512 px,
//! for our renderer (plain and styled) and two other Rust encoders:
//!
//! - `scanly`, `scanly-styled`: `QrParams` → `validate` → `Matrix::encode` →
//!   `render_png` / `render_svg`, the path the API takes per request;
//! - `qrcode-rs`: the `qrcode` crate's stock renderers, `image::Luma<u8>`
//!   with `min_dimensions(512, 512)` (whole pixels per module, so 512 px or
//!   a little more) then `image`'s PNG writer, and `svg::Color`;
//! - `fast_qr`: its `SvgBuilder` and its `ImageBuilder` (the same SVG
//!   rasterised by resvg, `fit_width(512)`, tiny-skia's PNG writer).
//!
//! Every render starts from the URL string (encoding included). For each
//! implementation and format: one render of every URL is written to
//! `<out>/<impl>/<NN>.<png|svg>` (NN = line number in the URL file, for
//! `decode_dir` to check), then whole passes over all URLs run for the
//! warm-up, then whole passes for at least the measured time. Prints one
//! line per measurement on stdout:
//!
//! ```text
//! RESULT <impl> <png|svg> <renders_per_s> <renders> <seconds>
//! ```
//!
//! ```text
//! cargo run -q --release -p scanly-qr --example compare -- \
//!     --urls tests/bench/qr/urls.txt --out target/bench/qr/out [--seconds 3] [--warmup 1] [--only scanly,fast_qr]
//! ```
#![allow(clippy::print_stdout)]

use std::error::Error;
use std::hint::black_box;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use scanly_qr::{EcLevel, EyeStyle, Matrix, ModuleStyle, QrParams, render_png, render_svg};

type Res<T> = Result<T, Box<dyn Error>>;

/// What every implementation is asked for.
const SIZE_PX: u32 = 512;
const QUIET_ZONE: u32 = 4;

/// Ours, plain: the documented defaults, spelled out.
fn plain_params(url: &str) -> QrParams {
    let mut p = QrParams::new(url);
    p.ec = EcLevel::M;
    p.margin = QUIET_ZONE;
    p.size_px = SIZE_PX;
    p
}

/// Ours, styled: what a designed code costs.
///
/// The print studio's full look: a logo (decoded once, as the API decodes
/// an upload once per request), rounded modules and a framed caption. Eyes
/// stay square: with a logo the code is at EC H, and the 200-character
/// URLs are then beyond the versions rounded eyes are verified for.
fn styled_params(url: &str) -> QrParams {
    static LOGO: std::sync::OnceLock<Option<scanly_qr::Logo>> = std::sync::OnceLock::new();
    let logo = LOGO.get_or_init(|| {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><circle cx="32" cy="32" r="28" fill="#0a7"/><path d="M18 34l10 10 18-22" stroke="#fff" stroke-width="6" fill="none"/></svg>"##;
        scanly_qr::Logo::decode(svg.as_bytes()).ok()
    });
    let mut p = plain_params(url);
    p.module_style = ModuleStyle::Rounded;
    p.eye_style = EyeStyle::Square;
    p.logo = logo.clone();
    p.caption = Some("Scan me".into());
    p
}

fn ours_png(params: QrParams) -> Res<Vec<u8>> {
    let options = params.validate()?;
    let matrix = Matrix::encode(&options)?;
    Ok(render_png(&matrix, &options)?)
}

fn ours_svg(params: QrParams) -> Res<Vec<u8>> {
    let options = params.validate()?;
    let matrix = Matrix::encode(&options)?;
    Ok(render_svg(&matrix, &options)?.into_bytes())
}

fn qrcode_rs_code(url: &str) -> Res<qrcode::QrCode> {
    Ok(qrcode::QrCode::with_error_correction_level(
        url,
        qrcode::EcLevel::M,
    )?)
}

fn qrcode_rs_png(url: &str) -> Res<Vec<u8>> {
    let img = qrcode_rs_code(url)?
        .render::<image::Luma<u8>>()
        .quiet_zone(true)
        .min_dimensions(SIZE_PX, SIZE_PX)
        .build();
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)?;
    Ok(out.into_inner())
}

fn qrcode_rs_svg(url: &str) -> Res<Vec<u8>> {
    let svg = qrcode_rs_code(url)?
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(SIZE_PX, SIZE_PX)
        .build();
    Ok(svg.into_bytes())
}

fn fast_qr_code(url: &str) -> Res<fast_qr::QRCode> {
    Ok(fast_qr::QRBuilder::new(url).ecl(fast_qr::ECL::M).build()?)
}

fn fast_qr_png(url: &str) -> Res<Vec<u8>> {
    use fast_qr::convert::Builder;
    let code = fast_qr_code(url)?;
    Ok(fast_qr::convert::image::ImageBuilder::default()
        .margin(QUIET_ZONE as usize)
        .fit_width(SIZE_PX)
        .to_bytes(&code)?)
}

fn fast_qr_svg(url: &str) -> Res<Vec<u8>> {
    use fast_qr::convert::Builder;
    let code = fast_qr_code(url)?;
    Ok(fast_qr::convert::svg::SvgBuilder::default()
        .margin(QUIET_ZONE as usize)
        .to_str(&code)
        .into_bytes())
}

struct Case {
    implementation: &'static str,
    format: &'static str,
    render: fn(&str) -> Res<Vec<u8>>,
}

const CASES: &[Case] = &[
    Case {
        implementation: "scanly",
        format: "png",
        render: |u| ours_png(plain_params(u)),
    },
    Case {
        implementation: "scanly",
        format: "svg",
        render: |u| ours_svg(plain_params(u)),
    },
    Case {
        implementation: "scanly-styled",
        format: "png",
        render: |u| ours_png(styled_params(u)),
    },
    Case {
        implementation: "scanly-styled",
        format: "svg",
        render: |u| ours_svg(styled_params(u)),
    },
    Case {
        implementation: "qrcode-rs",
        format: "png",
        render: qrcode_rs_png,
    },
    Case {
        implementation: "qrcode-rs",
        format: "svg",
        render: qrcode_rs_svg,
    },
    Case {
        implementation: "fast_qr",
        format: "png",
        render: fast_qr_png,
    },
    Case {
        implementation: "fast_qr",
        format: "svg",
        render: fast_qr_svg,
    },
];

struct Args {
    urls: PathBuf,
    out: PathBuf,
    seconds: f64,
    warmup: f64,
    only: Option<Vec<String>>,
}

fn parse_args() -> Res<Args> {
    let mut urls = None;
    let mut out = None;
    let mut seconds = 3.0;
    let mut warmup = 1.0;
    let mut only = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--urls" => urls = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seconds" => seconds = value()?.parse()?,
            "--warmup" => warmup = value()?.parse()?,
            "--only" => only = Some(value()?.split(',').map(str::to_owned).collect()),
            _ => return Err(format!("unknown argument {flag}").into()),
        }
    }
    Ok(Args {
        urls: urls.ok_or("--urls FILE is required")?,
        out: out.ok_or("--out DIR is required")?,
        seconds,
        warmup,
        only,
    })
}

/// The non-empty lines of the URL file.
fn read_urls(path: &Path) -> Res<Vec<String>> {
    let text = std::fs::read_to_string(path)?;
    let urls: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if urls.is_empty() {
        return Err(format!("no URLs in {}", path.display()).into());
    }
    Ok(urls)
}

/// Whole passes over `urls` until at least `time` has passed: (renders, s).
fn passes(case: &Case, urls: &[String], time: Duration) -> Res<(u64, f64)> {
    let start = Instant::now();
    let mut renders = 0u64;
    loop {
        for url in urls {
            black_box((case.render)(black_box(url))?);
            renders += 1;
        }
        let elapsed = start.elapsed();
        if elapsed >= time {
            return Ok((renders, elapsed.as_secs_f64()));
        }
    }
}

fn run(args: &Args) -> Res<()> {
    let urls = read_urls(&args.urls)?;
    for case in CASES {
        if let Some(only) = &args.only
            && !only.iter().any(|o| o == case.implementation)
        {
            continue;
        }
        let dir = args.out.join(case.implementation);
        std::fs::create_dir_all(&dir)?;
        for (i, url) in urls.iter().enumerate() {
            let bytes = (case.render)(url)
                .map_err(|e| format!("{} {} of {url}: {e}", case.implementation, case.format))?;
            std::fs::write(dir.join(format!("{:02}.{}", i + 1, case.format)), bytes)?;
        }
        passes(case, &urls, Duration::from_secs_f64(args.warmup))?;
        let (renders, secs) = passes(case, &urls, Duration::from_secs_f64(args.seconds))?;
        let rate = renders as f64 / secs;
        eprintln!(
            "bench/qr: {:<14} {}  {rate:>9.1} renders/s",
            case.implementation, case.format
        );
        println!(
            "RESULT {} {} {rate:.1} {renders} {secs:.3}",
            case.implementation, case.format
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|args| run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compare: {e}");
            ExitCode::FAILURE
        }
    }
}
