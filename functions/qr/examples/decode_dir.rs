//! The decoding check of `tests/bench/qr.sh`: reads back every output the
//! benchmark wrote and compares it with the exact URL it was made from.
//!
//! Layout: `<dir>/<impl>/<NN>.png|svg`, NN = line number in the URL file
//! (non-empty lines, from 01). A PNG is loaded with `image`, composited over
//! white and read with `rqrr`; an SVG is rasterised with resvg at 1024 px
//! wide first (fast_qr's SVG has only a viewBox, one unit per module, so its
//! own size would be a pixel per module), the same way
//! `functions/qr/tests/support/mod.rs` does it. A file passes when `rqrr`
//! finds exactly one code and its bytes are the URL.
//!
//! Prints one line per implementation and format on stdout,
//!
//! ```text
//! DECODE <impl> <png|svg> <ok> <files> <urls>
//! ```
//!
//! and every failure on stderr. Exits non-zero if any file fails, an output
//! is missing for some URL, or a file's name matches no URL.
//!
//! ```text
//! cargo run -q --release -p scanly-qr --example decode_dir -- tests/bench/qr/urls.txt target/bench/qr/out
//! ```
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;
use std::process::ExitCode;

use resvg::{tiny_skia, usvg};

type Res<T> = Result<T, Box<dyn Error>>;

/// Width SVGs are rasterised at: twice the bench's PNG width, because at
/// 512 px a long URL's modules (framed, at EC H) land on fractional pixels
/// and `rqrr` misreads some anti-aliased edges — segno's SVG as well as
/// ours — while every one reads at 1024.
const SVG_RASTER_PX: f32 = 1024.0;

/// Luminance (0–255) of a straight-alpha RGBA pixel over white.
fn grey_over_white(r: u8, g: u8, b: u8, a: u8) -> u8 {
    let a = f64::from(a) / 255.0;
    let c = |v: u8| f64::from(v) * a + 255.0 * (1.0 - a);
    (0.299 * c(r) + 0.587 * c(g) + 0.114 * c(b)).round() as u8
}

/// Every code `rqrr` reads in a straight-alpha RGBA image.
fn decode_rgba(width: u32, height: u32, rgba: &[u8]) -> Vec<Result<Vec<u8>, String>> {
    let w = width as usize;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, height as usize, |x, y| {
        let i = (y * w + x) * 4;
        match rgba.get(i..i + 4) {
            Some(&[r, g, b, a]) => grey_over_white(r, g, b, a),
            _ => 255,
        }
    });
    img.detect_grids()
        .into_iter()
        .map(|grid| {
            let mut out = Vec::new();
            grid.decode_to(&mut out)
                .map(|_| out)
                .map_err(|e| e.to_string())
        })
        .collect()
}

fn decode_png(bytes: &[u8]) -> Res<Vec<Result<Vec<u8>, String>>> {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)?.to_rgba8();
    Ok(decode_rgba(img.width(), img.height(), img.as_raw()))
}

fn decode_svg(bytes: &[u8]) -> Res<Vec<Result<Vec<u8>, String>>> {
    let tree = usvg::Tree::from_data(bytes, &usvg::Options::default())?;
    let size = tree.size();
    let scale = SVG_RASTER_PX / size.width();
    let (w, h) = (
        (size.width() * scale).round() as u32,
        (size.height() * scale).round() as u32,
    );
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or("empty SVG")?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // tiny-skia stores premultiplied RGBA; demultiply for compositing.
    let rgba: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    Ok(decode_rgba(w, h, &rgba))
}

/// Why a file does not pass, or `None`.
fn check(path: &Path, format: &str, url: &str) -> Option<String> {
    let found = std::fs::read(path)
        .map_err(Box::<dyn Error>::from)
        .and_then(|bytes| {
            if format == "png" {
                decode_png(&bytes)
            } else {
                decode_svg(&bytes)
            }
        });
    match found {
        Err(e) => Some(format!("unreadable: {e}")),
        Ok(codes) => match codes.as_slice() {
            [Ok(bytes)] if bytes.as_slice() == url.as_bytes() => None,
            [Ok(bytes)] => Some(format!(
                "decoded to {:?}, expected {url:?}",
                String::from_utf8_lossy(bytes)
            )),
            [Err(e)] => Some(format!("a code was found but not decoded: {e}")),
            [] => Some("no code found".to_owned()),
            many => Some(format!("{} codes found, expected one", many.len())),
        },
    }
}

#[derive(Default)]
struct Tally {
    ok: usize,
    files: usize,
    /// URL indices (0-based) that have a file.
    seen: Vec<bool>,
}

fn run(urls_path: &Path, dir: &Path) -> Res<bool> {
    let urls: Vec<String> = std::fs::read_to_string(urls_path)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    let mut all_ok = true;
    let mut impls: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    impls.sort_by_key(std::fs::DirEntry::file_name);
    for implementation in impls {
        let name = implementation.file_name().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(implementation.path())?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in files {
            let (Some(stem), Some(format)) = (
                path.file_stem().and_then(|s| s.to_str()),
                path.extension().and_then(|s| s.to_str()),
            ) else {
                continue;
            };
            if format != "png" && format != "svg" {
                continue;
            }
            let tally = tallies
                .entry((name.clone(), format.to_owned()))
                .or_insert_with(|| Tally {
                    seen: vec![false; urls.len()],
                    ..Tally::default()
                });
            tally.files += 1;
            let index = stem.parse::<usize>().ok().and_then(|n| n.checked_sub(1));
            let Some((index, url)) = index.and_then(|i| urls.get(i).map(|u| (i, u))) else {
                eprintln!("decode: FAIL {}: matches no URL line", path.display());
                all_ok = false;
                continue;
            };
            if let Some(seen) = tally.seen.get_mut(index) {
                *seen = true;
            }
            match check(&path, format, url) {
                None => tally.ok += 1,
                Some(why) => {
                    eprintln!("decode: FAIL {}: {why}", path.display());
                    all_ok = false;
                }
            }
        }
    }
    for ((name, format), tally) in &tallies {
        for (i, seen) in tally.seen.iter().enumerate() {
            if !seen {
                eprintln!(
                    "decode: FAIL {name} {format}: no output for URL line {}",
                    i + 1
                );
                all_ok = false;
            }
        }
        println!(
            "DECODE {name} {format} {} {} {}",
            tally.ok,
            tally.files,
            urls.len()
        );
    }
    if tallies.is_empty() {
        eprintln!("decode: no outputs under {}", dir.display());
        all_ok = false;
    }
    Ok(all_ok)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [urls, dir] = args.as_slice() else {
        eprintln!("usage: decode_dir URLS_FILE OUT_DIR");
        return ExitCode::FAILURE;
    };
    match run(Path::new(urls), Path::new(dir)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("decode: {e}");
            ExitCode::FAILURE
        }
    }
}
