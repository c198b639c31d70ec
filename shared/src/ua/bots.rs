//! Bot patterns, in priority order: when several match, the earliest wins.
//!
//! Order matters where UAs embed each other's names:
//! - iMessage sends `facebookexternalhit/1.1 Facebot Twitterbot/1.0`, so its
//!   exact triple comes before the Facebook and Twitter entries;
//! - Telegram sends `TelegramBot (like TwitterBot)`: Telegram before Twitter;
//! - LinkedIn sends `LinkedInBot/1.0 (...; Apache-HttpClient ...)`: link
//!   previews before HTTP clients;
//! - named bots before the generic `bot` / `crawl` / `spider` / `preview`
//!   catch-alls at the end.

use super::scan::{At, Hit, Rule};
use super::{Bot, BotKind};

const fn b(pat: &'static str, at: At, name: &'static str, kind: BotKind) -> Rule {
    Rule {
        pat: pat.as_bytes(),
        at,
        hit: Hit::Bot(Bot { name, kind }),
    }
}

use At::{Any, Start, Token, Whole, WordEnd};
use BotKind::{Headless, HttpClient, LinkPreview, Monitor, Other, SearchCrawler};

#[rustfmt::skip]
pub(super) const BOTS: &[Rule] = &[
    // --- Link previews (chat apps, social networks) ----------------------
    b("facebookexternalhit/1.1 facebot twitterbot/1.0", Any, "iMessage", LinkPreview),
    b("telegrambot", Any, "TelegramBot", LinkPreview),
    b("slackbot", Any, "Slackbot", LinkPreview),
    b("slack-imgproxy", Any, "Slackbot", LinkPreview),
    b("facebookexternalhit", Any, "facebookexternalhit", LinkPreview),
    b("facebot", Token, "Facebot", LinkPreview),
    b("meta-externalfetcher", Any, "meta-externalfetcher", LinkPreview),
    b("twitterbot", Any, "Twitterbot", LinkPreview),
    b("whatsapp/", Token, "WhatsApp", LinkPreview),
    b("discordbot", Any, "Discordbot", LinkPreview),
    b("linkedinbot", Any, "LinkedInBot", LinkPreview),
    b("pinterestbot", Any, "Pinterestbot", LinkPreview),
    b("pinterest.com/bot", Any, "Pinterestbot", LinkPreview),
    b("redditbot", Any, "redditbot", LinkPreview),
    b("embedly", Any, "Embedly", LinkPreview),
    b("skypeuripreview", Any, "SkypeUriPreview", LinkPreview),
    // Viber's preview fetcher starts with `Viber/`; anchored so that an
    // in-app UA merely mentioning Viber is not treated as a bot.
    b("viber/", Start, "Viber", LinkPreview),
    b("snap url preview", Any, "Snapchat", LinkPreview),
    b("mastodon/", Token, "Mastodon", LinkPreview),
    b("cardyb", Any, "Bluesky", LinkPreview),
    b("bluesky", Token, "Bluesky", LinkPreview),
    b("iframely", Any, "Iframely", LinkPreview),
    b("vkshare", Any, "vkShare", LinkPreview),
    b("google-pagerenderer", Any, "Google-PageRenderer", LinkPreview),
    b("googleimageproxy", Any, "GoogleImageProxy", LinkPreview),
    b("bingpreview", Any, "BingPreview", LinkPreview),
    b("microsoftpreview", Any, "MicrosoftPreview", LinkPreview),
    // --- Search, SEO and AI crawlers ---------------------------------------
    b("googlebot", Any, "Googlebot", SearchCrawler),
    b("google-inspectiontool", Any, "Google-InspectionTool", SearchCrawler),
    b("adsbot-google", Any, "AdsBot-Google", SearchCrawler),
    b("mediapartners-google", Any, "Mediapartners-Google", SearchCrawler),
    b("googleother", Any, "GoogleOther", SearchCrawler),
    b("-google", Any, "Google", SearchCrawler), // Storebot-, APIs-, FeedFetcher-Google
    b("google-", Token, "Google", SearchCrawler), // Google-Extended, -Safety, -Read-Aloud
    b("google favicon", Any, "Google", SearchCrawler),
    b("bingbot", Any, "bingbot", SearchCrawler),
    b("msnbot", Any, "msnbot", SearchCrawler),
    b("applebot", Any, "Applebot", SearchCrawler),
    b("meta-externalagent", Any, "meta-externalagent", SearchCrawler),
    b("facebookcatalog", Any, "facebookcatalog", SearchCrawler),
    b("yandexbot", Any, "Yandex", SearchCrawler),
    b("yandex.com/bots", Any, "Yandex", SearchCrawler),
    b("baiduspider", Any, "Baiduspider", SearchCrawler),
    b("duckduckbot", Any, "DuckDuckBot", SearchCrawler),
    b("duckduckgo-favicons-bot", Any, "DuckDuckBot", SearchCrawler),
    b("slurp", Token, "Yahoo! Slurp", SearchCrawler),
    b("semrushbot", Any, "SemrushBot", SearchCrawler),
    b("ahrefsbot", Any, "AhrefsBot", SearchCrawler),
    b("mj12bot", Any, "MJ12bot", SearchCrawler),
    b("dotbot", Token, "DotBot", SearchCrawler),
    b("petalbot", Any, "PetalBot", SearchCrawler),
    b("bytespider", Any, "Bytespider", SearchCrawler),
    b("gptbot", Token, "GPTBot", SearchCrawler),
    b("oai-searchbot", Any, "OAI-SearchBot", SearchCrawler),
    b("chatgpt-user", Any, "ChatGPT-User", Other),
    b("claudebot", Any, "ClaudeBot", SearchCrawler),
    b("ccbot", Token, "CCBot", SearchCrawler),
    b("perplexitybot", Any, "PerplexityBot", SearchCrawler),
    b("amazonbot", Any, "Amazonbot", SearchCrawler),
    // --- Uptime monitors -----------------------------------------------------
    b("uptimerobot", Any, "UptimeRobot", Monitor),
    b("pingdom", Any, "Pingdom", Monitor),
    b("statuscake", Any, "StatusCake", Monitor),
    b("better uptime", Any, "Better Uptime", Monitor),
    b("betteruptime", Any, "Better Uptime", Monitor),
    b("uptime-kuma", Any, "Uptime Kuma", Monitor),
    b("site24x7", Any, "Site24x7", Monitor),
    b("datadogsynthetics", Any, "Datadog Synthetics", Monitor),
    // --- Headless / automated browsers ---------------------------------------
    b("headlesschrome", Any, "HeadlessChrome", Headless),
    b("phantomjs", Any, "PhantomJS", Headless),
    b("puppeteer", Any, "Puppeteer", Headless),
    b("playwright", Any, "Playwright", Headless),
    b("selenium", Any, "Selenium", Headless),
    b("lighthouse", Token, "Lighthouse", Headless),
    // --- HTTP client libraries and tools -------------------------------------
    b("curl/", Token, "curl", HttpClient),
    b("libcurl", Any, "curl", HttpClient),
    b("wget/", Token, "Wget", HttpClient),
    b("python-requests/", Any, "python-requests", HttpClient),
    b("python-urllib/", Any, "python-urllib", HttpClient),
    b("aiohttp/", Any, "aiohttp", HttpClient),
    b("httpx/", Token, "httpx", HttpClient),
    b("python/", Start, "python", HttpClient),
    b("scrapy", Token, "Scrapy", HttpClient),
    b("go-http-client/", Any, "Go-http-client", HttpClient),
    // Only a bare okhttp UA: Android apps often append okhttp to their own UA.
    b("okhttp/", Start, "okhttp", HttpClient),
    b("java/", Start, "Java", HttpClient),
    b("apache-httpclient/", Any, "Apache-HttpClient", HttpClient),
    b("node-fetch", Any, "node-fetch", HttpClient),
    b("axios/", Token, "axios", HttpClient),
    b("undici", Token, "undici", HttpClient),
    b("node", Whole, "node", HttpClient), // Node.js built-in fetch
    b("postmanruntime/", Any, "PostmanRuntime", HttpClient),
    b("insomnia/", Token, "Insomnia", HttpClient),
    b("libwww-perl/", Any, "libwww-perl", HttpClient),
    b("guzzlehttp/", Any, "GuzzleHttp", HttpClient),
    b("dart:io", Any, "Dart", HttpClient),
    b("reqwest/", Token, "reqwest", HttpClient),
    b("httpie/", Token, "HTTPie", HttpClient),
    b("windowspowershell/", Any, "PowerShell", HttpClient),
    // --- Generic catch-alls (lowest priority) ---------------------------------
    b("preview", Any, "preview", LinkPreview),
    b("crawl", Any, "crawler", SearchCrawler),
    b("spider", Any, "spider", SearchCrawler),
    b("headless", Any, "headless", Headless),
    // A word ending in "bot" (Foobot/1.0, AdsBot-, "(compatible; xbot)"),
    // except words like "Cubot" (a phone brand): see `scan::NOT_BOTS`.
    b("bot", WordEnd, "bot", Other),
    // "(+http://example.com/bot.html)" contact links only appear in bots.
    b("+http", Any, "bot", Other),
];
