//! Text blocks: paragraphs, line breaks and auto-linked URLs, everything
//! else escaped.

use super::escape::{attr, escape_into};
use crate::Destination;

/// `rel` of every link leaving the page.
pub(crate) const EXTERNAL_REL: &str = "noopener noreferrer nofollow";

/// Appends `text` as `<p>` paragraphs: blank lines (only whitespace) separate
/// paragraphs, single newlines become `<br>`, and `http://` / `https://` URLs
/// become links.
pub(crate) fn paragraphs(out: &mut String, text: &str) {
    let mut open = false;
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if open {
                out.push_str("</p>");
                open = false;
            }
            continue;
        }
        if open {
            out.push_str("<br>");
        } else {
            out.push_str("<p>");
            open = true;
        }
        autolink(out, line);
    }
    if open {
        out.push_str("</p>");
    }
}

/// Where a URL candidate starting at `start` ends: at whitespace or a
/// character never valid in a URL, then without trailing punctuation
/// (`.`, `,`, `:`, `;`, `!`, `?`, quotes, `*`) or an unbalanced `)` / `]`.
fn url_end(s: &str, start: usize) -> usize {
    let tail = s.get(start..).unwrap_or_default();
    let mut end = start
        + tail
            .find(|c: char| c.is_whitespace() || c.is_control() || "<>\"`{}|\\^".contains(c))
            .unwrap_or(tail.len());
    loop {
        let candidate = s.get(start..end).unwrap_or_default();
        let Some(last) = candidate.chars().last() else {
            return end;
        };
        let unbalanced = |open: char, close: char| {
            last == close && candidate.matches(close).count() > candidate.matches(open).count()
        };
        if ".,:;!?'*".contains(last) || unbalanced('(', ')') || unbalanced('[', ']') {
            end -= last.len_utf8();
        } else {
            return end;
        }
    }
}

fn starts_url(s: &str, at: usize) -> bool {
    let prefix = |p: &str| {
        s.get(at..at + p.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(p))
    };
    let boundary = s
        .get(..at)
        .and_then(|before| before.chars().last())
        .is_none_or(|c| !c.is_alphanumeric());
    boundary && (prefix("https://") || prefix("http://"))
}

/// Appends one line with its valid http(s) URLs linked. The link text is
/// what the owner typed; the `href` is the normalised [`Destination`].
pub(crate) fn autolink(out: &mut String, line: &str) {
    let mut done = 0;
    let mut at = 0;
    while at < line.len() {
        if starts_url(line, at) {
            let end = url_end(line, at);
            let typed = line.get(at..end).unwrap_or_default();
            if let Ok(dest) = Destination::parse(typed) {
                escape_into(out, line.get(done..at).unwrap_or_default());
                out.push_str("<a");
                attr(out, "href", dest.as_str());
                attr(out, "rel", EXTERNAL_REL);
                out.push('>');
                escape_into(out, typed);
                out.push_str("</a>");
                done = end;
            }
            // Past a refused candidate too, so hostile text such as
            // "https://https://https://…" stays linear in time.
            at = end.max(at + 1);
            continue;
        }
        at += line
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(1, char::len_utf8);
    }
    escape_into(out, line.get(done..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> String {
        let mut out = String::new();
        paragraphs(&mut out, text);
        out
    }

    fn link(url: &str, text: &str) -> String {
        format!("<a href=\"{url}\" rel=\"{EXTERNAL_REL}\">{text}</a>")
    }

    #[test]
    fn blank_lines_split_paragraphs_and_newlines_break() {
        assert_eq!(html("a\nb\n\n \nc"), "<p>a<br>b</p><p>c</p>");
        assert_eq!(html("\n\none\n\n"), "<p>one</p>");
    }

    #[test]
    fn links_urls_without_trailing_punctuation() {
        let l = link("https://example.com/", "https://example.com");
        assert_eq!(html("See https://example.com."), format!("<p>See {l}.</p>"));
        assert_eq!(html("(https://example.com)"), format!("<p>({l})</p>"));
        assert_eq!(
            html("https://example.com, then"),
            format!("<p>{l}, then</p>")
        );
        assert_eq!(
            html("'https://example.com'!"),
            format!("<p>&#39;{l}&#39;!</p>")
        );
        assert_eq!(html("<https://example.com>"), format!("<p>&lt;{l}&gt;</p>"));
    }

    #[test]
    fn keeps_balanced_parentheses_and_inner_punctuation() {
        let url = "https://en.wikipedia.org/wiki/Mole_(animal)";
        assert_eq!(html(url), format!("<p>{}</p>", link(url, url)));
        let url = "https://example.com/a,b;c?q=1&r=2";
        assert_eq!(
            html(&format!("{url}.")),
            format!(
                "<p>{}.</p>",
                link(
                    "https://example.com/a,b;c?q=1&amp;r=2",
                    "https://example.com/a,b;c?q=1&amp;r=2"
                )
            )
        );
    }

    #[test]
    fn normalises_href_but_shows_what_was_typed() {
        assert_eq!(
            html("HTTPS://Example.COM/Menu"),
            format!(
                "<p>{}</p>",
                link("https://example.com/Menu", "HTTPS://Example.COM/Menu")
            )
        );
    }

    #[test]
    fn leaves_non_urls_alone() {
        for text in [
            "javascript:alert(1)",
            "https://",
            "xhttps://example.com",
            "ftp://example.com",
            "www.example.com",
            "https://user:pw@example.com",
        ] {
            assert!(!html(text).contains("<a"), "{text}");
        }
        assert_eq!(html("a < b & c"), "<p>a &lt; b &amp; c</p>");
    }

    #[test]
    fn a_quote_ends_the_url_so_attributes_cannot_be_broken() {
        let out = html("https://example.com/\"onmouseover=\"alert(1)");
        assert_eq!(
            out,
            format!(
                "<p>{}&quot;onmouseover=&quot;alert(1)</p>",
                link("https://example.com/", "https://example.com/")
            )
        );
    }

    #[test]
    fn a_refused_candidate_is_skipped_whole() {
        // Credentials make the first URL invalid; the URL inside it is part
        // of the same word and stays text as well.
        let out = html("https://u@a.example/https://b.example x");
        assert!(!out.contains("<a"), "{out}");
        let out = html(&"https://".repeat(600));
        assert!(out.starts_with("<p>https://https://"), "{out}");
    }

    #[test]
    fn several_urls_and_unicode() {
        let out = html("Café → https://a.example/ and https://b.example/x ✓");
        assert_eq!(
            out,
            format!(
                "<p>Café → {} and {} ✓</p>",
                link("https://a.example/", "https://a.example/"),
                link("https://b.example/x", "https://b.example/x")
            )
        );
    }
}
