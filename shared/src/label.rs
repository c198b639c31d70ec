//! Owner-facing labels on links: a title and tags. Never shown to scanners,
//! but shown in dashboards and exports, so they are bounded and free of
//! control characters.

use serde::{Deserialize, Serialize};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_TAG_CHARS: usize = 40;
pub const MAX_TAGS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error("a title must be 1 to {MAX_TITLE_CHARS} characters without control characters")]
    Title,
    #[error("a name must be 1 to {MAX_NAME_CHARS} characters without control characters")]
    Name,
    #[error(
        "a tag must be 1 to {MAX_TAG_CHARS} characters of lower-case letters, digits, '-' or '_'"
    )]
    Tag,
}

/// Trimmed text of 1 to `max` characters without control characters.
fn bounded_text(input: &str, max: usize) -> Option<String> {
    let trimmed = input.trim();
    let chars = trimmed.chars().count();
    (chars > 0 && chars <= max && !trimmed.chars().any(char::is_control))
        .then(|| trimmed.to_owned())
}

/// A link's title, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    pub fn parse(input: &str) -> Result<Self, LabelError> {
        bounded_text(input, MAX_TITLE_CHARS)
            .map(Self)
            .ok_or(LabelError::Title)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::text_newtype!(Title, LabelError, display = as_str);

/// What a person, workspace or API key is called, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    pub fn parse(input: &str) -> Result<Self, LabelError> {
        bounded_text(input, MAX_NAME_CHARS)
            .map(Self)
            .ok_or(LabelError::Name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::text_newtype!(Name, LabelError, display = as_str);

/// A tag for filtering links: lower-cased, so `Summer` and `summer` are one tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);

impl Tag {
    pub fn parse(input: &str) -> Result<Self, LabelError> {
        let tag = input.trim().to_lowercase();
        let ok = !tag.is_empty()
            && tag.chars().count() <= MAX_TAG_CHARS
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(Self(tag))
        } else {
            Err(LabelError::Tag)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::text_newtype!(Tag, LabelError, display = as_str);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(
            Title::parse("  Spring menu ").unwrap().as_str(),
            "Spring menu"
        );
        assert_eq!(Title::parse("Café ☕").unwrap().as_str(), "Café ☕");
        for bad in ["", "   ", "a\u{0}b", "line\nbreak"] {
            assert_eq!(Title::parse(bad), Err(LabelError::Title), "{bad:?}");
        }
        assert!(Title::parse(&"é".repeat(MAX_TITLE_CHARS)).is_ok());
        assert!(Title::parse(&"é".repeat(MAX_TITLE_CHARS + 1)).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse(" Rosa ").unwrap().as_str(), "Rosa");
        assert!(Name::parse(&"é".repeat(MAX_NAME_CHARS)).is_ok());
        for bad in ["", "  ", "a\tb", &"é".repeat(MAX_NAME_CHARS + 1)] {
            assert_eq!(Name::parse(bad), Err(LabelError::Name), "{bad:?}");
        }
    }

    #[test]
    fn tags_are_lower_case_words() {
        assert_eq!(Tag::parse(" Summer-2026 ").unwrap().as_str(), "summer-2026");
        assert_eq!(Tag::parse("café").unwrap().as_str(), "café");
        for bad in ["", "two words", "a,b", "#x", &"a".repeat(MAX_TAG_CHARS + 1)] {
            assert_eq!(Tag::parse(bad), Err(LabelError::Tag), "{bad:?}");
        }
    }

    #[test]
    fn json_input_is_validated() {
        assert!(serde_json::from_str::<Tag>("\"ok\"").is_ok());
        assert!(serde_json::from_str::<Tag>("\"not ok\"").is_err());
        assert!(serde_json::from_str::<Title>("\"\"").is_err());
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(input in "\\PC{0,60}") {
            if let Ok(tag) = Tag::parse(&input) {
                prop_assert_eq!(Tag::parse(tag.as_str()), Ok(tag.clone()));
            }
            if let Ok(title) = Title::parse(&input) {
                prop_assert_eq!(Title::parse(title.as_str()), Ok(title.clone()));
            }
        }
    }
}
