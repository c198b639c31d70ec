//! Unit and property tests: precedence, false positives, keys, invariants.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bots;
mod keys;
mod platform;
mod props;

use super::{Bot, Browser, DeviceType, Os, classify};

pub(super) fn triple(ua: &str) -> (DeviceType, Os, Browser) {
    let info = classify(ua);
    assert_eq!(info.bot, None, "unexpected bot for {ua:?}");
    (info.device, info.os, info.browser)
}

pub(super) fn bot(ua: &str) -> Bot {
    let info = classify(ua);
    let bot = info
        .bot
        .unwrap_or_else(|| panic!("not detected as bot: {ua:?} -> {info:?}"));
    assert_eq!(
        (info.device, info.os, info.browser),
        (DeviceType::Other, Os::Other, Browser::Other)
    );
    bot
}

pub(super) const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";
