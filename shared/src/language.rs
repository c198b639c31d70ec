//! BCP 47 language tags (the common subset) and `Accept-Language` parsing.

use serde::{Deserialize, Serialize};

/// A language tag such as `en`, `pt-BR`, `zh-Hant-TW` or `es-419`, in
/// canonical case (language lower, script title, region upper). Private-use
/// and grandfathered tags are not accepted: routing rules never need them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LanguageTag(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a language tag (e.g. en, fr-CA, zh-Hant)")]
pub struct LanguageTagError(pub String);

/// Browsers send a handful; anything past this is noise or an attack.
const MAX_ACCEPTED_LANGUAGES: usize = 12;

impl LanguageTag {
    pub fn parse(input: &str) -> Result<Self, LanguageTagError> {
        let error = || LanguageTagError(input.to_owned());
        let input = input.trim();
        if input.is_empty() || input.len() > 35 {
            return Err(error());
        }
        let mut out = String::with_capacity(input.len());
        for (index, subtag) in input.split(['-', '_']).enumerate() {
            let alpha = subtag.bytes().all(|b| b.is_ascii_alphabetic());
            let alnum = subtag.bytes().all(|b| b.is_ascii_alphanumeric());
            let digits = subtag.bytes().all(|b| b.is_ascii_digit());
            let canonical = match (index, subtag.len()) {
                (0, 2..=3) if alpha => subtag.to_ascii_lowercase(),
                (0, _) => return Err(error()),
                (_, 4) if alpha => title_case(subtag),
                (_, 2) if alpha => subtag.to_ascii_uppercase(),
                (_, 3) if digits => subtag.to_owned(),
                (_, 1..=8) if alnum => subtag.to_ascii_lowercase(),
                _ => return Err(error()),
            };
            if index > 0 {
                out.push('-');
            }
            out.push_str(&canonical);
        }
        Ok(Self(out))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language subtag: `pt` for `pt-BR`.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }

    /// RFC 4647 basic filtering: this tag as a range matches `tag` when it is
    /// equal to it or a prefix of it ending at a subtag boundary, so `en`
    /// matches `en-GB` but `en-GB` does not match `en` or `en-US`.
    pub fn matches(&self, tag: &LanguageTag) -> bool {
        let (range, tag) = (self.as_str(), tag.as_str());
        tag.eq_ignore_ascii_case(range)
            || (tag.len() > range.len()
                && tag.as_bytes().get(range.len()) == Some(&b'-')
                && tag
                    .get(..range.len())
                    .is_some_and(|prefix| prefix.eq_ignore_ascii_case(range)))
    }
}

fn title_case(subtag: &str) -> String {
    let mut out = subtag.to_ascii_lowercase();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// Parses an `Accept-Language` header into the visitor's languages, most
/// preferred first (stable for equal weights). Invalid entries, `*` and
/// `q=0` are dropped; malformed weights count as 1 as browsers do.
pub fn parse_accept_language(header: &str) -> Vec<LanguageTag> {
    let mut weighted: Vec<(u16, LanguageTag)> = header
        .split(',')
        .take(MAX_ACCEPTED_LANGUAGES * 2)
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let tag = LanguageTag::parse(parts.next()?).ok()?;
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .map(parse_quality)
                .next()
                .unwrap_or(1000);
            (weight > 0).then_some((weight, tag))
        })
        .collect();
    weighted.sort_by_key(|(weight, _)| core::cmp::Reverse(*weight));
    let mut languages: Vec<LanguageTag> = Vec::with_capacity(weighted.len());
    for (_, tag) in weighted {
        if !languages.contains(&tag) && languages.len() < MAX_ACCEPTED_LANGUAGES {
            languages.push(tag);
        }
    }
    languages
}

/// `q` values in thousandths, so sorting needs no floats.
fn parse_quality(value: &str) -> u16 {
    let value = value.trim();
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    match whole {
        "1" => 1000,
        "0" => {
            let digits: String = fraction.chars().take(3).collect();
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return 1000;
            }
            let padded = format!("{digits:0<3}");
            padded.parse().unwrap_or(1000)
        }
        _ => 1000,
    }
}

crate::text::text_newtype!(LanguageTag, LanguageTagError, display = as_str);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tag(s: &str) -> LanguageTag {
        LanguageTag::parse(s).unwrap()
    }

    #[test]
    fn canonicalises_case() {
        assert_eq!(tag("EN-gb").as_str(), "en-GB");
        assert_eq!(tag("zh_hant_tw").as_str(), "zh-Hant-TW");
        assert_eq!(tag("es-419").as_str(), "es-419");
        assert_eq!(tag("pt-BR").primary(), "pt");
    }

    #[test]
    fn rejects_non_tags() {
        for bad in [
            "",
            "e",
            "english",
            "en-",
            "-en",
            "en--GB",
            "1en",
            "en-GB-toolongsubtag",
            "*",
            "x-private",
            "en GB",
        ] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ranges_match_on_subtag_boundaries() {
        assert!(tag("en").matches(&tag("en-GB")));
        assert!(tag("en").matches(&tag("en")));
        assert!(!tag("en-GB").matches(&tag("en")));
        assert!(!tag("en-GB").matches(&tag("en-US")));
        assert!(!tag("zh").matches(&tag("zha")));
    }

    #[test]
    fn accept_language_is_ordered_by_quality() {
        let langs = parse_accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5");
        let langs: Vec<&str> = langs.iter().map(LanguageTag::as_str).collect();
        assert_eq!(langs, ["fr-CH", "fr", "en", "de"]);

        let langs = parse_accept_language("en;q=0.1, de, ja;q=0, es;q=0.5");
        let langs: Vec<&str> = langs.iter().map(LanguageTag::as_str).collect();
        assert_eq!(langs, ["de", "es", "en"]);

        assert!(parse_accept_language("").is_empty());
        assert_eq!(parse_accept_language("en;q=banana")[0].as_str(), "en");
    }

    proptest! {
        #[test]
        fn accept_language_never_panics_and_is_bounded(header in "\\PC{0,400}") {
            prop_assert!(parse_accept_language(&header).len() <= MAX_ACCEPTED_LANGUAGES);
        }

        #[test]
        fn canonical_tags_round_trip(lang in "[a-z]{2,3}", region in "(-[A-Z]{2})?") {
            let t = tag(&format!("{lang}{region}"));
            prop_assert_eq!(tag(t.as_str()), t.clone());
            prop_assert!(tag(&lang).matches(&t));
        }
    }
}
