//! ISO 3166-1 alpha-2 country codes, as Cloudflare reports them in `request.cf.country`.

use serde::{Deserialize, Serialize};

/// Every officially assigned ISO 3166-1 alpha-2 code, plus `XK` (Kosovo),
/// which Cloudflare and most geo databases use. Sorted for binary search.
const ASSIGNED: &[[u8; 2]] = &[
    *b"AD", *b"AE", *b"AF", *b"AG", *b"AI", *b"AL", *b"AM", *b"AO", *b"AQ", *b"AR", *b"AS", *b"AT",
    *b"AU", *b"AW", *b"AX", *b"AZ", *b"BA", *b"BB", *b"BD", *b"BE", *b"BF", *b"BG", *b"BH", *b"BI",
    *b"BJ", *b"BL", *b"BM", *b"BN", *b"BO", *b"BQ", *b"BR", *b"BS", *b"BT", *b"BV", *b"BW", *b"BY",
    *b"BZ", *b"CA", *b"CC", *b"CD", *b"CF", *b"CG", *b"CH", *b"CI", *b"CK", *b"CL", *b"CM", *b"CN",
    *b"CO", *b"CR", *b"CU", *b"CV", *b"CW", *b"CX", *b"CY", *b"CZ", *b"DE", *b"DJ", *b"DK", *b"DM",
    *b"DO", *b"DZ", *b"EC", *b"EE", *b"EG", *b"EH", *b"ER", *b"ES", *b"ET", *b"FI", *b"FJ", *b"FK",
    *b"FM", *b"FO", *b"FR", *b"GA", *b"GB", *b"GD", *b"GE", *b"GF", *b"GG", *b"GH", *b"GI", *b"GL",
    *b"GM", *b"GN", *b"GP", *b"GQ", *b"GR", *b"GS", *b"GT", *b"GU", *b"GW", *b"GY", *b"HK", *b"HM",
    *b"HN", *b"HR", *b"HT", *b"HU", *b"ID", *b"IE", *b"IL", *b"IM", *b"IN", *b"IO", *b"IQ", *b"IR",
    *b"IS", *b"IT", *b"JE", *b"JM", *b"JO", *b"JP", *b"KE", *b"KG", *b"KH", *b"KI", *b"KM", *b"KN",
    *b"KP", *b"KR", *b"KW", *b"KY", *b"KZ", *b"LA", *b"LB", *b"LC", *b"LI", *b"LK", *b"LR", *b"LS",
    *b"LT", *b"LU", *b"LV", *b"LY", *b"MA", *b"MC", *b"MD", *b"ME", *b"MF", *b"MG", *b"MH", *b"MK",
    *b"ML", *b"MM", *b"MN", *b"MO", *b"MP", *b"MQ", *b"MR", *b"MS", *b"MT", *b"MU", *b"MV", *b"MW",
    *b"MX", *b"MY", *b"MZ", *b"NA", *b"NC", *b"NE", *b"NF", *b"NG", *b"NI", *b"NL", *b"NO", *b"NP",
    *b"NR", *b"NU", *b"NZ", *b"OM", *b"PA", *b"PE", *b"PF", *b"PG", *b"PH", *b"PK", *b"PL", *b"PM",
    *b"PN", *b"PR", *b"PS", *b"PT", *b"PW", *b"PY", *b"QA", *b"RE", *b"RO", *b"RS", *b"RU", *b"RW",
    *b"SA", *b"SB", *b"SC", *b"SD", *b"SE", *b"SG", *b"SH", *b"SI", *b"SJ", *b"SK", *b"SL", *b"SM",
    *b"SN", *b"SO", *b"SR", *b"SS", *b"ST", *b"SV", *b"SX", *b"SY", *b"SZ", *b"TC", *b"TD", *b"TF",
    *b"TG", *b"TH", *b"TJ", *b"TK", *b"TL", *b"TM", *b"TN", *b"TO", *b"TR", *b"TT", *b"TV", *b"TW",
    *b"TZ", *b"UA", *b"UG", *b"UM", *b"US", *b"UY", *b"UZ", *b"VA", *b"VC", *b"VE", *b"VG", *b"VI",
    *b"VN", *b"VU", *b"WF", *b"WS", *b"XK", *b"YE", *b"YT", *b"ZA", *b"ZM", *b"ZW",
];

/// A country, stored as its two upper-case letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an ISO 3166-1 alpha-2 country code (e.g. US, DE, JP)")]
pub struct CountryCodeError(pub String);

impl CountryCode {
    /// Accepts any letter case; Cloudflare's pseudo-codes `XX` (unknown) and
    /// `T1` (Tor) are not countries and are refused.
    pub fn parse(input: &str) -> Result<Self, CountryCodeError> {
        let error = || CountryCodeError(input.to_owned());
        let bytes = input.trim().as_bytes();
        let [a, b] = bytes else { return Err(error()) };
        let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
        if !code.iter().all(u8::is_ascii_uppercase) || !is_assigned(code) {
            return Err(error());
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        core::str::from_utf8(&self.0).unwrap_or("??")
    }
}

fn is_assigned(code: [u8; 2]) -> bool {
    ASSIGNED.binary_search(&code).is_ok()
}

crate::text::text_newtype!(CountryCode, CountryCodeError, display = as_str);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_table_is_sorted_and_complete() {
        let mut sorted = ASSIGNED.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ASSIGNED, sorted.as_slice());
        assert_eq!(ASSIGNED.len(), 250, "249 ISO codes plus XK");
    }

    #[test]
    fn parses_any_case_and_prints_upper_case() {
        assert_eq!(CountryCode::parse("de").unwrap().as_str(), "DE");
        assert_eq!(CountryCode::parse("Us").unwrap().to_string(), "US");
        assert!(CountryCode::parse("XK").is_ok());
    }

    #[test]
    fn rejects_unassigned_and_pseudo_codes() {
        for bad in ["", "U", "USA", "XX", "T1", "ZZ", "U1", "ü", "EU", "UK"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(input in "\\PC{0,4}") {
            let _ = CountryCode::parse(&input);
        }

        #[test]
        fn every_assigned_code_round_trips(index in 0usize..250) {
            let code = core::str::from_utf8(&ASSIGNED[index]).unwrap();
            let parsed = CountryCode::parse(&code.to_lowercase()).unwrap();
            prop_assert_eq!(parsed.as_str(), code);
        }
    }
}
