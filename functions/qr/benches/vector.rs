//! Vector serialisation per second for a short URL (EC M, quiet zone 4):
//! building the `Scene` and writing it as SVG, PDF (40 mm) and EPS, with
//! the matrix encoded once outside the loop; plus the whole SVG request
//! path (`render_svg`, encoding included) for comparison with other
//! encoders' SVG output.

#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scanly_qr::vector::{PhysicalSize, Scene, render_eps, render_pdf, render_svg_scene};
use scanly_qr::{Matrix, ModuleStyle, QrParams, render_svg};

const URL: &str = "https://scn.ly/q/k0001Zx";

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("vector");
    group.throughput(Throughput::Elements(1));
    for style in [ModuleStyle::Square, ModuleStyle::Rounded] {
        let options = QrParams {
            module_style: style,
            ..QrParams::new(URL)
        }
        .validate()
        .unwrap();
        let matrix = Matrix::encode(&options).unwrap();
        let scene = Scene::code(&matrix, &options);
        let size = PhysicalSize::mm(40.0);
        let name = format!("{style:?}").to_lowercase();

        group.bench_function(format!("scene_{name}"), |b| {
            b.iter(|| black_box(Scene::code(&matrix, &options)))
        });
        group.bench_function(format!("svg_{name}"), |b| {
            b.iter(|| black_box(render_svg_scene(&scene, 512)))
        });
        group.bench_function(format!("pdf_{name}"), |b| {
            b.iter(|| black_box(render_pdf(&scene, size)))
        });
        group.bench_function(format!("eps_{name}"), |b| {
            b.iter(|| black_box(render_eps(&scene, size)))
        });
        group.bench_function(format!("svg_with_encoding_{name}"), |b| {
            b.iter(|| black_box(render_svg(&Matrix::encode(&options).unwrap(), &options).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
