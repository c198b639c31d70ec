//! The page document: head (title, description, Open Graph), the inline
//! stylesheet, the blocks, and the Content-Security-Policy that allows
//! exactly that stylesheet. No JavaScript, no external resources except the
//! owner's images and video players. Output is deterministic.

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

use super::blocks::{block, features};
use super::escape::{attr, escape_into};
use super::model::{Block, Page};
use super::style::{Features, stylesheet};
use super::theme::Theme;

/// A rendered document and the `Content-Security-Policy` header the Worker
/// must send with it (the style hash only matches this exact HTML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedPage {
    pub html: String,
    pub content_security_policy: String,
}

/// The players a video block may embed (`frame-src`).
const FRAME_SOURCES: &str = "https://www.youtube-nocookie.com https://player.vimeo.com";
/// Link previews cut descriptions around here anyway.
const DERIVED_DESCRIPTION_CHARS: usize = 160;

/// Renders a page to a complete HTML document.
pub fn render_page(page: &Page) -> String {
    render(page).html
}

/// Renders a page with its Content-Security-Policy.
pub fn render(page: &Page) -> RenderedPage {
    let description = page
        .description
        .clone()
        .or_else(|| derived_description(&page.blocks));
    let image = page.blocks.iter().find_map(|b| match b {
        Block::Image { url, alt } => Some((url.as_str(), alt.as_str())),
        _ => None,
    });
    let mut f = features(&page.blocks);
    f.header = true;
    f.lead = page.description.is_some();
    let mut body = String::with_capacity(4096);
    body.push_str("<header><h1>");
    escape_into(&mut body, &page.title);
    body.push_str("</h1>");
    if let Some(lead) = &page.description {
        body.push_str("<p class=\"lead\">");
        escape_into(&mut body, lead);
        body.push_str("</p>");
    }
    body.push_str("</header>\n");
    let mut seen_image = false;
    for (index, b) in page.blocks.iter().enumerate() {
        // The first image is likely above the fold: let it load eagerly.
        let lazy = matches!(b, Block::Image { .. }) && core::mem::replace(&mut seen_image, true);
        block(&mut body, index, b, lazy);
        body.push('\n');
    }
    document(
        &Head {
            title: &page.title,
            description: description.as_deref(),
            lang: page.lang.as_str(),
            open_graph: true,
            image,
        },
        &page.theme,
        f,
        None,
        &body,
    )
}

/// The first text block, whitespace collapsed, cut at a word boundary.
fn derived_description(blocks: &[Block]) -> Option<String> {
    let text = blocks.iter().find_map(|b| match b {
        Block::Text { text } => Some(text),
        _ => None,
    })?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
        let len = out.chars().count() + word.chars().count() + 1;
        if len > DERIVED_DESCRIPTION_CHARS {
            if out.is_empty() {
                out.extend(word.chars().take(DERIVED_DESCRIPTION_CHARS - 1));
            }
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    (!out.is_empty()).then_some(out)
}

pub(crate) struct Head<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub lang: &'a str,
    pub open_graph: bool,
    /// The first image (URL, alt) for link previews.
    pub image: Option<(&'a str, &'a str)>,
}

fn meta(out: &mut String, key: &str, name: &str, content: &str) {
    out.push_str("<meta");
    attr(out, key, name);
    attr(out, "content", content);
    out.push_str(">\n");
}

/// Assembles the document around `body` (which goes inside `<main>`).
pub(crate) fn document(
    head: &Head<'_>,
    theme: &Theme,
    features: Features,
    main_class: Option<&str>,
    body: &str,
) -> RenderedPage {
    let css = stylesheet(theme, features);
    let mut html = String::with_capacity(body.len() + css.len() + 1024);
    html.push_str("<!doctype html>\n<html");
    attr(&mut html, "lang", head.lang);
    html.push_str(">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str(
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>",
    );
    escape_into(&mut html, head.title);
    html.push_str("</title>\n");
    if let Some(description) = head.description {
        meta(&mut html, "name", "description", description);
    }
    if head.open_graph {
        meta(&mut html, "property", "og:type", "website");
        meta(&mut html, "property", "og:title", head.title);
        if let Some(description) = head.description {
            meta(&mut html, "property", "og:description", description);
        }
        if let Some((url, alt)) = head.image {
            meta(&mut html, "property", "og:image", url);
            meta(&mut html, "property", "og:image:alt", alt);
        }
        let card = if head.image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        };
        meta(&mut html, "name", "twitter:card", card);
    }
    meta(
        &mut html,
        "name",
        "theme-color",
        &theme.background.to_string(),
    );
    html.push_str("<style>");
    html.push_str(&css);
    html.push_str("</style>\n</head>\n<body>\n<main");
    if let Some(class) = main_class {
        attr(&mut html, "class", class);
    }
    html.push_str(">\n");
    html.push_str(body);
    html.push_str("</main>\n</body>\n</html>\n");
    RenderedPage {
        html,
        content_security_policy: content_security_policy(&css, features.video),
    }
}

/// `default-src 'none'` plus exactly what the document uses: the inline
/// stylesheet by hash, https/data images, the two video players when there is
/// a video, and same-origin form posts (the password page).
pub(crate) fn content_security_policy(css: &str, video: bool) -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    let frames = if video {
        format!("frame-src {FRAME_SOURCES}; ")
    } else {
        String::new()
    };
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src https: data:; {frames}form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_descriptions_are_cut_at_words() {
        let text = Block::Text {
            text: "word ".repeat(100),
        };
        let d = derived_description(&[Block::Divider, text]).unwrap();
        assert!(d.ends_with("word…"), "{d}");
        assert!(d.chars().count() <= DERIVED_DESCRIPTION_CHARS);
        let long = Block::Text {
            text: "x".repeat(500),
        };
        let d = derived_description(&[long]).unwrap();
        assert_eq!(d.chars().count(), DERIVED_DESCRIPTION_CHARS);
        assert_eq!(derived_description(&[Block::Divider]), None);
    }
}
