//! UTM parameters an owner attaches to a link, and merging them into a
//! destination's query without duplicating keys.

use serde::{Deserialize, Serialize};

use crate::DomainError;

const MAX_UTM_VALUE_CHARS: usize = 200;

/// `utm_source`, `utm_medium`, … as set on the link. Values are free text
/// (percent-encoded on the way out), at most 200 characters, no control characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Utm {
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub medium: Option<String>,
    #[serde(default)]
    pub campaign: Option<String>,
    #[serde(default)]
    pub term: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
}

impl Utm {
    pub fn is_empty(&self) -> bool {
        self.pairs().next().is_none()
    }

    /// The parameters that are set, as query keys and values.
    pub fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("utm_source", &self.source),
            ("utm_medium", &self.medium),
            ("utm_campaign", &self.campaign),
            ("utm_term", &self.term),
            ("utm_content", &self.content),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_deref().map(|v| (key, v)))
    }

    /// Trims values, drops empty ones and checks lengths.
    pub fn validated(self) -> Result<Self, DomainError> {
        let check = |field: &str, value: Option<String>| -> Result<Option<String>, DomainError> {
            let Some(value) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
                return Ok(None);
            };
            if value.chars().count() > MAX_UTM_VALUE_CHARS || value.chars().any(char::is_control) {
                return Err(DomainError::invalid(
                    format!("utm.{field}"),
                    format!("at most {MAX_UTM_VALUE_CHARS} characters, no control characters"),
                ));
            }
            Ok(Some(value))
        };
        Ok(Self {
            source: check("source", self.source)?,
            medium: check("medium", self.medium)?,
            campaign: check("campaign", self.campaign)?,
            term: check("term", self.term)?,
            content: check("content", self.content)?,
        })
    }
}

/// Adds the link's UTM parameters to `url`. A parameter the link sets
/// replaces any occurrence already in the destination (the owner's explicit
/// setting wins, and the key is never duplicated); every other part of the
/// URL is kept byte for byte, so the destination server sees its own
/// encoding unchanged. The fragment stays last.
pub fn apply_utm(url: &str, utm: &Utm) -> String {
    if utm.is_empty() {
        return url.to_owned();
    }
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((head, frag)) => (head, Some(frag)),
        None => (url, None),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((base, query)) => (base, query),
        None => (before_fragment, ""),
    };
    let mut out = String::with_capacity(url.len() + 64);
    out.push_str(base);
    let mut separator = '?';
    for raw in query.split('&').filter(|p| !p.is_empty()) {
        let raw_key = raw.split('=').next().unwrap_or_default();
        let key: String = form_urlencoded::parse(raw_key.as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default();
        if utm.pairs().any(|(utm_key, _)| utm_key == key) {
            continue;
        }
        out.push(separator);
        out.push_str(raw);
        separator = '&';
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    serializer.extend_pairs(utm.pairs());
    out.push(separator);
    out.push_str(&serializer.finish());
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utm(source: &str, campaign: &str) -> Utm {
        Utm {
            source: Some(source.into()),
            campaign: Some(campaign.into()),
            ..Utm::default()
        }
    }

    #[test]
    fn appends_to_urls_without_a_query() {
        assert_eq!(
            apply_utm("https://shop.test/menu", &utm("flyer", "spring sale")),
            "https://shop.test/menu?utm_source=flyer&utm_campaign=spring+sale"
        );
    }

    #[test]
    fn keeps_existing_parameters_and_the_fragment() {
        assert_eq!(
            apply_utm("https://shop.test/?a=1&b=x%20y#top", &utm("qr", "c")),
            "https://shop.test/?a=1&b=x%20y&utm_source=qr&utm_campaign=c#top"
        );
    }

    #[test]
    fn replaces_keys_the_link_sets_instead_of_duplicating_them() {
        assert_eq!(
            apply_utm(
                "https://shop.test/?utm_source=old&x=1&utm_source=older&utm_medium=print",
                &utm("new", "c")
            ),
            "https://shop.test/?x=1&utm_medium=print&utm_source=new&utm_campaign=c"
        );
        // An encoded key is the same key.
        assert_eq!(
            apply_utm("https://shop.test/?utm%5Fsource=old", &utm("new", "c")),
            "https://shop.test/?utm_source=new&utm_campaign=c"
        );
    }

    #[test]
    fn no_utm_leaves_the_url_alone() {
        assert_eq!(
            apply_utm("https://shop.test/?a=1#x", &Utm::default()),
            "https://shop.test/?a=1#x"
        );
    }

    #[test]
    fn validation_trims_and_limits() {
        let cleaned = Utm {
            source: Some("  flyer ".into()),
            medium: Some("   ".into()),
            ..Utm::default()
        }
        .validated()
        .unwrap();
        assert_eq!(cleaned.source.as_deref(), Some("flyer"));
        assert_eq!(cleaned.medium, None);
        let long = Utm {
            term: Some("x".repeat(201)),
            ..Utm::default()
        };
        assert!(
            long.validated()
                .unwrap_err()
                .to_string()
                .starts_with("utm.term")
        );
    }

    proptest! {
        #[test]
        fn every_utm_key_appears_exactly_once_with_its_value(
            query in "([a-z_]{1,10}=[a-z0-9%]{0,6}&?){0,5}",
            source in "\\PC{1,20}",
        ) {
            let url = format!("https://shop.test/p?{query}&utm_source=stale");
            let merged = apply_utm(&url, &Utm { source: Some(source.clone()), ..Utm::default() });
            let parsed = url::Url::parse(&merged).unwrap();
            let values: Vec<String> = parsed.query_pairs().filter(|(k, _)| k == "utm_source").map(|(_, v)| v.into_owned()).collect();
            prop_assert_eq!(values, vec![source]);
        }
    }
}
