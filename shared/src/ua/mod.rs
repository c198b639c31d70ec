//! User-agent classification: device type, OS, browser and bot detection.
//!
//! Runs on every scan at the edge (WASM), so it is built for size and speed:
//! no regex, no heap allocation, one pass over at most 512 bytes against a
//! compact pattern table built at compile time (see `scan.rs`).
//!
//! ```
//! use scanly_shared::ua::{classify, Browser, DeviceType, Os};
//!
//! let info = classify(
//!     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 \
//!      (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
//! );
//! assert_eq!((info.device, info.os, info.browser), (DeviceType::Mobile, Os::Ios, Browser::Safari));
//! assert!(!info.is_bot());
//! ```

mod bots;
mod decide;
mod markers;
mod scan;
#[cfg(test)]
mod tests;
mod types;

pub use types::{Bot, BotKind, Browser, DeviceType, Os, UnknownVariant, UserAgentInfo};

use scan::{Haystack, Table};

const RULE_COUNT: usize = bots::BOTS.len() + markers::MARKERS.len();

/// Bots first, so that a bot's table position is its priority.
static TABLE: Table<RULE_COUNT, { bots::BOTS.len() }> =
    scan::build(&[bots::BOTS, markers::MARKERS]);

/// What a bot is reported as: everything `Other` except the bot itself.
const fn bot_info(bot: Bot) -> UserAgentInfo {
    UserAgentInfo {
        device: DeviceType::Other,
        os: Os::Other,
        browser: Browser::Other,
        bot: Some(bot),
    }
}

/// Classifies a `User-Agent` header value.
///
/// Never panics and never allocates, for any input (empty, huge, non-ASCII).
/// Only the first 512 bytes (after trimming) are inspected.
/// An empty or whitespace-only UA is a bot (`HttpClient`, name `"empty"`).
/// For bots, `device`, `os` and `browser` are all `Other`.
#[must_use]
pub fn classify(user_agent: &str) -> UserAgentInfo {
    let ua = user_agent.trim();
    if ua.is_empty() {
        return bot_info(Bot {
            name: "empty",
            kind: BotKind::HttpClient,
        });
    }
    let hay = Haystack::new(ua);
    let scan = TABLE.scan(hay.bytes());
    if let Some(bot) = scan.bot {
        return bot_info(bot);
    }
    let os = decide::os(scan.flags);
    UserAgentInfo {
        device: decide::device(scan.flags),
        os,
        browser: decide::browser(scan.flags, os),
        bot: None,
    }
}
