//! Where buttons and icons point: web URLs, `mailto:` and `tel:` links.

use core::fmt;
use core::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::destination::DestinationError;
use crate::email::EmailError;
use crate::{Destination, Email};

/// A phone number as people write it: digits, spaces and `+ - ( ) .`,
/// 3–32 characters with at least 3 digits; `+` only in front.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("a phone number must be 3 to 32 characters (got {0})")]
    Length(usize),
    #[error("a phone number may contain only digits, spaces and + - ( ) . (found {0:?})")]
    Character(char),
    #[error("a phone number needs at least 3 digits")]
    Digits,
    #[error("+ may only start a phone number")]
    Plus,
}

impl Phone {
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let input = input.trim();
        let len = input.chars().count();
        if !(3..=32).contains(&len) {
            return Err(PhoneError::Length(len));
        }
        if let Some(bad) = input
            .chars()
            .find(|c| !(c.is_ascii_digit() || " +-().".contains(*c)))
        {
            return Err(PhoneError::Character(bad));
        }
        if input.bytes().filter(u8::is_ascii_digit).count() < 3 {
            return Err(PhoneError::Digits);
        }
        if input.get(1..).is_some_and(|rest| rest.contains('+')) {
            return Err(PhoneError::Plus);
        }
        Ok(Self(input.to_owned()))
    }

    /// As the owner wrote it, for display.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits and a leading `+` only: the `tel:` URI and vCard form.
    pub fn dial(&self) -> String {
        self.0
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    }
}

crate::text::text_newtype!(Phone, PhoneError, display = as_str);

/// The target of a link button or social icon. JSON form: the URL string,
/// `https://…`, `mailto:ann@example.com` or `tel:+44 20 7946 0000`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum LinkUrl {
    Web(Destination),
    Email(Email),
    Phone(Phone),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkUrlError {
    #[error(transparent)]
    Web(#[from] DestinationError),
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    Phone(#[from] PhoneError),
    #[error("mailto: links may only contain an email address (no ?subject= or other headers)")]
    MailtoHeaders,
}

impl LinkUrl {
    /// Accepts `http(s)://` (see [`Destination`]), `mailto:<address>` (no
    /// `?subject=` headers) and `tel:<number>`; schemes are case-insensitive.
    pub fn parse(input: &str) -> Result<Self, LinkUrlError> {
        let input = input.trim();
        let scheme = |s: &str| {
            input
                .get(..s.len())
                .filter(|p| p.eq_ignore_ascii_case(s))
                .and_then(|_| input.get(s.len()..))
        };
        if let Some(address) = scheme("mailto:") {
            if address.contains('?') {
                return Err(LinkUrlError::MailtoHeaders);
            }
            return Ok(Self::Email(Email::parse(address)?));
        }
        if let Some(number) = scheme("tel:") {
            return Ok(Self::Phone(Phone::parse(number)?));
        }
        Ok(Self::Web(Destination::parse(input)?))
    }

    /// The `href`: web URLs as normalised, `mailto:` with the address
    /// percent-encoded beyond `A-Z a-z 0-9 . - _ + @` (RFC 6068: `?`, `#`,
    /// `%` and `&` are special in mailto URIs), `tel:` with digits and `+`.
    pub fn href(&self) -> String {
        match self {
            LinkUrl::Web(d) => d.as_str().to_owned(),
            LinkUrl::Email(e) => {
                let mut out = String::from("mailto:");
                for b in e.as_str().bytes() {
                    if b.is_ascii_alphanumeric() || b"._-+@".contains(&b) {
                        out.push(char::from(b));
                    } else {
                        let _ = write!(out, "%{b:02X}");
                    }
                }
                out
            }
            LinkUrl::Phone(p) => format!("tel:{}", p.dial()),
        }
    }

    pub fn is_web(&self) -> bool {
        matches!(self, LinkUrl::Web(_))
    }
}

impl fmt::Display for LinkUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkUrl::Web(d) => f.write_str(d.as_str()),
            LinkUrl::Email(e) => write!(f, "mailto:{e}"),
            LinkUrl::Phone(p) => write!(f, "tel:{}", p.as_str()),
        }
    }
}

crate::text::text_newtype!(LinkUrl, LinkUrlError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_keep_their_display_form_and_dial_digits() {
        let p = Phone::parse(" +49 (30) 123-45.67 ").unwrap();
        assert_eq!(p.as_str(), "+49 (30) 123-45.67");
        assert_eq!(p.dial(), "+49301234567");
        for bad in [
            "12",
            "1-2",
            "+1 800 FLOWERS",
            "12+34",
            "123;tel",
            &"1".repeat(33),
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn link_urls_accept_web_mail_and_tel() {
        let web = LinkUrl::parse("https://Shop.example/x").unwrap();
        assert_eq!(web.href(), "https://shop.example/x");
        let mail = LinkUrl::parse("MAILTO:o'brien+news@Example.ie").unwrap();
        assert_eq!(mail.to_string(), "mailto:o'brien+news@example.ie");
        assert_eq!(mail.href(), "mailto:o%27brien+news@example.ie");
        let tel = LinkUrl::parse("tel:+44 20 7946 0000").unwrap();
        assert_eq!(tel.href(), "tel:+442079460000");
        assert_eq!(LinkUrl::parse(&tel.to_string()).unwrap(), tel);
        for bad in [
            "javascript:alert(1)",
            "mailto:a@b.com?subject=hi",
            "mailto:",
            "tel:call-me",
            "data:text/html,x",
            "//example.com",
        ] {
            assert!(LinkUrl::parse(bad).is_err(), "{bad:?}");
        }
    }
}
