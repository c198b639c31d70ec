//! What the edge knows about one scan, already parsed into domain types.

use crate::event::{MAX_PLACE_CHARS, VisitorHash};
use crate::language::parse_accept_language;
use crate::tz::Zone;
use crate::ua::{Browser, DeviceType, Os, classify};
use crate::{CountryCode, LanguageTag};

/// The raw facts a Worker reads off a request, before any parsing. Keeping
/// the parsing here leaves the Worker a shell that only copies strings.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    pub now_ms: i64,
    pub user_agent: &'a str,
    pub accept_language: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// `request.cf.country`, `region`, `city`, `timezone`.
    pub country: Option<&'a str>,
    pub region: Option<&'a str>,
    pub city: Option<&'a str>,
    pub timezone: Option<&'a str>,
    pub visitor: VisitorHash,
    pub unlocked: bool,
}

/// Built by the Worker from the request (`request.cf`, User-Agent,
/// Accept-Language, query); the decision engine reads nothing else, which is
/// what makes it testable without a runtime.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanContext {
    /// The instant of the scan, Unix milliseconds (UTC).
    pub now_ms: i64,
    /// The visitor's time zone as the edge reports it (`request.cf.timezone`),
    /// used by time rules that do not name their own zone.
    pub timezone: Option<Zone>,
    pub country: Option<CountryCode>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub device: DeviceType,
    pub os: Os,
    pub browser: Browser,
    /// Most preferred first (see [`crate::language::parse_accept_language`]).
    pub languages: Vec<LanguageTag>,
    /// Decoded query pairs of the scanned URL, in order.
    pub query: Vec<(String, String)>,
    /// A crawler or link preview: served, never counted.
    pub is_bot: bool,
    /// Keeps one visitor on one A/B arm (derived from the visitor hash).
    pub seed: u64,
    /// The shell checked the password form or the unlock cookie.
    pub unlocked: bool,
}

impl ScanContext {
    /// Parses what the edge knows. Anything unparseable (an `XX` country, an
    /// unknown zone, a garbage header) becomes "unknown", never an error: a
    /// scan must be answered whatever the request looks like.
    pub fn from_request(facts: &RequestFacts<'_>) -> Self {
        let agent = classify(facts.user_agent);
        let place = |value: Option<&str>| {
            value
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| v.chars().take(MAX_PLACE_CHARS).collect::<String>())
        };
        Self {
            now_ms: facts.now_ms,
            timezone: facts.timezone.and_then(|tz| Zone::parse(tz).ok()),
            country: facts.country.and_then(|c| CountryCode::parse(c).ok()),
            region: place(facts.region),
            city: place(facts.city),
            device: agent.device,
            os: agent.os,
            browser: agent.browser,
            languages: parse_accept_language(facts.accept_language),
            query: parse_query(facts.query),
            is_bot: agent.is_bot(),
            seed: facts.visitor.seed(),
            unlocked: facts.unlocked,
        }
    }

    /// A context with nothing known but the time: what a scan with no headers looks like.
    pub fn at(now_ms: i64) -> Self {
        Self {
            now_ms,
            timezone: None,
            country: None,
            region: None,
            city: None,
            device: DeviceType::Other,
            os: Os::Other,
            browser: Browser::Other,
            languages: Vec::new(),
            query: Vec::new(),
            is_bot: false,
            seed: 0,
            unlocked: false,
        }
    }
}

/// Decodes a raw query string (`a=1&b=x%20y`) into pairs, bounded so a
/// hostile URL cannot make the edge allocate without limit.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    const MAX_PAIRS: usize = 64;
    form_urlencoded::parse(raw.trim_start_matches('?').as_bytes())
        .take(MAX_PAIRS)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn facts<'a>(user_agent: &'a str, country: Option<&'a str>) -> RequestFacts<'a> {
        RequestFacts {
            now_ms: 1_795_176_000_000,
            user_agent,
            accept_language: "fr-CA,fr;q=0.9,en;q=0.5",
            query: "src=flyer&x=%C3%A9",
            country,
            region: Some("Quebec"),
            city: Some(" Montréal "),
            timezone: Some("America/Toronto"),
            visitor: VisitorHash::compute(b"k", 0, "198.51.100.1", user_agent),
            unlocked: false,
        }
    }

    #[test]
    fn a_phone_request_becomes_a_typed_scan() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        let scan = ScanContext::from_request(&facts(iphone, Some("CA")));
        assert_eq!(
            (scan.device, scan.os, scan.browser, scan.is_bot),
            (DeviceType::Mobile, Os::Ios, Browser::Safari, false)
        );
        assert_eq!(scan.country.map(|c| c.to_string()).as_deref(), Some("CA"));
        assert_eq!(scan.city.as_deref(), Some("Montréal"));
        assert_eq!(
            scan.timezone.as_ref().map(Zone::as_str),
            Some("America/Toronto")
        );
        assert_eq!(
            scan.languages.first().map(LanguageTag::as_str),
            Some("fr-CA")
        );
        assert_eq!(
            scan.query,
            vec![
                ("src".to_owned(), "flyer".to_owned()),
                ("x".to_owned(), "é".to_owned())
            ]
        );
        assert_ne!(scan.seed, 0);
    }

    #[test]
    fn link_previews_are_bots_and_unknown_values_are_dropped() {
        let scan = ScanContext::from_request(&facts("facebookexternalhit/1.1", Some("XX")));
        assert!(scan.is_bot);
        assert_eq!(scan.country, None);
        let scan = ScanContext::from_request(&RequestFacts {
            timezone: Some("Mars/Olympus"),
            ..facts("", Some("T1"))
        });
        assert!(scan.is_bot, "an empty User-Agent is not a person");
        assert_eq!((scan.country, scan.timezone), (None, None));
    }

    proptest! {
        #[test]
        fn any_request_gives_a_context(ua in "\\PC{0,300}", lang in "\\PC{0,100}", query in "\\PC{0,200}", country in "\\PC{0,3}") {
            let facts = RequestFacts { accept_language: &lang, query: &query, ..facts(&ua, Some(&country)) };
            let scan = ScanContext::from_request(&facts);
            prop_assert!(scan.query.len() <= 64);
        }
    }
}
