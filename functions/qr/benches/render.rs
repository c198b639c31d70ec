//! Per second, on the QR issue's 20 URLs (`tests/bench/qr/urls.txt`: 15
//! short, 5 of ~200 chars), EC M:
//!
//! - `encode_*`: the module grid alone, ours (`Matrix::from_bytes`, the
//!   crate's encoder with our mask choice) vs `qrcode::QrCode`;
//! - `render_20_urls_512px`: quiet zone 4, 512 px, ours (PNG, SVG, matrix
//!   only) vs the `qrcode` crate's stock `image` renderer + `image`'s PNG
//!   writer.

#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::io::Cursor;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scanly_qr::{EcLevel, Matrix, QrParams, render_png, render_svg};

/// The list, shared with the cross-library bench script.
const URLS: &str = include_str!("../../../tests/bench/qr/urls.txt");

fn urls() -> Vec<String> {
    URLS.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

fn encode(c: &mut Criterion) {
    let urls = urls();
    let short: Vec<_> = urls.iter().filter(|u| u.len() < 64).cloned().collect();
    for (name, set) in [("encode_20_urls", &urls), ("encode_15_short_urls", &short)] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(set.len() as u64));
        group.bench_function("ours", |b| {
            b.iter(|| {
                for u in set {
                    black_box(Matrix::from_bytes(u.as_bytes(), EcLevel::M).unwrap());
                }
            })
        });
        group.bench_function("qrcode_crate", |b| {
            b.iter(|| {
                for u in set {
                    black_box(
                        qrcode::QrCode::with_error_correction_level(u, qrcode::EcLevel::M).unwrap(),
                    );
                }
            })
        });
        group.finish();
    }
}

fn render(c: &mut Criterion) {
    let urls = urls();
    let options: Vec<_> = urls
        .iter()
        .map(|u| QrParams::new(u).validate().unwrap())
        .collect();
    let mut group = c.benchmark_group("render_20_urls_512px");
    group.throughput(Throughput::Elements(urls.len() as u64));

    group.bench_function("matrix_only", |b| {
        b.iter(|| {
            for o in &options {
                black_box(Matrix::encode(o).unwrap());
            }
        })
    });
    group.bench_function("ours_png", |b| {
        b.iter(|| {
            for o in &options {
                black_box(render_png(&Matrix::encode(o).unwrap(), o).unwrap());
            }
        })
    });
    group.bench_function("ours_svg", |b| {
        b.iter(|| {
            for o in &options {
                black_box(render_svg(&Matrix::encode(o).unwrap(), o).unwrap());
            }
        })
    });
    group.bench_function("qrcode_crate_stock_png", |b| {
        b.iter(|| {
            for u in &urls {
                let code =
                    qrcode::QrCode::with_error_correction_level(u, qrcode::EcLevel::M).unwrap();
                let img = code
                    .render::<image::Luma<u8>>()
                    .min_dimensions(512, 512)
                    .build();
                let mut out = Cursor::new(Vec::new());
                img.write_to(&mut out, image::ImageFormat::Png).unwrap();
                black_box(out);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, encode, render);
criterion_main!(benches);
