//! Microsites: the small landing pages owners build from blocks, and the HTML
//! the edge renders for them on every scan (plus the themed 404, 410 and
//! password pages).
//!
//! The JSON form of [`Page`] is public API: the management API and the SPA
//! send it, the edge stores it (as a JSON string inside its postcard record,
//! because internally tagged enums need a self-describing format). Every way
//! of getting a `Page` out of JSON validates it, so an invalid page cannot be
//! constructed from JSON; [`Page::from_json`] additionally keeps the failing
//! field path (`blocks[3].url`) in a structured [`PageError`].
//!
//! Rendering ([`render`]) never trusts the model for safety: every string is
//! escaped and every URL is a validated type, so even a page built in Rust
//! with out-of-range strings renders to safe HTML.

mod blocks;
mod escape;
mod hours;
mod icons;
mod links;
mod model;
mod render;
mod socials;
mod status;
mod style;
mod text;
mod theme;
mod validate;
pub(crate) mod vcard;
mod video;

pub use crate::tz::Weekday;
pub use hours::DayHours;
pub use links::{LinkUrl, LinkUrlError, Phone, PhoneError};
pub use model::{Block, MenuItem, Page, SocialLink};
pub use render::{RenderedPage, render, render_page};
pub use socials::SocialNetwork;
pub use status::{StatusPage, render_status_page};
pub use theme::{ButtonStyle, Font, Palette, Theme};
pub use validate::limits;
pub use vcard::vcard;
pub use video::{VideoProvider, VideoUrl, VideoUrlError};

use crate::DomainError;

/// Why a page (or one of its parts) was refused: the path of the offending
/// field, e.g. `blocks[3].url`, and a message for the owner. `field` is empty
/// for errors about the document as a whole (malformed JSON).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}{}", .field, if .field.is_empty() { "" } else { ": " }, .message)]
pub struct PageError {
    pub field: String,
    pub message: String,
}

impl PageError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<PageError> for DomainError {
    fn from(e: PageError) -> Self {
        let field = if e.field.is_empty() {
            "page".to_owned()
        } else {
            e.field
        };
        DomainError::Invalid {
            field,
            message: e.message,
        }
    }
}

impl Page {
    /// The page's public JSON form (what the API returns and the edge stores).
    /// Parses back equal with [`Page::from_json`].
    pub fn to_json(&self) -> String {
        // Every field serialises to a string, array or object: cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses and validates a page, keeping the path of the first invalid
    /// field. Structural errors (unknown block type or field, wrong JSON type)
    /// carry serde's message, which names the unknown variant or field.
    pub fn from_json(json: &str) -> Result<Page, PageError> {
        let raw: model::RawPage =
            serde_json::from_str(json).map_err(|e| PageError::new("", e.to_string()))?;
        Page::try_from(raw)
    }

    /// Checks a page built in Rust against the same rules as JSON input.
    pub fn validate(&self) -> Result<(), PageError> {
        Page::from_json(&self.to_json()).map(|_| ())
    }
}
