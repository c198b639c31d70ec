//! Short codes: the `<code>` in `https://<edge>/<code>`.

use serde::{Deserialize, Serialize};

/// Paths the edge and the API answer themselves; a link may never shadow them.
/// Compared case-insensitively so `/API` cannot be registered to confuse people.
pub const RESERVED_CODES: &[&str] = &[
    "_scanly",
    "admin",
    "api",
    "app",
    "assets",
    "dashboard",
    "favicon.ico",
    "healthz",
    "login",
    "logout",
    "q",
    "robots.txt",
    "signup",
    "static",
    "v1",
    "v2",
    "well-known",
    "www",
];

/// Generated codes avoid characters people misread on print: 0/O/o and 1/l/I.
pub const GENERATED_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";
pub const GENERATED_LEN: usize = 7;
pub const MIN_LEN: usize = 3;
pub const MAX_LEN: usize = 64;

/// A validated short code. Case-sensitive: `Menu` and `menu` are two codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShortCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShortCodeError {
    #[error("a code must be {MIN_LEN} to {MAX_LEN} characters long (got {0})")]
    Length(usize),
    #[error("a code may contain only letters, digits, '-' and '_' (found {0:?})")]
    Character(char),
    #[error("the code {0:?} is reserved")]
    Reserved(String),
}

impl ShortCode {
    pub fn parse(input: &str) -> Result<Self, ShortCodeError> {
        let len = input.chars().count();
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return Err(ShortCodeError::Length(len));
        }
        if let Some(bad) = input
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(ShortCodeError::Character(bad));
        }
        if is_reserved(input) {
            return Err(ShortCodeError::Reserved(input.to_owned()));
        }
        Ok(Self(input.to_owned()))
    }

    /// A fresh random code. `fill` supplies random bytes (the caller's RNG:
    /// `getrandom` on both sides), which keeps this crate free of I/O.
    /// Rejection sampling keeps every character equally likely.
    pub fn generate(mut fill: impl FnMut(&mut [u8])) -> Self {
        let alphabet_len = GENERATED_ALPHABET.len();
        // Largest multiple of the alphabet size that fits in a byte.
        let limit = (256 / alphabet_len) * alphabet_len;
        let mut code = String::with_capacity(GENERATED_LEN);
        let mut buf = [0u8; 16];
        while code.len() < GENERATED_LEN {
            fill(&mut buf);
            for byte in buf {
                let byte = usize::from(byte);
                if byte < limit
                    && code.len() < GENERATED_LEN
                    && let Some(c) = GENERATED_ALPHABET.get(byte % alphabet_len)
                {
                    code.push(char::from(*c));
                }
            }
        }
        // The alphabet has no '.', '_' or 'l', so no reserved word can come out,
        // but the type's invariant is cheap to keep honest.
        debug_assert!(!is_reserved(&code));
        Self(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn is_reserved(code: &str) -> bool {
    RESERVED_CODES.iter().any(|r| r.eq_ignore_ascii_case(code))
}

crate::text::text_newtype!(ShortCode, ShortCodeError, display = as_str);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_custom_codes_and_keeps_case() {
        assert_eq!(
            ShortCode::parse("Menu-2024_x").unwrap().as_str(),
            "Menu-2024_x"
        );
        assert_ne!(
            ShortCode::parse("Menu").unwrap(),
            ShortCode::parse("menu").unwrap()
        );
    }

    #[test]
    fn rejects_bad_lengths_characters_and_reserved_words() {
        assert_eq!(ShortCode::parse("ab"), Err(ShortCodeError::Length(2)));
        assert_eq!(
            ShortCode::parse(&"a".repeat(65)),
            Err(ShortCodeError::Length(65))
        );
        assert_eq!(ShortCode::parse("a/b"), Err(ShortCodeError::Character('/')));
        assert_eq!(
            ShortCode::parse("café"),
            Err(ShortCodeError::Character('é'))
        );
        assert_eq!(ShortCode::parse("a b"), Err(ShortCodeError::Character(' ')));
        for word in [
            "v1",
            "API",
            "healthz",
            "robots.txt",
            "favicon.ico",
            "_scanly",
        ] {
            assert!(ShortCode::parse(word).is_err(), "{word} must be refused");
        }
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<ShortCode>("\"ok-code\"").is_ok());
        let err = serde_json::from_str::<ShortCode>("\"no way\"").unwrap_err();
        assert!(err.to_string().contains("may contain only"), "{err}");
    }

    proptest! {
        #[test]
        fn generated_codes_are_valid_unambiguous_and_seven_long(seed: [u8; 32]) {
            let mut offset = 0usize;
            let code = ShortCode::generate(|buf| {
                for b in buf.iter_mut() {
                    *b = seed[offset % seed.len()].wrapping_add((offset / seed.len()) as u8);
                    offset += 1;
                }
            });
            prop_assert_eq!(code.as_str().len(), GENERATED_LEN);
            prop_assert!(ShortCode::parse(code.as_str()).is_ok());
            prop_assert!(!code.as_str().contains(['0', 'O', 'o', '1', 'l', 'I']));
        }

        #[test]
        fn parse_accepts_exactly_the_documented_language(input in "[A-Za-z0-9_.~ -]{0,70}") {
            let expected = (MIN_LEN..=MAX_LEN).contains(&input.len())
                && input.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !is_reserved(&input);
            prop_assert_eq!(ShortCode::parse(&input).is_ok(), expected);
        }

        #[test]
        fn valid_codes_round_trip_through_json(input in "[A-Za-z0-9_-]{3,64}") {
            prop_assume!(!is_reserved(&input));
            let code = ShortCode::parse(&input).unwrap();
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<ShortCode>(&json).unwrap(), code);
        }
    }
}
