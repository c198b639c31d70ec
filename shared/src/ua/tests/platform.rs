//! OS, device and browser precedence; input handling.

use super::{CHROME_ANDROID, bot, triple};
use crate::ua::scan::MAX_SCAN;
use crate::ua::{Browser, DeviceType, Os, classify};

// Browser precedence.

#[test]
fn chromium_forks_win_over_chrome() {
    let edge = format!("{CHROME_ANDROID} EdgA/120.0.2210.115");
    let opera = format!("{CHROME_ANDROID} OPR/79.1.4195.76505");
    let samsung = CHROME_ANDROID.replace("Chrome/", "SamsungBrowser/23.0 Chrome/");
    assert_eq!(triple(CHROME_ANDROID).2, Browser::Chrome);
    assert_eq!(triple(&edge).2, Browser::Edge);
    assert_eq!(triple(&opera).2, Browser::Opera);
    assert_eq!(triple(&samsung).2, Browser::SamsungInternet);
}

#[test]
fn in_app_wins_over_everything() {
    // An in-app marker on top of an Edge/Opera/Samsung UA is still in-app.
    let ua = format!("{CHROME_ANDROID} EdgA/120.0 Instagram 312.1.0.34.111 Android");
    assert_eq!(triple(&ua).2, Browser::InApp);
}

#[test]
fn ios_browsers_are_not_safari() {
    let base = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)";
    let cases = [
        (
            format!("{base} CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1"),
            Browser::Chrome,
        ),
        (
            format!("{base} FxiOS/121.0 Mobile/15E148 Safari/605.1.15"),
            Browser::Firefox,
        ),
        (
            format!("{base} Version/17.0 EdgiOS/120.2210.126 Mobile/15E148 Safari/605.1.15"),
            Browser::Edge,
        ),
        (
            format!("{base} Version/17.2 Mobile/15E148 Safari/604.1"),
            Browser::Safari,
        ),
        // Bare WKWebView (no Safari/ token): some app's webview.
        (format!("{base} Mobile/15E148"), Browser::InApp),
        // Safari/ without Version/: not genuine Safari.
        (format!("{base} Mobile/15E148 Safari/604.1"), Browser::Other),
    ];
    for (ua, want) in cases {
        assert_eq!(triple(&ua), (DeviceType::Mobile, Os::Ios, want), "{ua}");
    }
}

#[test]
fn android_stock_browser_is_not_safari() {
    let ua = "Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; GT-I9100 Build/IML74K) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30";
    assert_eq!(
        triple(ua),
        (DeviceType::Mobile, Os::Android, Browser::Other)
    );
}

// OS / device precedence.

#[test]
fn windows_phone_beats_android_and_iphone_tokens() {
    let ua = "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537";
    assert_eq!(
        triple(ua),
        (DeviceType::Mobile, Os::Windows, Browser::Other)
    );
}

#[test]
fn chromeos_is_other_and_microsoft_is_not_cros() {
    let cros = "Mozilla/5.0 (X11; CrOS aarch64 15633.69.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    assert_eq!(
        triple(cros),
        (DeviceType::Desktop, Os::Other, Browser::Chrome)
    );
    // "Microsoft" contains "cros" but is not ChromeOS.
    let lumia = "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063";
    assert_eq!(triple(lumia).1, Os::Windows);
}

#[test]
fn ipad_desktop_mode_is_reported_as_mac_desktop() {
    let ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15";
    assert_eq!(
        triple(ua),
        (DeviceType::Desktop, Os::Macos, Browser::Safari)
    );
}

#[test]
fn tablet_hints() {
    let kindle = "Mozilla/5.0 (Linux; Android 11; KFRAWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/118.4.1 like Chrome/118.0.5993.144 Mobile Safari/537.36";
    assert_eq!(
        triple(kindle).0,
        DeviceType::Tablet,
        "Silk, even with Mobile"
    );
    let lenovo = "Mozilla/5.0 (Linux; Android 10; Lenovo TAB 2 A10-70F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";
    assert_eq!(triple(lenovo).0, DeviceType::Tablet);
    let nexus10 = "Mozilla/5.0 (Linux; Android 5.1.1; Nexus 10 Build/LMY49J) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    assert_eq!(triple(nexus10).0, DeviceType::Tablet);
    // "stable" / "Table" inside other words are not the "tab" word.
    let phone = format!("{CHROME_ANDROID} Stable");
    assert_eq!(triple(&phone).0, DeviceType::Mobile);
}

#[test]
fn opera_mini_on_android_is_a_phone() {
    let ua =
        "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16";
    assert_eq!(
        triple(ua),
        (DeviceType::Mobile, Os::Android, Browser::Opera)
    );
}

#[test]
fn unknown_strings_are_other() {
    assert_eq!(
        triple("SomeApp/1.0"),
        (DeviceType::Other, Os::Other, Browser::Other)
    );
    assert_eq!(triple("-"), (DeviceType::Other, Os::Other, Browser::Other));
}

// Input handling.

#[test]
fn only_the_first_max_scan_bytes_are_read() {
    assert_eq!(MAX_SCAN, 512, "the public docs of `classify` say 512");
    let filler = "a".repeat(MAX_SCAN);
    assert!(!classify(&format!("{filler} curl/8.0")).is_bot());
    assert!(classify(&format!("{} curl/8.0", &filler[6..])).is_bot());
}

#[test]
fn non_ascii_input_is_handled() {
    let ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1 ÜñïçødÉ 日本語 🚀";
    assert_eq!(triple(ua), (DeviceType::Mobile, Os::Ios, Browser::Safari));
    // A multi-byte char straddling the scan cap is simply cut.
    let straddle = format!("{}é", "a".repeat(MAX_SCAN - 1));
    assert_eq!(classify(&straddle).bot, None);
    // Leading/trailing whitespace is ignored, including for anchored patterns.
    assert_eq!(bot("  okhttp/4.12.0\r\n").name, "okhttp");
}
