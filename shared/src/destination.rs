//! Where a link sends people: an absolute http(s) URL, checked once here.

use serde::{Deserialize, Deserializer, Serialize};

pub const MAX_DESTINATION_BYTES: usize = 2048;

/// A validated destination URL: absolute `http`/`https`, a host, no
/// credentials, at most 2048 bytes once normalised (IDN hosts in punycode).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct Destination(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    #[error("a destination is required")]
    Empty,
    #[error("a destination may be at most {MAX_DESTINATION_BYTES} bytes (got {0})")]
    TooLong(usize),
    #[error("a destination may not contain spaces or control characters")]
    Whitespace,
    #[error("the destination is not a valid absolute URL: {0}")]
    Malformed(String),
    #[error("only http and https destinations are allowed (got {0:?})")]
    Scheme(String),
    #[error("the destination must have a host name")]
    MissingHost,
    #[error("the destination may not contain a user name or password")]
    Credentials,
}

impl Destination {
    pub fn parse(input: &str) -> Result<Self, DestinationError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(DestinationError::Empty);
        }
        if input.len() > MAX_DESTINATION_BYTES {
            return Err(DestinationError::TooLong(input.len()));
        }
        // The URL parser silently strips tabs and newlines; a destination that
        // needs them is almost certainly an injection attempt, so refuse it.
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(DestinationError::Whitespace);
        }
        let url = url::Url::parse(input).map_err(|e| match e {
            url::ParseError::RelativeUrlWithoutBase => {
                DestinationError::Malformed("it has no scheme, e.g. https://".to_owned())
            }
            other => DestinationError::Malformed(other.to_string()),
        })?;
        match url.scheme() {
            "http" | "https" => {}
            other => return Err(DestinationError::Scheme(other.to_owned())),
        }
        match url.host_str() {
            None | Some("") => return Err(DestinationError::MissingHost),
            Some(_) => {}
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(DestinationError::Credentials);
        }
        let normalised = String::from(url);
        if normalised.len() > MAX_DESTINATION_BYTES {
            return Err(DestinationError::TooLong(normalised.len()));
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host, lower-cased and in punycode (what analytics group by).
    pub fn host(&self) -> &str {
        let after_scheme = self.0.split_once("://").map_or("", |(_, rest)| rest);
        let authority = after_scheme
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default();
        // No credentials by construction, so only a port can follow the host;
        // IPv6 literals keep their brackets.
        match authority.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                host
            }
            _ => authority,
        }
    }
}

impl<'de> Deserialize<'de> for Destination {
    /// Human-readable formats (JSON from the API) are validated. Binary formats
    /// are only ever our own edge records, written from values that were
    /// validated when the owner saved them; re-checking on every scan would cost
    /// CPU and, worse, would turn an old link into a 404 the day the rules get
    /// stricter.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let human = deserializer.is_human_readable();
        let raw = String::deserialize(deserializer)?;
        if human {
            Self::parse(&raw).map_err(serde::de::Error::custom)
        } else {
            Ok(Self(raw))
        }
    }
}

crate::text::text_newtype!(Destination, DestinationError, display = as_str);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises_http_urls() {
        let d = Destination::parse(" https://Example.com/menu?x=1#top ").unwrap();
        assert_eq!(d.as_str(), "https://example.com/menu?x=1#top");
        assert_eq!(d.host(), "example.com");
        assert_eq!(
            Destination::parse("http://shop.test:8080").unwrap().host(),
            "shop.test"
        );
    }

    #[test]
    fn converts_idn_hosts_to_punycode() {
        let d = Destination::parse("https://bücher.example/straße").unwrap();
        assert_eq!(d.host(), "xn--bcher-kva.example");
        assert_eq!(d.as_str(), "https://xn--bcher-kva.example/stra%C3%9Fe");
    }

    #[test]
    fn rejects_dangerous_and_malformed_input() {
        use DestinationError::*;
        let cases = [
            ("", Empty),
            ("javascript:alert(1)", Scheme("javascript".into())),
            ("JaVaScRiPt:alert(1)", Scheme("javascript".into())),
            ("data:text/html,<script>", Scheme("data".into())),
            ("file:///etc/passwd", Scheme("file".into())),
            ("ftp://example.com", Scheme("ftp".into())),
            ("https://user:pw@example.com", Credentials),
            ("https://user@example.com", Credentials),
            ("java\tscript:alert(1)", Whitespace),
            ("https://exa mple.com", Whitespace),
        ];
        for (input, expected) in cases {
            assert_eq!(Destination::parse(input), Err(expected), "{input}");
        }
        assert!(matches!(
            Destination::parse("example.com"),
            Err(Malformed(_))
        ));
        assert!(matches!(
            Destination::parse("https://"),
            Err(Malformed(_) | MissingHost)
        ));
        // An `xn--` label is an ASCII-encoded international name: it must be valid Punycode.
        assert!(matches!(
            Destination::parse("http://xn--.example"),
            Err(Malformed(_))
        ));
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert!(matches!(Destination::parse(&long), Err(TooLong(_))));
    }

    #[test]
    fn json_is_validated_but_binary_records_are_trusted() {
        assert!(serde_json::from_str::<Destination>("\"javascript:alert(1)\"").is_err());
        let trusted = Destination("https://example.com/".into());
        let bytes = postcard::to_allocvec(&trusted).unwrap();
        assert_eq!(
            postcard::from_bytes::<Destination>(&bytes).unwrap(),
            trusted
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_only_yields_http_urls(input in "\\PC{0,200}") {
            if let Ok(d) = Destination::parse(&input) {
                prop_assert!(d.as_str().starts_with("http://") || d.as_str().starts_with("https://"));
                prop_assert!(d.as_str().len() <= MAX_DESTINATION_BYTES);
            }
        }

        #[test]
        fn valid_urls_parse_and_are_idempotent(
            scheme in "https?",
            // Plain ASCII labels only: a label starting `xn--` is Punycode and is refused
            // unless it decodes (tested in `rejects_dangerous_and_malformed_input`).
            host in "[a-z][a-z0-9-]{0,20}\\.[a-z]{2,6}"
                .prop_filter("xn-- labels are Punycode", |h: &String| !h.starts_with("xn--")),
            path in "(/[A-Za-z0-9._~-]{0,12}){0,4}",
            query in "(\\?[a-z]{1,5}=[A-Za-z0-9]{0,8}(&[a-z]{1,5}=[A-Za-z0-9]{0,8}){0,3})?",
        ) {
            let input = format!("{scheme}://{host}{path}{query}");
            let d = Destination::parse(&input).unwrap();
            prop_assert_eq!(d.host(), host.as_str());
            prop_assert_eq!(Destination::parse(d.as_str()).unwrap(), d);
        }
    }
}
