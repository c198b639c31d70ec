//! Bot priority, generic tokens and false positives.

use super::{CHROME_ANDROID, bot, triple};
use crate::ua::scan::{At, Hit};
use crate::ua::{Bot, BotKind, classify};

#[test]
fn empty_and_whitespace_are_bots() {
    for ua in ["", " ", "\t\r\n  "] {
        assert_eq!(
            bot(ua),
            Bot {
                name: "empty",
                kind: BotKind::HttpClient
            },
            "{ua:?}"
        );
    }
}

#[test]
fn cubot_and_robot_are_not_bots() {
    for ua in [
        "Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 11; Cubot KingKong 5 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 12; CUBOT-NOTE-20) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 9; Robot Vacuum Panel) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        // "bot" inside a word but not at its end.
        "Mozilla/5.0 (Linux; Android 13; Botswana Edition) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
    ] {
        assert_eq!(classify(ua).bot, None, "{ua}");
        assert!(!classify(ua).is_bot(), "{ua}");
    }
}

#[test]
fn generic_bot_tokens() {
    let generic = |ua: &str| bot(ua).name;
    assert_eq!(generic("Mozilla/5.0 (compatible; SuperFooBot/1.0)"), "bot");
    assert_eq!(
        generic("Mozilla/5.0 (compatible; foo-bot; like Gecko)"),
        "bot"
    );
    assert_eq!(generic("random bot"), "bot");
    assert_eq!(generic("AcmeCrawler/2.1"), "crawler");
    assert_eq!(generic("Sogou web spider/4.0"), "spider");
    assert_eq!(generic("Quora Link Preview/1.0"), "preview");
    assert_eq!(
        generic("Mozilla/5.0 (compatible; Acme/1.0; +https://acme.example/about)"),
        "bot"
    );
    assert_eq!(
        bot("Mozilla/5.0 (compatible; SuperFooBot/1.0)").kind,
        BotKind::Other
    );
}

#[test]
fn bots_that_quote_other_bots_keep_their_own_name() {
    assert_eq!(bot("TelegramBot (like TwitterBot)").name, "TelegramBot");
    assert_eq!(
        bot("facebookexternalhit/1.1 Facebot Twitterbot/1.0").name,
        "iMessage"
    );
    let linkedin =
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)";
    assert_eq!(
        bot(linkedin),
        Bot {
            name: "LinkedInBot",
            kind: BotKind::LinkPreview
        }
    );
    // Snapchat's preview fetcher says "snapchat" like the in-app browser.
    let snap = "Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots)";
    assert_eq!(bot(snap).name, "Snapchat");
}

#[test]
fn okhttp_only_when_bare() {
    assert_eq!(bot("okhttp/4.12.0").name, "okhttp");
    let app = "Mozilla/5.0 (Linux; Android 13; Pixel 7) MyShop/5.2.1 okhttp/4.9.3";
    assert_eq!(classify(app).bot, None);
    assert_eq!(
        classify("Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7) Java/17").bot,
        None
    );
}

#[test]
fn viber_preview_only_when_anchored() {
    assert_eq!(
        bot("Viber/20.9.0.8 CFNetwork/1410.0.3 Darwin/22.6.0").name,
        "Viber"
    );
    let in_app = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Viber/20.9";
    assert_eq!(classify(in_app).bot, None);
}

#[test]
fn synthetic_monitor_and_automation_markers() {
    let cases = [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 StatusCake",
            "StatusCake",
            BotKind::Monitor,
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Puppeteer",
            "Puppeteer",
            BotKind::Headless,
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) Playwright/1.40",
            "Playwright",
            BotKind::Headless,
        ),
        (
            "Mozilla/5.0 (compatible; Google-Safety; +http://www.google.com/bot.html)",
            "Google",
            BotKind::SearchCrawler,
        ),
        ("Dart/3.2 (dart:io)", "Dart", BotKind::HttpClient),
    ];
    for (ua, name, kind) in cases {
        assert_eq!(bot(ua), Bot { name, kind }, "{ua}");
    }
}

#[test]
fn matching_is_ascii_case_insensitive() {
    assert_eq!(bot("CURL/8.4.0").name, "curl");
    assert_eq!(
        bot("mozilla/5.0 (compatible; GOOGLEBOT/2.1)").name,
        "Googlebot"
    );
    let shouting = CHROME_ANDROID.to_ascii_uppercase();
    assert_eq!(triple(&shouting), triple(CHROME_ANDROID));
}

#[test]
fn every_bot_pattern_is_reachable() {
    for rule in crate::ua::bots::BOTS {
        let Hit::Bot(_) = rule.hit else {
            panic!("non-bot rule in BOTS")
        };
        let pat = core::str::from_utf8(rule.pat).unwrap();
        assert!(classify(pat).is_bot(), "pattern {pat:?} alone is not a bot");
        if matches!(rule.at, At::Any | At::Start | At::Token | At::Whole) {
            let padded = if rule.at == At::Any {
                format!("x{pat}")
            } else {
                pat.to_owned()
            };
            assert!(classify(&padded).is_bot(), "{padded:?}");
        }
    }
}
