//! Property tests: `classify` is total, deterministic and consistent.

use crate::ua::scan::MAX_SCAN;
use crate::ua::{Browser, DeviceType, Os, classify};
use proptest::prelude::*;

/// Fragments of real UAs and tricky boundaries, to exercise matching paths
/// far more often than uniformly random text would.
const FRAGMENTS: &[&str] = &[
    "Mozilla/5.0 ",
    "(iPhone; CPU iPhone OS 17_2 like Mac OS X) ",
    "(Linux; Android 14; ",
    "; wv)",
    "Mobile ",
    "Safari/604.1 ",
    "Version/17.2 ",
    "Chrome/120.0 ",
    "CriOS/120 ",
    "Edg/120 ",
    "OPR/1 ",
    "SamsungBrowser/23 ",
    "Instagram 1 ",
    "[FBAN/FBIOS;FBAV/1]",
    "CUBOT",
    "bot",
    "Bot/",
    "-bot ",
    "robot",
    "crawl",
    "okhttp/4",
    "curl/8",
    "X11; CrOS ",
    "Microsoft",
    "Tab ",
    "iPad",
    "é",
    "日本",
    "🚀",
    " ",
    "\t",
    "/",
    ";",
    ")",
    "(",
    "+http",
    "Viber/",
    "node",
    "facebookexternalhit/1.1 Facebot Twitterbot/1.0",
];

fn fragment_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..64).prop_map(|v| v.concat())
}

fn huge_unicode() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..6000).prop_map(|v| v.into_iter().collect())
}

fn check(ua: &str) -> Result<(), TestCaseError> {
    let a = classify(ua);
    let b = classify(ua);
    prop_assert_eq!(a, b, "non-deterministic");
    if a.is_bot() {
        prop_assert_eq!(
            (a.device, a.os, a.browser),
            (DeviceType::Other, Os::Other, Browser::Other)
        );
    }
    // Matching ignores ASCII case (uppercasing keeps byte offsets identical).
    prop_assert_eq!(classify(&ua.to_ascii_uppercase()), a);
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_unicode_never_panics(ua in any::<String>()) {
        check(&ua)?;
    }

    #[test]
    fn huge_strings_never_panic(ua in huge_unicode()) {
        check(&ua)?;
    }

    #[test]
    fn fragment_soup_never_panics(ua in fragment_soup()) {
        check(&ua)?;
    }

    #[test]
    fn bytes_past_the_cap_are_ignored(tail in any::<String>()) {
        let head = "Mozilla/5.0 (X11; Linux x86_64) ".repeat(MAX_SCAN / 16);
        prop_assert_eq!(classify(&format!("{head}{tail}")), classify(&head));
    }
}
