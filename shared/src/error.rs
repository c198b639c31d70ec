//! The one domain error: every validation failure in `shared`, each keeping
//! its own typed cause. No HTTP here: the shells map it to statuses once.

use crate::{clock, code, color, country, destination, email, label, language, password, tz, ua};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error(transparent)]
    ShortCode(#[from] code::ShortCodeError),
    #[error(transparent)]
    Destination(#[from] destination::DestinationError),
    #[error(transparent)]
    Email(#[from] email::EmailError),
    #[error(transparent)]
    Color(#[from] color::HexColorError),
    #[error(transparent)]
    Country(#[from] country::CountryCodeError),
    #[error(transparent)]
    Language(#[from] language::LanguageTagError),
    #[error(transparent)]
    TimeOfDay(#[from] clock::TimeOfDayError),
    #[error(transparent)]
    Zone(#[from] tz::ZoneError),
    #[error(transparent)]
    LinkPassword(#[from] password::LinkPasswordError),
    #[error(transparent)]
    Label(#[from] label::LabelError),
    #[error(transparent)]
    UnknownVariant(#[from] ua::UnknownVariant),
    /// A field that failed a rule of its own (range, size, consistency).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}
