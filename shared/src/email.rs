//! Email addresses of owners and contact cards.

use serde::{Deserialize, Serialize};

/// A pragmatic address check: what mail providers accept in practice, not the
/// full RFC 5322 grammar (quoted local parts and IP literals are refused).
/// The domain is lower-cased so `Ann@Shop.COM` and `Ann@shop.com` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("an email address is required")]
    Empty,
    #[error("an email address may be at most 254 characters")]
    TooLong,
    #[error("{0:?} is not a valid email address")]
    Invalid(String),
}

const LOCAL_SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(EmailError::Empty);
        }
        if input.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let invalid = || EmailError::Invalid(input.to_owned());
        let (local, domain) = input.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c));
        if !local_ok || !is_domain(domain) {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A DNS name with at least two labels, each 1–63 of letters, digits and
/// inner hyphens; the top-level label is not all digits.
pub(crate) fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let well_formed = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    well_formed
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}

crate::text::text_newtype!(Email, EmailError, display = as_str);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_common_addresses_and_lowercases_the_domain() {
        assert_eq!(
            Email::parse("Ann.Lee+news@Shop.Example.COM")
                .unwrap()
                .as_str(),
            "Ann.Lee+news@shop.example.com"
        );
        assert!(Email::parse("o'brien@example.ie").is_ok());
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            ".a@b.com",
            "a..b@c.com",
            "a@-b.com",
            "a@b..com",
            "a@1.2.3.4",
            "<script>@x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} must be refused");
        }
        // Surrounding whitespace is trimmed, inner whitespace is not.
        assert!(Email::parse(" a@b.com\n").is_ok());
        assert!(Email::parse("a@b .com").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(input in "\\PC{0,300}") {
            let _ = Email::parse(&input);
        }

        #[test]
        fn generated_valid_addresses_round_trip(
            local in "[a-z0-9][a-z0-9+_]{0,20}",
            domain in "[a-z][a-z0-9]{0,10}\\.[a-z]{2,6}",
        ) {
            let email = Email::parse(&format!("{local}@{domain}")).unwrap();
            prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email);
        }
    }
}
