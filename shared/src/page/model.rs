//! The page model and its raw JSON mirror.
//!
//! Validated types (`Page`, `Block`, …) serialise to exactly the JSON the raw
//! types accept, so `Page::from_json(&page.to_json()) == Ok(page)`. The raw
//! types hold plain strings; `validate.rs` turns them into validated values
//! with field paths in every error.

use serde::{Deserialize, Serialize};

use super::hours::{DayHours, RawDayHours};
use super::links::{LinkUrl, Phone};
use super::socials::SocialNetwork;
use super::theme::Theme;
use super::video::VideoUrl;
use crate::{Destination, Email, LanguageTag};

/// A microsite. Deserialising validates every field (see [`super::limits`]
/// for the limits); a `Page` built in Rust can be checked with
/// [`Page::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawPage")]
pub struct Page {
    /// 1–120 characters, trimmed, one line.
    pub title: String,
    /// Up to 300 characters, one line; shown under the title and used for
    /// link previews.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The page's language (`<html lang>`), `en` by default.
    pub lang: LanguageTag,
    pub theme: Theme,
    /// At most 50.
    pub blocks: Vec<Block>,
}

/// One block of a page, tagged by `type` in JSON. Deserialising a block on
/// its own validates it too (error paths are then relative to the block).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "RawBlock")]
pub enum Block {
    /// A section heading (`<h2>`), 1–120 characters.
    Heading { text: String },
    /// Paragraphs: a blank line starts a new one, a newline breaks the line,
    /// `http(s)://` URLs become links. 1–5,000 characters.
    Text { text: String },
    /// A full-width button.
    Link { label: String, url: LinkUrl },
    /// An https image with required alt text.
    Image { url: Destination, alt: String },
    /// A row of network icons.
    Socials { links: Vec<SocialLink> },
    /// A contact card with a "Save contact" (vCard) link.
    Contact {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        phone: Option<Phone>,
        #[serde(skip_serializing_if = "Option::is_none")]
        email: Option<Email>,
        #[serde(skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// Opening hours for the week.
    Hours { days: Vec<DayHours> },
    /// A price list.
    Menu { items: Vec<MenuItem> },
    /// A YouTube or Vimeo player.
    Video { url: VideoUrl },
    /// A horizontal rule.
    Divider,
    /// A link that opens the address in a maps app.
    Map { address: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SocialLink {
    pub network: SocialNetwork,
    pub url: LinkUrl,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MenuItem {
    /// 1–80 characters.
    pub name: String,
    /// Free text such as `€4.50` or `4,50 €`, up to 20 characters; may be
    /// empty (nothing is shown), e.g. for "ask us" items.
    pub price: String,
    /// Up to 300 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Blocks and the theme stay JSON values until validation so their errors can
/// be reported with their path (`blocks[3]: unknown field ...`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPage {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub theme: Option<serde_json::Value>,
    #[serde(default)]
    pub blocks: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum RawBlock {
    Heading {
        text: String,
    },
    Text {
        text: String,
    },
    Link {
        label: String,
        url: String,
    },
    Image {
        url: String,
        #[serde(default)]
        alt: String,
    },
    Socials {
        links: Vec<RawSocialLink>,
    },
    Contact {
        name: String,
        phone: Option<String>,
        email: Option<String>,
        address: Option<String>,
    },
    Hours {
        days: Vec<RawDayHours>,
    },
    Menu {
        items: Vec<RawMenuItem>,
    },
    Video {
        url: String,
    },
    Divider {},
    Map {
        address: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSocialLink {
    pub network: String,
    pub url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMenuItem {
    pub name: String,
    pub price: String,
    pub description: Option<String>,
}
