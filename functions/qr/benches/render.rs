//! Renders per second on the 20 URLs (15 short, 5 of ~200 chars),
//! EC M, quiet zone 4, 512 px: ours (PNG, SVG, matrix only) vs the `qrcode`
//! crate's stock `image` renderer + `image`'s PNG writer.

#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::io::Cursor;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scanly_qr::{Matrix, QrParams, render_png, render_svg};

fn urls() -> Vec<String> {
    let mut urls: Vec<String> = (0..15)
        .map(|i| format!("https://scn.ly/q/k{i:04}Zx"))
        .collect();
    urls.extend((0..5).map(|i| {
        format!(
            "https://shop.example.com/campaigns/spring-{i}/landing?utm_source=flyer&utm_medium=print&utm_campaign=spring&ref={}",
            "abcdef0123456789".repeat(6)
        )
    }));
    urls
}

fn bench(c: &mut Criterion) {
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
                black_box(render_svg(&Matrix::encode(o).unwrap(), o));
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

criterion_group!(benches, bench);
criterion_main!(benches);
