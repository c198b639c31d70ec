//! The networks of the socials block.

use serde::{Deserialize, Serialize};

/// Networks of the socials block, each with an inline icon. URLs are not
/// tied to the network's domain (`x.com`/`twitter.com`, `wa.me`, regional
/// domains, link shorteners…), only validated; `email` also takes `mailto:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SocialNetwork {
    Instagram,
    Facebook,
    TikTok,
    X,
    YouTube,
    LinkedIn,
    WhatsApp,
    Telegram,
    Pinterest,
    Snapchat,
    Threads,
    Bluesky,
    Twitch,
    GitHub,
    Spotify,
    Email,
    Website,
}

impl SocialNetwork {
    pub const ALL: [SocialNetwork; 17] = [
        SocialNetwork::Instagram,
        SocialNetwork::Facebook,
        SocialNetwork::TikTok,
        SocialNetwork::X,
        SocialNetwork::YouTube,
        SocialNetwork::LinkedIn,
        SocialNetwork::WhatsApp,
        SocialNetwork::Telegram,
        SocialNetwork::Pinterest,
        SocialNetwork::Snapchat,
        SocialNetwork::Threads,
        SocialNetwork::Bluesky,
        SocialNetwork::Twitch,
        SocialNetwork::GitHub,
        SocialNetwork::Spotify,
        SocialNetwork::Email,
        SocialNetwork::Website,
    ];

    /// The JSON name, e.g. `tiktok`.
    pub fn code(self) -> &'static str {
        self.names().0
    }

    /// The name people know, e.g. `TikTok` (the icon's accessible name).
    pub fn display_name(self) -> &'static str {
        self.names().1
    }

    fn names(self) -> (&'static str, &'static str) {
        match self {
            SocialNetwork::Instagram => ("instagram", "Instagram"),
            SocialNetwork::Facebook => ("facebook", "Facebook"),
            SocialNetwork::TikTok => ("tiktok", "TikTok"),
            SocialNetwork::X => ("x", "X"),
            SocialNetwork::YouTube => ("youtube", "YouTube"),
            SocialNetwork::LinkedIn => ("linkedin", "LinkedIn"),
            SocialNetwork::WhatsApp => ("whatsapp", "WhatsApp"),
            SocialNetwork::Telegram => ("telegram", "Telegram"),
            SocialNetwork::Pinterest => ("pinterest", "Pinterest"),
            SocialNetwork::Snapchat => ("snapchat", "Snapchat"),
            SocialNetwork::Threads => ("threads", "Threads"),
            SocialNetwork::Bluesky => ("bluesky", "Bluesky"),
            SocialNetwork::Twitch => ("twitch", "Twitch"),
            SocialNetwork::GitHub => ("github", "GitHub"),
            SocialNetwork::Spotify => ("spotify", "Spotify"),
            SocialNetwork::Email => ("email", "Email"),
            SocialNetwork::Website => ("website", "Website"),
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        let input = input.trim();
        Self::ALL
            .into_iter()
            .find(|n| n.code().eq_ignore_ascii_case(input))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_codes_match_serde_names() {
        for n in SocialNetwork::ALL {
            let json = serde_json::to_string(&n).unwrap();
            assert_eq!(json, format!("\"{}\"", n.code()));
            assert_eq!(SocialNetwork::parse(n.code()), Some(n));
        }
    }
}
