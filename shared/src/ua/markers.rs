//! Substring markers that feed the OS / device / browser decision.
//!
//! Each marker only sets a [`Flag`]; the precedence between flags (Edge
//! before Chrome, in-app before everything, ...) lives in `decide.rs`.

use super::scan::{At, Hit, Rule};

/// Facts observed in a user agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Flag {
    // Platform.
    Iphone,
    Ipod,
    Ipad,
    Android,
    WindowsPhone,
    Windows,
    Mac,
    Linux,
    Cros,
    /// TV / console / watch / BSD platforms whose OS we report as `Other`.
    OtherOs,
    // Form factor.
    Mobile,
    /// Strong phone signal that overrides the Android tablet heuristic.
    PhoneHint,
    /// Strong tablet signal (Kindle, Silk, "Tablet", Nexus 7/9/10, ...).
    TabletHint,
    /// TV, console, VR headset: device `Other`.
    NotHandheld,
    // Browser.
    InApp,
    Edge,
    Opera,
    Samsung,
    /// A known browser that is none of our named families.
    OtherBrowser,
    Firefox,
    Chrome,
    Safari,
    Version,
    AppleWebKit,
}

impl Flag {
    pub(super) const fn bit(self) -> u64 {
        1 << (self as u8)
    }
}

const fn m(pat: &'static str, at: At, flag: Flag) -> Rule {
    Rule {
        pat: pat.as_bytes(),
        at,
        hit: Hit::Flag(flag),
    }
}

use At::{Any, Token, Word};
use Flag::*;

#[rustfmt::skip]
pub(super) const MARKERS: &[Rule] = &[
    // --- Platform -------------------------------------------------------
    m("iphone", Any, Iphone),
    m("ipod", Any, Ipod),
    m("ipad", Any, Ipad),
    m("android", Any, Android),
    m("windows phone", Any, WindowsPhone),
    m("windows", Any, Windows),
    m("macintosh", Any, Mac),
    m("linux", Any, Linux),
    m("x11", Token, Linux),
    // "CrOS" as a word: plain "cros" would also hit "Microsoft".
    m("cros", Word, Cros),
    m("tizen", Any, OtherOs),
    m("kaios", Any, OtherOs),
    m("web0s", Any, OtherOs),
    m("webos", Any, OtherOs),
    m("playstation", Any, OtherOs),
    m("nintendo", Any, OtherOs),
    m("freebsd", Any, OtherOs),
    m("openbsd", Any, OtherOs),
    m("blackberry", Any, OtherOs),
    m("bb10", Token, OtherOs),
    m("symbian", Any, OtherOs),
    // --- Form factor ----------------------------------------------------
    m("mobile", Any, Mobile),
    m("opera mini", Any, PhoneHint),
    m("opera mobi", Any, PhoneHint),
    m("iemobile", Any, PhoneHint),
    m("blackberry", Any, PhoneHint),
    m("bb10", Token, PhoneHint),
    m("kaios", Any, PhoneHint),
    m("tablet", Any, TabletHint),
    m("tab", Word, TabletHint),
    m("kindle", Any, TabletHint),
    m("silk/", Any, TabletHint),
    m("playbook", Any, TabletHint),
    m("nexus 7", Word, TabletHint),
    m("nexus 9", Word, TabletHint),
    m("nexus 10", Word, TabletHint),
    // Samsung Galaxy Tab model numbers (SM-T...).
    m("sm-t", Token, TabletHint),
    m("smart-tv", Any, NotHandheld),
    m("smarttv", Any, NotHandheld),
    m("smart tv", Any, NotHandheld),
    m("googletv", Any, NotHandheld),
    m("android tv", Any, NotHandheld),
    m("appletv", Any, NotHandheld),
    m("apple tv", Any, NotHandheld),
    m("crkey", Any, NotHandheld),
    m("roku", Token, NotHandheld),
    m("hbbtv", Any, NotHandheld),
    m("web0s", Any, NotHandheld),
    m("bravia", Any, NotHandheld),
    m("tizen", Any, NotHandheld),
    m("xbox", Any, NotHandheld),
    m("playstation", Any, NotHandheld),
    m("nintendo", Any, NotHandheld),
    m("oculusbrowser", Any, NotHandheld),
    // --- In-app webviews ------------------------------------------------
    m("instagram", Token, InApp),
    m("barcelona", Token, InApp), // Threads
    m("fban/", Any, InApp),
    m("fbav/", Any, InApp),
    m("fb_iab", Any, InApp),
    m("musical_ly", Any, InApp),
    m("bytedancewebview", Any, InApp),
    m("bytelocale/", Any, InApp),
    m("trill_", Token, InApp),
    m("tiktok", Token, InApp),
    m("snapchat", Token, InApp),
    m("line/", Token, InApp),
    m("micromessenger", Any, InApp),
    m("twitter for ", Any, InApp),
    m("twitterandroid", Any, InApp),
    m("linkedinapp", Any, InApp),
    m("[pinterest/", Any, InApp),
    m("gsa/", Token, InApp), // Google app
    m("kakaotalk", Any, InApp),
    m("naver(inapp", Any, InApp),
    m("telegram-android", Any, InApp),
    m("reddit/", Token, InApp),
    m("baiduboxapp", Any, InApp),
    // Android System WebView.
    m("; wv)", Any, InApp),
    // --- Browsers -------------------------------------------------------
    m("edg/", Any, Edge),
    m("edga/", Any, Edge),
    m("edgios/", Any, Edge),
    m("edge/", Any, Edge),
    m("opr/", Any, Opera),
    m("opios/", Any, Opera),
    m("opt/", Token, Opera), // Opera Touch / Opera on iOS
    m("opera", Token, Opera),
    m("samsungbrowser/", Any, Samsung),
    m("yabrowser/", Any, OtherBrowser),
    m("ucbrowser", Any, OtherBrowser),
    m("ucweb", Any, OtherBrowser),
    m("vivaldi", Any, OtherBrowser),
    m("miuibrowser", Any, OtherBrowser),
    m("huaweibrowser", Any, OtherBrowser),
    m("heytapbrowser", Any, OtherBrowser),
    m("whale/", Any, OtherBrowser),
    m("duckduckgo/", Any, OtherBrowser),
    m("silk/", Any, OtherBrowser),
    m("qqbrowser", Any, OtherBrowser),
    m("oculusbrowser", Any, OtherBrowser),
    m("electron/", Any, OtherBrowser),
    m("trident/", Any, OtherBrowser),
    m("msie ", Any, OtherBrowser),
    m("firefox/", Any, Firefox),
    m("fxios/", Any, Firefox),
    m("chrome/", Any, Chrome),
    m("crios/", Any, Chrome),
    m("chromium/", Any, Chrome),
    m("safari/", Any, Safari),
    m("version/", Any, Version),
    m("applewebkit", Any, AppleWebKit),
];
