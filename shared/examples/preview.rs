//! Renders the demo microsite and the status pages into a folder, for
//! `make dev`'s preview and for eyeballing renderer changes.
//!
//! `cargo run -p scanly-shared --example preview -- <out-dir> [page.json]`
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::{env, fs, process::ExitCode};

use scanly_shared::page::{Page, StatusPage, render, render_status_page};

const DEMO_PAGE: &str = include_str!("../benches/fixtures/page_12_blocks.json");

fn main() -> ExitCode {
    let mut args = env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "target/preview".into()));
    let json = match args.next() {
        Some(path) => match fs::read_to_string(&path) {
            Ok(json) => json,
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => DEMO_PAGE.to_owned(),
    };
    let page = match Page::from_json(&json) {
        Ok(page) => page,
        Err(e) => {
            eprintln!("invalid page: {e}");
            return ExitCode::FAILURE;
        }
    };
    let files = [
        ("page.html", render(&page).html),
        (
            "not-found.html",
            render_status_page(&StatusPage::NotFound, Some(&page.theme)).html,
        ),
        (
            "expired.html",
            render_status_page(&StatusPage::Expired, Some(&page.theme)).html,
        ),
        (
            "password.html",
            render_status_page(
                &StatusPage::PasswordRequired {
                    wrong_password: false,
                },
                Some(&page.theme),
            )
            .html,
        ),
    ];
    let index: String = files
        .iter()
        .map(|(name, html)| {
            format!(
                "<li><a href=\"{name}\">{name}</a> ({} bytes)</li>",
                html.len()
            )
        })
        .collect();
    let index = format!(
        "<!doctype html><meta charset=utf-8><title>Scanly preview</title><h1>Scanly renderer preview</h1><ul>{index}</ul>"
    );
    let write = |name: &str, html: &str| fs::write(out.join(name), html);
    if let Err(e) = fs::create_dir_all(&out)
        .and_then(|()| files.iter().try_for_each(|(name, html)| write(name, html)))
        .and_then(|()| write("index.html", &index))
    {
        eprintln!("cannot write to {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!("rendered {} pages into {}", files.len(), out.display());
    ExitCode::SUCCESS
}
