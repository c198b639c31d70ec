//! The one inline stylesheet: mobile-first, a single ~35rem column, tap
//! targets of at least 44px, colours from the theme's [`Palette`]. Only the
//! rules a page uses are emitted, so a links-only page ships less CSS.
//!
//! No `style="…"` attributes anywhere: the CSP allows this stylesheet by hash
//! and nothing else.

use core::fmt::Write as _;

use super::theme::{ButtonStyle, Palette, Theme};

/// Which parts of the stylesheet a document needs.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Features {
    pub header: bool,
    pub lead: bool,
    pub heading: bool,
    pub text: bool,
    pub buttons: bool,
    pub icons: bool,
    pub image: bool,
    pub socials: bool,
    pub card: bool,
    pub contact: bool,
    pub hours: bool,
    pub menu: bool,
    pub video: bool,
    pub vertical_video: bool,
    pub divider: bool,
    pub form: bool,
    pub status: bool,
}

pub(crate) fn stylesheet(theme: &Theme, f: Features) -> String {
    let p: Palette = theme.palette();
    let (bg, fg, link, muted, line) = (p.background, p.text, p.link, p.muted, p.line);
    let (radius, button_radius) = match theme.button_style {
        ButtonStyle::Rounded | ButtonStyle::Outline => (".75rem", ".75rem"),
        ButtonStyle::Pill => ("1.25rem", "999px"),
        ButtonStyle::Square => ("0", "0"),
    };
    let scheme = if bg.relative_luminance() < 0.18 {
        "dark"
    } else {
        "light"
    };
    let mut css = String::with_capacity(2048);
    let mut rule = |r: core::fmt::Arguments<'_>| {
        let _ = css.write_fmt(r);
        css.push('\n');
    };
    rule(format_args!("*,::before,::after{{box-sizing:border-box}}"));
    rule(format_args!(
        "html{{color-scheme:{scheme};-webkit-text-size-adjust:100%;text-size-adjust:100%}}"
    ));
    rule(format_args!(
        "body{{margin:0;background:{bg};color:{fg};font:1.0625rem/1.5 {};overflow-wrap:anywhere}}",
        theme.font.stack()
    ));
    rule(format_args!(
        "main{{max-width:35rem;margin:0 auto;padding:2.5rem 1.25rem 3rem}}"
    ));
    rule(format_args!("main>*{{margin:0 0 1rem}}"));
    rule(format_args!(
        "h1{{margin:0;font-size:1.75rem;line-height:1.2}}"
    ));
    rule(format_args!(
        "a{{color:{link};text-underline-offset:.15em}}"
    ));
    rule(format_args!(
        ":focus-visible{{outline:3px solid {fg};outline-offset:2px}}"
    ));
    if f.header {
        rule(format_args!(
            "header{{margin-bottom:1.5rem;text-align:center}}"
        ));
    }
    if f.heading {
        rule(format_args!(
            "h2{{margin-top:2rem;font-size:1.25rem;line-height:1.3}}"
        ));
    }
    if f.lead {
        rule(format_args!(".lead{{margin:.5rem 0 0;color:{muted}}}"));
    }
    if f.text || f.menu || f.contact {
        rule(format_args!(":where(.txt,.card) p{{margin:0}}"));
    }
    if f.text {
        rule(format_args!(".txt p+p{{margin-top:.75rem}}"));
    }
    if f.buttons {
        rule(format_args!(
            ".btn{{display:flex;align-items:center;justify-content:center;gap:.5rem;min-height:3.25rem;padding:.75rem 1.25rem;border:2px solid {};border-radius:{button_radius};background:{};color:{};font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}}",
            p.button_background, p.button_background, p.button_text
        ));
        if theme.button_style == ButtonStyle::Outline {
            rule(format_args!(
                ".btn{{border-color:{link};background:transparent;color:{link}}}"
            ));
        }
        rule(format_args!(".btn:active{{opacity:.85}}"));
    }
    if f.icons {
        rule(format_args!(
            "svg{{flex:none;width:1.5rem;height:1.5rem;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}}"
        ));
    }
    if f.image {
        rule(format_args!(
            "img{{display:block;max-width:100%;height:auto;margin-inline:auto;border-radius:{radius}}}"
        ));
    }
    if f.socials {
        rule(format_args!(
            ".soc{{display:flex;flex-wrap:wrap;justify-content:center;gap:.25rem;padding:0;list-style:none}}"
        ));
        rule(format_args!(
            ".soc a{{display:flex;align-items:center;justify-content:center;width:3rem;height:3rem;border-radius:50%;color:{fg}}}"
        ));
    }
    if f.card {
        rule(format_args!(
            ".card{{padding:1rem 1.25rem;border:1px solid {line};border-radius:{radius}}}"
        ));
    }
    if f.contact {
        rule(format_args!("address{{font-style:normal}}"));
        rule(format_args!(".name{{font-size:1.125rem;font-weight:600}}"));
        rule(format_args!(
            ".rows{{margin:.5rem 0 1rem;padding:0;list-style:none}}"
        ));
        rule(format_args!(
            ".rows li{{display:flex;align-items:center;gap:.75rem}}"
        ));
        // Block links with padding: a 44px+ tap target even for one line.
        rule(format_args!(".rows a{{display:block;padding:.625rem 0}}"));
    }
    if f.hours {
        rule(format_args!("table{{width:100%;border-collapse:collapse}}"));
        rule(format_args!(
            "caption{{padding-bottom:.5rem;font-weight:600;text-align:left}}"
        ));
        rule(format_args!("th,td{{padding:.25rem 0;vertical-align:top}}"));
        rule(format_args!("th{{font-weight:400;text-align:left}}"));
        rule(format_args!(
            "td{{text-align:right;font-variant-numeric:tabular-nums}}"
        ));
    }
    if f.menu {
        rule(format_args!(".menu{{list-style:none}}"));
        rule(format_args!(
            ".menu li+li{{margin-top:.75rem;padding-top:.75rem;border-top:1px solid {line}}}"
        ));
        rule(format_args!(
            ".mi{{display:flex;justify-content:space-between;gap:1rem;font-weight:600}}"
        ));
        rule(format_args!(
            ".pr{{white-space:nowrap;font-variant-numeric:tabular-nums}}"
        ));
        rule(format_args!(
            ".md{{margin-top:.25rem;color:{muted};font-size:.9375rem}}"
        ));
    }
    if f.video {
        rule(format_args!(
            "iframe{{display:block;width:100%;height:auto;aspect-ratio:16/9;border:0;border-radius:{radius}}}"
        ));
    }
    if f.vertical_video {
        rule(format_args!(
            "iframe.v{{max-width:20rem;margin:0 auto 1rem;aspect-ratio:9/16}}"
        ));
    }
    if f.divider {
        rule(format_args!(
            "hr{{margin:1.5rem 0;border:0;border-top:1px solid {line}}}"
        ));
    }
    if f.status {
        rule(format_args!(".st{{padding-top:4rem}}"));
    }
    if f.form {
        rule(format_args!(
            "label{{display:block;margin-bottom:.375rem;font-weight:600}}"
        ));
        rule(format_args!(
            "input{{display:block;width:100%;min-height:3rem;margin-bottom:1rem;padding:.625rem .75rem;border:2px solid {muted};border-radius:{radius};background:{bg};color:{fg};font:inherit}}"
        ));
        rule(format_args!(".err{{margin-bottom:1rem;font-weight:600}}"));
        rule(format_args!("button.btn{{width:100%}}"));
    }
    css
}
