//! Raw JSON → validated page, with the field path in every error.
//!
//! Strings are trimmed. One-line fields turn tabs and newlines into spaces;
//! multi-line fields (text, addresses) normalise `\r\n` to `\n`. Other control
//! characters are refused. Lengths count Unicode scalar values.

use super::PageError;
use super::hours::validate_days;
use super::links::{LinkUrl, Phone};
use super::model::{
    Block, MenuItem, Page, RawBlock, RawMenuItem, RawPage, RawSocialLink, SocialLink,
};
use super::socials::SocialNetwork;
use super::theme::{RawTheme, Theme};
use super::video::VideoUrl;
use crate::{Destination, Email, LanguageTag};

/// The limits of the page model (characters unless noted).
pub mod limits {
    pub const TITLE: usize = 120;
    pub const DESCRIPTION: usize = 300;
    /// Blocks per page.
    pub const BLOCKS: usize = 50;
    pub const HEADING: usize = 120;
    pub const TEXT: usize = 5_000;
    pub const LABEL: usize = 80;
    pub const ALT: usize = 250;
    /// Links per socials block.
    pub const SOCIAL_LINKS: usize = 20;
    pub const NAME: usize = 120;
    pub const ADDRESS: usize = 300;
    /// Items per menu block.
    pub const MENU_ITEMS: usize = 100;
    pub const MENU_NAME: usize = 80;
    pub const PRICE: usize = 20;
    pub const MENU_DESCRIPTION: usize = 300;
}

fn path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn clean(
    field: &str,
    value: &str,
    multi_line: bool,
    min: usize,
    max: usize,
) -> Result<String, PageError> {
    let value = value.trim();
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if multi_line => {
                out.push('\n');
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\n' if multi_line => out.push('\n'),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => {
                return Err(PageError::new(field, "may not contain control characters"));
            }
            c => out.push(c),
        }
    }
    let len = out.chars().count();
    if len < min {
        return Err(PageError::new(field, "is required"));
    }
    if len > max {
        return Err(PageError::new(
            field,
            format!("may be at most {max} characters (got {len})"),
        ));
    }
    Ok(out)
}

fn line(field: &str, value: &str, max: usize) -> Result<String, PageError> {
    clean(field, value, false, 1, max)
}

fn optional(
    field: &str,
    value: Option<&str>,
    multi_line: bool,
    max: usize,
) -> Result<Option<String>, PageError> {
    match value {
        Some(v) if !v.trim().is_empty() => clean(field, v, multi_line, 1, max).map(Some),
        _ => Ok(None),
    }
}

fn count(field: &str, what: &str, len: usize, max: usize) -> Result<(), PageError> {
    if len == 0 {
        return Err(PageError::new(field, format!("add at least one {what}")));
    }
    if len > max {
        return Err(PageError::new(
            field,
            format!("at most {max} {what}s (got {len})"),
        ));
    }
    Ok(())
}

impl TryFrom<RawPage> for Page {
    type Error = PageError;

    fn try_from(raw: RawPage) -> Result<Self, PageError> {
        let title = line("title", &raw.title, limits::TITLE)?;
        let description = optional(
            "description",
            raw.description.as_deref(),
            false,
            limits::DESCRIPTION,
        )?;
        let lang = match raw.lang.as_deref().map(str::trim) {
            None | Some("") => LanguageTag::parse("en"),
            Some(tag) => LanguageTag::parse(tag),
        }
        .map_err(|e| PageError::new("lang", e.to_string()))?;
        let theme = match raw.theme {
            None | Some(serde_json::Value::Null) => Theme::default(),
            Some(value) => {
                let raw: RawTheme = serde_json::from_value(value)
                    .map_err(|e| PageError::new("theme", e.to_string()))?;
                Theme::try_from(raw)?
            }
        };
        if raw.blocks.len() > limits::BLOCKS {
            return Err(PageError::new(
                "blocks",
                format!(
                    "a page may have at most {} blocks (got {})",
                    limits::BLOCKS,
                    raw.blocks.len()
                ),
            ));
        }
        let blocks = raw
            .blocks
            .into_iter()
            .enumerate()
            .map(|(i, value)| {
                let prefix = format!("blocks[{i}]");
                let raw: RawBlock = serde_json::from_value(value)
                    .map_err(|e| PageError::new(&prefix, e.to_string()))?;
                validate_block(&prefix, raw)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            title,
            description,
            lang,
            theme,
            blocks,
        })
    }
}

impl TryFrom<RawBlock> for Block {
    type Error = PageError;

    fn try_from(raw: RawBlock) -> Result<Self, PageError> {
        validate_block("", raw)
    }
}

fn validate_block(prefix: &str, raw: RawBlock) -> Result<Block, PageError> {
    let f = |name: &str| path(prefix, name);
    Ok(match raw {
        RawBlock::Heading { text } => Block::Heading {
            text: line(&f("text"), &text, limits::HEADING)?,
        },
        RawBlock::Text { text } => Block::Text {
            text: clean(&f("text"), &text, true, 1, limits::TEXT)?,
        },
        RawBlock::Link { label, url } => Block::Link {
            label: line(&f("label"), &label, limits::LABEL)?,
            url: LinkUrl::parse(&url).map_err(|e| PageError::new(f("url"), e.to_string()))?,
        },
        RawBlock::Image { url, alt } => {
            let dest =
                Destination::parse(&url).map_err(|e| PageError::new(f("url"), e.to_string()))?;
            if !dest.as_str().starts_with("https://") {
                return Err(PageError::new(f("url"), "only https images are allowed"));
            }
            let alt = clean(&f("alt"), &alt, false, 0, limits::ALT)?;
            if alt.is_empty() {
                return Err(PageError::new(
                    f("alt"),
                    "describe the image for people who cannot see it (1–250 characters)",
                ));
            }
            Block::Image { url: dest, alt }
        }
        RawBlock::Socials { links } => {
            count(&f("links"), "link", links.len(), limits::SOCIAL_LINKS)?;
            let links = links
                .into_iter()
                .enumerate()
                .map(|(i, l)| social_link(&f(&format!("links[{i}]")), l))
                .collect::<Result<_, _>>()?;
            Block::Socials { links }
        }
        RawBlock::Contact {
            name,
            phone,
            email,
            address,
        } => Block::Contact {
            name: line(&f("name"), &name, limits::NAME)?,
            phone: optional(&f("phone"), phone.as_deref(), false, 64)?
                .map(|p| Phone::parse(&p).map_err(|e| PageError::new(f("phone"), e.to_string())))
                .transpose()?,
            email: optional(&f("email"), email.as_deref(), false, 254)?
                .map(|e| Email::parse(&e).map_err(|e| PageError::new(f("email"), e.to_string())))
                .transpose()?,
            address: optional(&f("address"), address.as_deref(), true, limits::ADDRESS)?,
        },
        RawBlock::Hours { days } => Block::Hours {
            days: validate_days(&f("days"), days)?,
        },
        RawBlock::Menu { items } => {
            count(&f("items"), "item", items.len(), limits::MENU_ITEMS)?;
            let items = items
                .into_iter()
                .enumerate()
                .map(|(i, item)| menu_item(&f(&format!("items[{i}]")), item))
                .collect::<Result<_, _>>()?;
            Block::Menu { items }
        }
        RawBlock::Video { url } => Block::Video {
            url: VideoUrl::parse(&url).map_err(|e| PageError::new(f("url"), e.to_string()))?,
        },
        RawBlock::Divider {} => Block::Divider,
        RawBlock::Map { address } => Block::Map {
            address: clean(&f("address"), &address, true, 1, limits::ADDRESS)?,
        },
    })
}

fn social_link(prefix: &str, raw: RawSocialLink) -> Result<SocialLink, PageError> {
    let network = SocialNetwork::parse(&raw.network).ok_or_else(|| {
        let names: Vec<&str> = SocialNetwork::ALL.iter().map(|n| n.code()).collect();
        PageError::new(
            path(prefix, "network"),
            format!(
                "unknown network {:?}; use one of {}",
                raw.network,
                names.join(", ")
            ),
        )
    })?;
    let url =
        LinkUrl::parse(&raw.url).map_err(|e| PageError::new(path(prefix, "url"), e.to_string()))?;
    let allowed = matches!(
        (&url, network),
        (LinkUrl::Web(_), _) | (LinkUrl::Email(_), SocialNetwork::Email)
    );
    if !allowed {
        return Err(PageError::new(
            path(prefix, "url"),
            format!("use an https:// link for {}", network.display_name()),
        ));
    }
    Ok(SocialLink { network, url })
}

fn menu_item(prefix: &str, raw: RawMenuItem) -> Result<MenuItem, PageError> {
    Ok(MenuItem {
        name: line(&path(prefix, "name"), &raw.name, limits::MENU_NAME)?,
        price: clean(&path(prefix, "price"), &raw.price, false, 0, limits::PRICE)?,
        description: optional(
            &path(prefix, "description"),
            raw.description.as_deref(),
            false,
            limits::MENU_DESCRIPTION,
        )?,
    })
}
