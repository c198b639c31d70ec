//! Real user-agent strings with their exact expected classification.
//!
//! Every row is an assertion; mismatches are collected and reported together,
//! each naming the offending UA.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use scanly_shared::ua::{
    BotKind as K, Browser as B, DeviceType as D, Os as O, UserAgentInfo, classify,
};

/// (user agent, device, os, browser) for human browsers and in-app webviews.
#[rustfmt::skip]
const HUMANS: &[(&str, D, O, B)] = &[
    // --- Chrome ----------------------------------------------------------------
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", D::Desktop, O::Windows, B::Chrome),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", D::Desktop, O::Macos, B::Chrome),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", D::Desktop, O::Linux, B::Chrome),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", D::Desktop, O::Other, B::Chrome),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36", D::Mobile, O::Android, B::Chrome),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", D::Tablet, O::Android, B::Chrome),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36", D::Mobile, O::Android, B::Chrome),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1", D::Mobile, O::Ios, B::Chrome),
    ("Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1", D::Tablet, O::Ios, B::Chrome),
    ("Mozilla/5.0 (Linux; Android 11; SM-T870) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", D::Tablet, O::Android, B::Chrome),
    ("Mozilla/5.0 (Linux; Android 4.4.2; Nexus 7 Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/34.0.1847.114 Safari/537.36", D::Tablet, O::Android, B::Chrome),
    ("Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36", D::Mobile, O::Android, B::Chrome),
    ("Mozilla/5.0 (Linux; Android 12; CUBOT NOTE 30 Build/SP1A.210812.016) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.193 Mobile Safari/537.36", D::Mobile, O::Android, B::Chrome),
    // --- Safari ----------------------------------------------------------------
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15", D::Desktop, O::Macos, B::Safari),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1", D::Mobile, O::Ios, B::Safari),
    ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", D::Tablet, O::Ios, B::Safari),
    ("Mozilla/5.0 (iPod touch; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6.1 Mobile/15E148 Safari/604.1", D::Mobile, O::Ios, B::Safari),
    // iPadOS 13+ "desktop website" mode is byte-identical to macOS Safari.
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15", D::Desktop, O::Macos, B::Safari),
    // --- Firefox ---------------------------------------------------------------
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", D::Desktop, O::Windows, B::Firefox),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0", D::Desktop, O::Macos, B::Firefox),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", D::Desktop, O::Linux, B::Firefox),
    ("Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0", D::Mobile, O::Android, B::Firefox),
    ("Mozilla/5.0 (Android 13; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0", D::Tablet, O::Android, B::Firefox),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15", D::Mobile, O::Ios, B::Firefox),
    // --- Edge ------------------------------------------------------------------
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0", D::Desktop, O::Windows, B::Edge),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91", D::Desktop, O::Macos, B::Edge),
    ("Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36 EdgA/120.0.2210.115", D::Mobile, O::Android, B::Edge),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/120.2210.126 Mobile/15E148 Safari/605.1.15", D::Mobile, O::Ios, B::Edge),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045", D::Desktop, O::Windows, B::Edge),
    ("Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063", D::Mobile, O::Windows, B::Edge),
    // --- Opera -----------------------------------------------------------------
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0", D::Desktop, O::Windows, B::Opera),
    ("Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 OPR/79.1.4195.76505", D::Mobile, O::Android, B::Opera),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) OPiOS/16.0.14.122053 Mobile/16C101 Safari/9537.53", D::Mobile, O::Ios, B::Opera),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1 OPT/4.3.2", D::Mobile, O::Ios, B::Opera),
    ("Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16", D::Mobile, O::Android, B::Opera),
    // --- Samsung Internet --------------------------------------------------------
    ("Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", D::Mobile, O::Android, B::SamsungInternet),
    ("Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36", D::Tablet, O::Android, B::SamsungInternet),
    // --- Other browsers ------------------------------------------------------------
    ("Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/120.3.1 like Chrome/120.0.6099.115 Safari/537.36", D::Tablet, O::Android, B::Other),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 YaBrowser/23.11.0.0 Safari/537.36", D::Desktop, O::Windows, B::Other),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 DuckDuckGo/7 Safari/605.1.15", D::Mobile, O::Ios, B::Other),
    ("Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", D::Desktop, O::Windows, B::Other),
    // --- TVs and consoles ------------------------------------------------------------
    ("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36", D::Other, O::Other, B::SamsungInternet),
    ("Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager", D::Other, O::Other, B::Chrome),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/44.18363.8131", D::Other, O::Windows, B::Edge),
    ("Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15", D::Other, O::Other, B::Other),
    // --- In-app webviews -------------------------------------------------------------
    ("Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36", D::Mobile, O::Android, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 311.0.2.23.108 (iPhone14,5; iOS 17_1_2; en_US; en; scale=3.00; 1170x2532; 544693929)", D::Mobile, O::Ios, B::InApp),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 Instagram 312.1.0.34.111 Android (34/14; 480dpi; 1080x2106; samsung; SM-S918B; dm3q; qcom; en_US; 548323757)", D::Mobile, O::Android, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.38.106;FBBV/540124540;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/541834183]", D::Mobile, O::Ios, B::InApp),
    ("Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.38.106;FBBV/540124540;FBDV/iPad13,1;FBMD/iPad;FBSN/iPadOS;FBSV/17.1;FBSS/2;FBID/tablet;FBLC/en_US;FBOP/5;FBRV/541834183]", D::Tablet, O::Ios, B::InApp),
    ("Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/442.0.0.33.113;]", D::Mobile, O::Android, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/436.0.0.27.110;FBBV/528012836;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]", D::Mobile, O::Ios, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US ByteFullLocale/en isDarkMode/0 WKWebView/1 RevealType/Dialog BytedanceWebview/d8a21c6 FalconTag/", D::Mobile, O::Ios, B::InApp),
    ("Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 trill_2023205030 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/trill app_version/32.5.3 ByteLocale/en ByteFullLocale/en Region/US Spark/1.4.6.3-bugfix AppVersion/32.5.3 BytedanceWebview/d8a21c6", D::Mobile, O::Android, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.60.0.46 (like Safari/8617.2.4.10.8, panda)", D::Mobile, O::Ios, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.20.0", D::Mobile, O::Ios, B::InApp),
    ("Mozilla/5.0 (Linux; Android 13; SM-A536E Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Line/13.21.0/IAB", D::Mobile, O::Android, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.43(0x18002b2c) NetType/WIFI Language/zh_CN", D::Mobile, O::Ios, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/10.20", D::Mobile, O::Ios, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.5932", D::Mobile, O::Ios, B::InApp),
    ("Mozilla/5.0 (Linux; Android 13; Pixel 6 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.5845.163 Mobile Safari/537.36 [Pinterest/Android]", D::Mobile, O::Android, B::InApp),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/289.0.577695730 Mobile/15E148 Safari/604.1", D::Mobile, O::Ios, B::InApp),
];

/// (user agent, bot kind, bot name). Bots always report device/os/browser `Other`.
#[rustfmt::skip]
const BOTS: &[(&str, K, &str)] = &[
    // --- Link previews ---------------------------------------------------------------
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", K::LinkPreview, "Slackbot"),
    ("Slackbot 1.0 (+https://api.slack.com/robots)", K::LinkPreview, "Slackbot"),
    ("Slack-ImgProxy (+https://api.slack.com/robots)", K::LinkPreview, "Slackbot"),
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", K::LinkPreview, "facebookexternalhit"),
    ("Facebot", K::LinkPreview, "Facebot"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", K::LinkPreview, "iMessage"),
    ("Twitterbot/1.0", K::LinkPreview, "Twitterbot"),
    ("WhatsApp/2.23.20.0 A", K::LinkPreview, "WhatsApp"),
    ("WhatsApp/2.2349.52 i", K::LinkPreview, "WhatsApp"),
    ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", K::LinkPreview, "Discordbot"),
    ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", K::LinkPreview, "LinkedInBot"),
    ("TelegramBot (like TwitterBot)", K::LinkPreview, "TelegramBot"),
    ("Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)", K::LinkPreview, "Pinterestbot"),
    ("Pinterest/0.2 (+http://www.pinterest.com/bot.html)", K::LinkPreview, "Pinterestbot"),
    ("Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", K::LinkPreview, "redditbot"),
    ("Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)", K::LinkPreview, "Embedly"),
    ("Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com", K::LinkPreview, "SkypeUriPreview"),
    ("Viber/20.9.0.8 CFNetwork/1410.0.3 Darwin/22.6.0", K::LinkPreview, "Viber"),
    ("Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots)", K::LinkPreview, "Snapchat"),
    ("Mastodon/4.2.1 (http.rb/5.1.1; +https://mastodon.social/) Bot", K::LinkPreview, "Mastodon"),
    ("Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)", K::LinkPreview, "Bluesky"),
    ("Iframely/1.3.1 (+https://iframely.com/docs/about)", K::LinkPreview, "Iframely"),
    ("Mozilla/5.0 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)", K::LinkPreview, "Google-PageRenderer"),
    ("Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b", K::LinkPreview, "BingPreview"),
    // --- Search, SEO and AI crawlers ------------------------------------------------------
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", K::SearchCrawler, "Googlebot"),
    ("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.6167.184 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", K::SearchCrawler, "Googlebot"),
    ("Googlebot-Image/1.0", K::SearchCrawler, "Googlebot"),
    ("Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)", K::SearchCrawler, "Google-InspectionTool"),
    ("AdsBot-Google (+http://www.google.com/adsbot.html)", K::SearchCrawler, "AdsBot-Google"),
    ("Mediapartners-Google", K::SearchCrawler, "Mediapartners-Google"),
    ("GoogleOther", K::SearchCrawler, "GoogleOther"),
    ("Mozilla/5.0 (X11; Linux x86_64; Storebot-Google/1.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.88 Safari/537.36", K::SearchCrawler, "Google"),
    ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", K::SearchCrawler, "bingbot"),
    ("msnbot/2.0b (+http://search.msn.com/msnbot.htm)", K::SearchCrawler, "msnbot"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", K::SearchCrawler, "Applebot"),
    ("meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", K::SearchCrawler, "meta-externalagent"),
    ("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", K::SearchCrawler, "Yandex"),
    ("Mozilla/5.0 (compatible; YandexImages/3.0; +http://yandex.com/bots)", K::SearchCrawler, "Yandex"),
    ("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", K::SearchCrawler, "Baiduspider"),
    ("DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", K::SearchCrawler, "DuckDuckBot"),
    ("Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", K::SearchCrawler, "Yahoo! Slurp"),
    ("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", K::SearchCrawler, "SemrushBot"),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", K::SearchCrawler, "AhrefsBot"),
    ("Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)", K::SearchCrawler, "MJ12bot"),
    ("Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)", K::SearchCrawler, "DotBot"),
    ("Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)", K::SearchCrawler, "PetalBot"),
    ("Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)", K::SearchCrawler, "Bytespider"),
    ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", K::SearchCrawler, "GPTBot"),
    ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)", K::SearchCrawler, "ClaudeBot"),
    ("CCBot/2.0 (https://commoncrawl.org/faq/)", K::SearchCrawler, "CCBot"),
    ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)", K::SearchCrawler, "PerplexityBot"),
    // --- Monitors -----------------------------------------------------------------------------
    ("Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", K::Monitor, "UptimeRobot"),
    ("Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", K::Monitor, "Pingdom"),
    ("Better Uptime Bot Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/74.0.3729.169 Safari/537.36", K::Monitor, "Better Uptime"),
    // --- HTTP clients ---------------------------------------------------------------------------
    ("curl/8.4.0", K::HttpClient, "curl"),
    ("Wget/1.21.4", K::HttpClient, "Wget"),
    ("python-requests/2.31.0", K::HttpClient, "python-requests"),
    ("Python-urllib/3.11", K::HttpClient, "python-urllib"),
    ("Python/3.11 aiohttp/3.9.1", K::HttpClient, "aiohttp"),
    ("python-httpx/0.25.2", K::HttpClient, "httpx"),
    ("Go-http-client/1.1", K::HttpClient, "Go-http-client"),
    ("Go-http-client/2.0", K::HttpClient, "Go-http-client"),
    ("okhttp/4.12.0", K::HttpClient, "okhttp"),
    ("Java/17.0.9", K::HttpClient, "Java"),
    ("Apache-HttpClient/4.5.14 (Java/17.0.9)", K::HttpClient, "Apache-HttpClient"),
    ("node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", K::HttpClient, "node-fetch"),
    ("axios/1.6.2", K::HttpClient, "axios"),
    ("undici", K::HttpClient, "undici"),
    ("node", K::HttpClient, "node"),
    ("PostmanRuntime/7.36.0", K::HttpClient, "PostmanRuntime"),
    ("insomnia/8.4.5", K::HttpClient, "Insomnia"),
    ("libwww-perl/6.72", K::HttpClient, "libwww-perl"),
    // --- Headless browsers ----------------------------------------------------------------------
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36", K::Headless, "HeadlessChrome"),
    ("Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1", K::Headless, "PhantomJS"),
    ("Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse", K::Headless, "Lighthouse"),
];

fn human_mismatch(ua: &str, got: UserAgentInfo, want: (D, O, B)) -> Option<String> {
    let got_tuple = (got.device, got.os, got.browser);
    (got_tuple != want || got.bot.is_some()).then(|| {
        format!(
            "UA {ua:?}\n  want {want:?}, bot None\n  got  {got_tuple:?}, bot {:?}",
            got.bot
        )
    })
}

fn bot_mismatch(ua: &str, got: UserAgentInfo, kind: K, name: &str) -> Option<String> {
    let ok = got.bot.is_some_and(|b| b.kind == kind && b.name == name)
        && (got.device, got.os, got.browser) == (D::Other, O::Other, B::Other);
    (!ok).then(|| format!("UA {ua:?}\n  want bot {name:?} ({kind:?})\n  got  {got:?}"))
}

#[test]
fn real_user_agents_classify_exactly() {
    let mut failures: Vec<String> = HUMANS
        .iter()
        .filter_map(|&(ua, d, o, b)| human_mismatch(ua, classify(ua), (d, o, b)))
        .collect();
    failures.extend(
        BOTS.iter()
            .filter_map(|&(ua, kind, name)| bot_mismatch(ua, classify(ua), kind, name)),
    );
    assert!(
        failures.is_empty(),
        "{} of {} real UAs misclassified:\n{}",
        failures.len(),
        HUMANS.len() + BOTS.len(),
        failures.join("\n")
    );
}

#[test]
fn table_is_large_enough() {
    assert!(HUMANS.len() + BOTS.len() >= 60);
}
