//! Hostnames: which namespace of codes a request is for. The default host
//! serves everyone's generated codes; a custom domain serves only its
//! workspace's. Both the edge (reading `Host`) and the control plane
//! (publishing to a host) normalise through this one type.

use serde::{Deserialize, Serialize};

const MAX_HOST_CHARS: usize = 253;
const MAX_LABEL_CHARS: usize = 63;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a host must be a DNS name or IP address (letters, digits, '-' and '.'), at most 253 characters"
)]
pub struct HostnameError;

/// A lower-case DNS name (already punycoded, as in a `Host` header) or an
/// IPv4 address, without port or trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hostname(String);

impl Hostname {
    /// Accepts a `Host` header value: a port (`localhost:8787`) and a
    /// trailing dot are dropped, letters are lower-cased.
    pub fn parse(input: &str) -> Result<Self, HostnameError> {
        let input = input.trim();
        let without_port = match input.rsplit_once(':') {
            Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                host
            }
            Some(_) => return Err(HostnameError),
            None => input,
        };
        let host = without_port.strip_suffix('.').unwrap_or(without_port);
        let labels_ok = host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= MAX_LABEL_CHARS
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if host.is_empty() || host.len() > MAX_HOST_CHARS || !labels_ok {
            return Err(HostnameError);
        }
        Ok(Self(host.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::text_newtype!(Hostname, HostnameError, display = as_str);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn host_headers_are_normalised() {
        for (input, expected) in [
            ("Scan.Example.COM", "scan.example.com"),
            ("localhost:8787", "localhost"),
            ("go.shop.example.", "go.shop.example"),
            ("127.0.0.1:80", "127.0.0.1"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ] {
            assert_eq!(Hostname::parse(input).map(|h| h.0), Ok(expected.to_owned()));
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            ".",
            "a..b",
            "-a.example",
            "a-.example",
            "bücher.example",
            "a b",
            "host:port",
            "[::1]:80",
            "a/b",
            &"a".repeat(64),
            &format!("{}.com", "a.".repeat(126)),
        ] {
            assert_eq!(Hostname::parse(bad), Err(HostnameError), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(input in "\\PC{0,80}") {
            if let Ok(host) = Hostname::parse(&input) {
                prop_assert_eq!(Hostname::parse(host.as_str()), Ok(host.clone()));
                prop_assert!(host.as_str().len() <= MAX_HOST_CHARS);
            }
        }
    }
}
