//! Precedence rules turning marker flags into OS, device and browser.

use super::markers::Flag::{self, *};
use super::scan::Flags;
use super::{Browser, DeviceType, Os};

fn any(flags: Flags, list: &[Flag]) -> bool {
    list.iter().any(|&f| flags.has(f))
}

pub(super) fn os(f: Flags) -> Os {
    if f.has(WindowsPhone) {
        // Windows Phone UAs also claim "Android" and "iPhone"; check first.
        Os::Windows
    } else if any(f, &[Iphone, Ipad, Ipod]) {
        // Must precede macOS: iOS UAs say "like Mac OS X".
        Os::Ios
    } else if f.has(Android) {
        Os::Android
    } else if f.has(Cros) {
        // ChromeOS is deliberately not Linux.
        Os::Other
    } else if f.has(Windows) {
        Os::Windows
    } else if f.has(Mac) {
        Os::Macos
    } else if f.has(OtherOs) {
        // Before Linux: Tizen, webOS TVs etc. also say "Linux".
        Os::Other
    } else if f.has(Linux) {
        Os::Linux
    } else {
        Os::Other
    }
}

pub(super) fn device(f: Flags) -> DeviceType {
    if f.has(NotHandheld) {
        DeviceType::Other
    } else if any(f, &[WindowsPhone, Iphone, Ipod, PhoneHint]) {
        DeviceType::Mobile
    } else if f.has(Ipad) {
        DeviceType::Tablet
    } else if f.has(Windows) {
        // Windows tablets/2-in-1s (even "Tablet PC" IE UAs) count as desktop.
        DeviceType::Desktop
    } else if f.has(TabletHint) {
        DeviceType::Tablet
    } else if f.has(Android) {
        // Android convention: phones say "Mobile", tablets do not.
        if f.has(Mobile) {
            DeviceType::Mobile
        } else {
            DeviceType::Tablet
        }
    } else if f.has(Mobile) {
        DeviceType::Mobile
    } else if any(f, &[Mac, Linux, Cros]) {
        // iPadOS 13+ Safari requests desktop sites with a Macintosh UA that is
        // byte-identical to macOS Safari; only JS (maxTouchPoints) can tell
        // them apart, so such iPads are reported as macOS desktop.
        DeviceType::Desktop
    } else {
        DeviceType::Other
    }
}

pub(super) fn browser(f: Flags, os: Os) -> Browser {
    let apple = matches!(os, Os::Ios | Os::Macos);
    if f.has(InApp) {
        // In-app webviews wrap Chrome/Safari UAs, so they win over everything.
        Browser::InApp
    } else if f.has(Edge) {
        // Edge, Opera and Samsung all also claim "Chrome/": check them first.
        Browser::Edge
    } else if f.has(Opera) {
        Browser::Opera
    } else if f.has(Samsung) {
        Browser::SamsungInternet
    } else if f.has(OtherBrowser) {
        Browser::Other
    } else if f.has(Firefox) {
        Browser::Firefox
    } else if f.has(Chrome) {
        Browser::Chrome
    } else if apple && f.has(Safari) && f.has(Version) {
        // Genuine Safari: "Version/x Safari/y" and no other browser marker.
        // Android's old stock browser also says this, hence the OS check.
        Browser::Safari
    } else if os == Os::Ios && f.has(AppleWebKit) && !f.has(Safari) {
        // A bare WKWebView UA (no "Safari/") comes from an app's webview.
        Browser::InApp
    } else {
        Browser::Other
    }
}
