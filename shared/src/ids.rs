//! Identifiers the control plane assigns. Opaque to the edge: it only copies
//! them into scan events, so they are validated for shape, not meaning.

use serde::{Deserialize, Serialize};

use crate::DomainError;

const MAX_ID_CHARS: usize = 64;

macro_rules! opaque_id {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// 1–64 characters of `[A-Za-z0-9_-]`: safe in KV keys, S3 keys and URLs.
            pub fn parse(input: &str) -> Result<Self, DomainError> {
                let ok = !input.is_empty()
                    && input.len() <= MAX_ID_CHARS
                    && input.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if ok {
                    Ok(Self(input.to_owned()))
                } else {
                    Err(DomainError::invalid($field, "must be 1-64 characters of letters, digits, '-' or '_'"))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        $crate::text::text_newtype!($name, DomainError, display = as_str);
    };
}

opaque_id!(
    /// A link's identity, stable across code changes and edits.
    LinkId,
    "link_id"
);
opaque_id!(
    /// The tenant: every stored object and every query is scoped by it.
    WorkspaceId,
    "workspace_id"
);
opaque_id!(
    /// A person with an account (owners, members).
    UserId,
    "user_id"
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_accept_safe_characters_only() {
        assert!(LinkId::parse("lnk_01J9Z3-abc").is_ok());
        for bad in ["", "a/b", "a b", "ä", "a:b"] {
            assert!(LinkId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(WorkspaceId::parse(&"w".repeat(65)).is_err());
        assert_eq!(
            WorkspaceId::parse("ws 1").unwrap_err().to_string(),
            "workspace_id: must be 1-64 characters of letters, digits, '-' or '_'"
        );
    }

    proptest! {
        #[test]
        fn round_trips(id in "[A-Za-z0-9_-]{1,64}") {
            let parsed = LinkId::parse(&id).unwrap();
            prop_assert_eq!(parsed.as_str(), id.as_str());
        }
    }
}
