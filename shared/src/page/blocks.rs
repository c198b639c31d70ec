//! HTML of each block. Every user string goes through `escape`; every URL is
//! a validated type, escaped again as an attribute value.

use core::fmt::Write as _;

use super::escape::{attr, escape_into, escape_lines_into};
use super::hours::{DayHours, week};
use super::icons::{self, svg};
use super::links::LinkUrl;
use super::links::Phone;
use super::model::{Block, MenuItem, SocialLink};
use super::style::Features;
use super::text::{EXTERNAL_REL, paragraphs};
use super::video::VideoUrl;
use crate::Email;

/// What the stylesheet must cover for these blocks.
pub(crate) fn features(blocks: &[Block]) -> Features {
    let mut f = Features::default();
    for block in blocks {
        match block {
            Block::Heading { .. } => f.heading = true,
            Block::Text { .. } => f.text = true,
            Block::Link { .. } => f.buttons = true,
            Block::Image { .. } => f.image = true,
            Block::Socials { .. } => {
                f.socials = true;
                f.icons = true;
            }
            Block::Contact { .. } => {
                f.contact = true;
                f.card = true;
                f.icons = true;
                f.buttons = true;
            }
            Block::Hours { .. } => {
                f.hours = true;
                f.card = true;
            }
            Block::Menu { .. } => {
                f.menu = true;
                f.card = true;
            }
            Block::Video { url } => {
                f.video = true;
                f.vertical_video |= url.is_vertical();
            }
            Block::Divider => f.divider = true,
            Block::Map { .. } => {
                f.buttons = true;
                f.icons = true;
            }
        }
    }
    f
}

/// The maps search link for an address (newlines become `, `).
pub(crate) fn maps_url(address: &str) -> String {
    let one_line = address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let query: String = form_urlencoded::byte_serialize(one_line.as_bytes()).collect();
    format!("https://www.google.com/maps/search/?api=1&query={query}")
}

fn open_link(out: &mut String, href: &str, class: Option<&str>, external: bool) {
    out.push_str("<a");
    if let Some(class) = class {
        attr(out, "class", class);
    }
    attr(out, "href", href);
    if external {
        attr(out, "rel", EXTERNAL_REL);
    }
}

/// Appends block `index` of a page. `lazy` marks images below the first one.
pub(crate) fn block(out: &mut String, index: usize, block: &Block, lazy_image: bool) {
    match block {
        Block::Heading { text } => {
            out.push_str("<h2>");
            escape_into(out, text);
            out.push_str("</h2>");
        }
        Block::Text { text } => {
            out.push_str("<div class=\"txt\">");
            paragraphs(out, text);
            out.push_str("</div>");
        }
        Block::Link { label, url } => {
            open_link(out, &url.href(), Some("btn"), url.is_web());
            out.push('>');
            escape_into(out, label);
            out.push_str("</a>");
        }
        Block::Image { url, alt } => {
            out.push_str("<img");
            attr(out, "src", url.as_str());
            attr(out, "alt", alt);
            if lazy_image {
                out.push_str(" loading=\"lazy\"");
            }
            out.push_str(" decoding=\"async\">");
        }
        Block::Socials { links } => socials(out, links),
        Block::Contact {
            name,
            phone,
            email,
            address,
        } => contact(
            out,
            index,
            name,
            phone.as_ref(),
            email.as_ref(),
            address.as_deref(),
        ),
        Block::Hours { days } => hours(out, days),
        Block::Menu { items } => menu(out, items),
        Block::Video { url } => video(out, url),
        Block::Divider => out.push_str("<hr>"),
        Block::Map { address } => {
            open_link(out, &maps_url(address), Some("btn"), true);
            out.push('>');
            svg(out, icons::PIN);
            out.push_str("<span>");
            escape_lines_into(out, address);
            out.push_str("</span></a>");
        }
    }
}

fn socials(out: &mut String, links: &[SocialLink]) {
    out.push_str("<ul class=\"soc\">");
    for link in links {
        out.push_str("<li>");
        open_link(out, &link.url.href(), None, link.url.is_web());
        attr(out, "aria-label", link.network.display_name());
        out.push('>');
        svg(out, icons::network(link.network));
        out.push_str("</a></li>");
    }
    out.push_str("</ul>");
}

fn contact(
    out: &mut String,
    index: usize,
    name: &str,
    phone: Option<&Phone>,
    email: Option<&Email>,
    address: Option<&str>,
) {
    out.push_str("<address class=\"card\"><p class=\"name\">");
    escape_into(out, name);
    out.push_str("</p>");
    let any_row = phone.is_some() || email.is_some() || address.is_some();
    if any_row {
        out.push_str("<ul class=\"rows\">");
    }
    if let Some(phone) = phone {
        out.push_str("<li>");
        svg(out, icons::PHONE);
        open_link(out, &LinkUrl::Phone(phone.clone()).href(), None, false);
        out.push('>');
        escape_into(out, phone.as_str());
        out.push_str("</a></li>");
    }
    if let Some(email) = email {
        out.push_str("<li>");
        svg(out, icons::MAIL);
        open_link(out, &LinkUrl::Email(email.clone()).href(), None, false);
        out.push('>');
        escape_into(out, email.as_str());
        out.push_str("</a></li>");
    }
    if let Some(address) = address {
        out.push_str("<li>");
        svg(out, icons::PIN);
        open_link(out, &maps_url(address), None, true);
        out.push('>');
        escape_lines_into(out, address);
        out.push_str("</a></li>");
    }
    // Relative, so it works on every domain the page is served from; the
    // Worker answers it with `vcard(page, index)` as text/vcard.
    if any_row {
        out.push_str("</ul>");
    }
    let _ = write!(out, "<a class=\"btn\" href=\"?vcard={index}\">");
    svg(out, icons::ADD_CONTACT);
    out.push_str("Save contact</a></address>");
}

fn time_range(out: &mut String, range: DayHours) {
    if range.is_all_day() {
        out.push_str("Open 24 hours");
    } else {
        let _ = write!(out, "{}–{}", range.open, range.close);
    }
}

fn hours(out: &mut String, days: &[DayHours]) {
    out.push_str("<div class=\"card\"><table><caption>Opening hours</caption><tbody>");
    for (day, ranges) in week(days) {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th><td>", day.short_name());
        if ranges.is_empty() {
            out.push_str("Closed");
        }
        for (i, range) in ranges.into_iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            time_range(out, range);
        }
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table></div>");
}

fn menu(out: &mut String, items: &[MenuItem]) {
    out.push_str("<ul class=\"card menu\">");
    for item in items {
        out.push_str("<li><p class=\"mi\"><span>");
        escape_into(out, &item.name);
        out.push_str("</span>");
        if !item.price.is_empty() {
            out.push_str("<span class=\"pr\">");
            escape_into(out, &item.price);
            out.push_str("</span>");
        }
        out.push_str("</p>");
        if let Some(description) = &item.description {
            out.push_str("<p class=\"md\">");
            escape_into(out, description);
            out.push_str("</p>");
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

fn video(out: &mut String, url: &VideoUrl) {
    out.push_str("<iframe");
    if url.is_vertical() {
        out.push_str(" class=\"v\"");
    }
    attr(out, "src", &url.embed_url());
    attr(out, "title", url.title());
    out.push_str(
        " loading=\"lazy\" allow=\"encrypted-media;picture-in-picture;fullscreen\" allowfullscreen></iframe>",
    );
}
