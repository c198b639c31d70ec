//! Public result types of user-agent classification.
//!
//! Every enum has a stable lowercase key (`as_str`, serde name, `FromStr`)
//! because these values are stored as analytics dimensions.

/// Error returned by the `FromStr` impls of the classification enums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} variant")]
pub struct UnknownVariant {
    /// Name of the enum that failed to parse, e.g. `"Browser"`.
    pub kind: &'static str,
}

/// Declares a fieldless enum whose serde name, `as_str`, `Display` and
/// `FromStr` all use the same key, written once per variant. The `rename_all`
/// attribute is kept so the serde contract is visible; a unit test checks it
/// agrees with the keys.
macro_rules! keyed_enum {
    (
        $(#[$meta:meta])*
        $name:ident, rename_all = $rename:literal {
            $($(#[$vmeta:meta])* $variant:ident => $key:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = $rename)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable key (same as the serde name).
            #[must_use]
            pub const fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)+
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl core::str::FromStr for $name {
            type Err = UnknownVariant;

            /// Parses the key returned by `as_str`, ignoring ASCII case.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $(if s.eq_ignore_ascii_case($key) {
                    return Ok(Self::$variant);
                })+
                Err(UnknownVariant { kind: stringify!($name) })
            }
        }
    };
}

keyed_enum! {
    /// Form factor of the client.
    DeviceType, rename_all = "lowercase" {
        /// Phones (iPhone, Android phones, Windows Phone, feature phones).
        Mobile => "mobile",
        /// iPad, Android tablets, Kindle.
        Tablet => "tablet",
        /// Windows, macOS, Linux and ChromeOS computers.
        Desktop => "desktop",
        /// TVs, consoles, headsets, bots and anything unrecognised.
        Other => "other",
    }
}

keyed_enum! {
    /// Operating system family.
    Os, rename_all = "lowercase" {
        /// iOS and iPadOS.
        Ios => "ios",
        /// Android (including Android TV and HarmonyOS builds that say Android).
        Android => "android",
        /// Windows, including Windows Phone and Xbox.
        Windows => "windows",
        /// macOS.
        Macos => "macos",
        /// Desktop Linux distributions.
        Linux => "linux",
        /// ChromeOS, TV operating systems, BSDs, bots and anything unrecognised.
        Other => "other",
    }
}

keyed_enum! {
    /// Browser family.
    Browser, rename_all = "snake_case" {
        /// Google Chrome and plain Chromium, including Chrome on iOS (`CriOS`).
        Chrome => "chrome",
        /// Apple Safari on iOS and macOS (not other WebKit shells).
        Safari => "safari",
        /// Mozilla Firefox, including Firefox on iOS (`FxiOS`).
        Firefox => "firefox",
        /// Microsoft Edge (Chromium and legacy EdgeHTML, all platforms).
        Edge => "edge",
        /// Opera desktop, mobile, Mini, GX and Touch.
        Opera => "opera",
        /// Samsung Internet.
        SamsungInternet => "samsung_internet",
        /// Webviews inside apps: Instagram, Facebook, TikTok, Snapchat,
        /// LINE, WeChat, X/Twitter, LinkedIn, Pinterest, Android `wv`...
        InApp => "in_app",
        /// Any other or unrecognised browser.
        Other => "other",
    }
}

keyed_enum! {
    /// What kind of automated client a bot is.
    BotKind, rename_all = "snake_case" {
        /// Fetches a page to render a link card (chat apps, social networks).
        LinkPreview => "link_preview",
        /// Search-engine, SEO and AI crawlers.
        SearchCrawler => "search_crawler",
        /// Programmatic HTTP libraries and CLI tools (curl, requests, ...).
        HttpClient => "http_client",
        /// Headless or automated browsers (HeadlessChrome, Puppeteer, Lighthouse).
        Headless => "headless",
        /// Uptime and synthetic monitoring.
        Monitor => "monitor",
        /// Generic bots recognised only by a `bot`-like token.
        Other => "other",
    }
}

/// A recognised automated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bot {
    /// Canonical bot name, e.g. `"Googlebot"` or `"curl"`; stable, usable as a key.
    pub name: &'static str,
    /// Coarse category of the bot.
    pub kind: BotKind,
}

/// The result of [`classify`](super::classify).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserAgentInfo {
    /// Form factor.
    pub device: DeviceType,
    /// Operating system family.
    pub os: Os,
    /// Browser family.
    pub browser: Browser,
    /// `Some` when the user agent is automated. Bots always have
    /// `device`, `os` and `browser` set to `Other`.
    pub bot: Option<Bot>,
}

impl UserAgentInfo {
    /// `true` when the user agent was recognised as automated.
    #[must_use]
    pub const fn is_bot(&self) -> bool {
        self.bot.is_some()
    }
}
