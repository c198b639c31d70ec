//! Stable keys: `as_str`, serde names, `Display` and `FromStr` agree.

use crate::ua::{BotKind, Browser, DeviceType, Os, UnknownVariant};
use core::str::FromStr;

fn check_keys<T>(all: &[T])
where
    T: Copy
        + Eq
        + core::fmt::Debug
        + core::fmt::Display
        + serde::Serialize
        + serde::de::DeserializeOwned,
    T: FromStr<Err = UnknownVariant>,
{
    for &v in all {
        let key = v.to_string();
        assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{key}\""));
        assert_eq!(serde_json::from_str::<T>(&format!("\"{key}\"")).unwrap(), v);
        assert_eq!(key.parse::<T>(), Ok(v));
        assert_eq!(key.to_ascii_uppercase().parse::<T>(), Ok(v));
    }
    assert!("definitely-not-a-variant".parse::<T>().is_err());
}

#[test]
fn keys_match_serde_and_parse_back() {
    check_keys(DeviceType::ALL);
    check_keys(Os::ALL);
    check_keys(Browser::ALL);
    check_keys(BotKind::ALL);
    assert_eq!(Browser::SamsungInternet.as_str(), "samsung_internet");
    assert_eq!(Browser::InApp.as_str(), "in_app");
    assert_eq!(BotKind::LinkPreview.as_str(), "link_preview");
    assert_eq!(Os::Macos.as_str(), "macos");
}

#[test]
fn unknown_variant_error() {
    let err = "blackberry".parse::<Os>().unwrap_err();
    assert_eq!(err, UnknownVariant { kind: "Os" });
    assert_eq!(err.to_string(), "unknown Os variant");
    let _: &dyn std::error::Error = &err;
}
