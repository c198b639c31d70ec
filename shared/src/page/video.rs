//! Video embeds: YouTube and Vimeo only, always through their privacy modes.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::Destination;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoProvider {
    YouTube,
    Vimeo,
}

/// A video reduced to provider and validated id, so the only URLs ever
/// emitted are ones built here. Accepts `youtube.com/watch?v=`, `youtu.be/`,
/// `youtube.com/shorts/`, `youtube.com/live/`, `youtube.com/embed/`
/// (also `www.`, `m.` and `youtube-nocookie.com`), `vimeo.com/<id>`,
/// `vimeo.com/<id>/<hash>` (unlisted) and `player.vimeo.com/video/<id>`.
/// Serialises to a canonical watch URL (`https://www.youtube.com/watch?v=…`,
/// `…/shorts/…`, `https://vimeo.com/…`); other query parameters (`t`, `si`,
/// `list`) are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VideoUrl {
    provider: VideoProvider,
    id: String,
    /// Vimeo's private-link hash of unlisted videos.
    hash: Option<String>,
    /// YouTube Shorts: rendered 9:16 instead of 16:9.
    vertical: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VideoUrlError {
    #[error("not a valid URL: {0}")]
    Url(String),
    #[error("only YouTube and Vimeo videos can be embedded")]
    Provider,
    #[error(
        "not a YouTube video link: use youtube.com/watch?v=…, youtu.be/…, youtube.com/shorts/… or youtube.com/embed/…"
    )]
    YouTubePath,
    #[error("not a Vimeo video link: use vimeo.com/<number> or player.vimeo.com/video/<number>")]
    VimeoPath,
    #[error("{0:?} is not a valid video id")]
    Id(String),
}

fn youtube_id(id: &str) -> bool {
    id.len() == 11
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn vimeo_id(id: &str) -> bool {
    (1..=12).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

fn vimeo_hash(hash: &str) -> bool {
    (1..=20).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl VideoUrl {
    pub fn parse(input: &str) -> Result<Self, VideoUrlError> {
        let dest = Destination::parse(input).map_err(|e| VideoUrlError::Url(e.to_string()))?;
        let url = url::Url::parse(dest.as_str()).map_err(|e| VideoUrlError::Url(e.to_string()))?;
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let query = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        let youtube = |id: String, vertical: bool| {
            if youtube_id(&id) {
                Ok(Self {
                    provider: VideoProvider::YouTube,
                    id,
                    hash: None,
                    vertical,
                })
            } else {
                Err(VideoUrlError::Id(id))
            }
        };
        let vimeo = |id: &str, hash: Option<String>| {
            if !vimeo_id(id) {
                return Err(VideoUrlError::Id(id.to_owned()));
            }
            if let Some(h) = hash.as_deref().filter(|h| !vimeo_hash(h)) {
                return Err(VideoUrlError::Id(h.to_owned()));
            }
            Ok(Self {
                provider: VideoProvider::Vimeo,
                id: id.to_owned(),
                hash,
                vertical: false,
            })
        };
        match dest.host() {
            "youtu.be" => match segments.as_slice() {
                [id] => youtube((*id).to_owned(), false),
                _ => Err(VideoUrlError::YouTubePath),
            },
            "youtube.com"
            | "www.youtube.com"
            | "m.youtube.com"
            | "youtube-nocookie.com"
            | "www.youtube-nocookie.com" => match segments.as_slice() {
                ["watch"] => youtube(query("v").ok_or(VideoUrlError::YouTubePath)?, false),
                ["shorts", id] => youtube((*id).to_owned(), true),
                ["embed" | "live", id] => youtube((*id).to_owned(), false),
                _ => Err(VideoUrlError::YouTubePath),
            },
            "vimeo.com" | "www.vimeo.com" => match segments.as_slice() {
                [id] => vimeo(id, None),
                [id, hash] => vimeo(id, Some((*hash).to_owned())),
                _ => Err(VideoUrlError::VimeoPath),
            },
            "player.vimeo.com" => match segments.as_slice() {
                ["video", id] => vimeo(id, query("h")),
                _ => Err(VideoUrlError::VimeoPath),
            },
            _ => Err(VideoUrlError::Provider),
        }
    }

    pub fn provider(&self) -> VideoProvider {
        self.provider
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Portrait video (YouTube Shorts).
    pub fn is_vertical(&self) -> bool {
        self.vertical
    }

    /// The privacy-enhanced player URL for the `<iframe>`: YouTube's
    /// no-cookie domain, Vimeo with Do Not Track.
    pub fn embed_url(&self) -> String {
        match (self.provider, &self.hash) {
            (VideoProvider::YouTube, _) => {
                format!("https://www.youtube-nocookie.com/embed/{}", self.id)
            }
            (VideoProvider::Vimeo, None) => {
                format!("https://player.vimeo.com/video/{}?dnt=1", self.id)
            }
            (VideoProvider::Vimeo, Some(h)) => {
                format!("https://player.vimeo.com/video/{}?h={h}&dnt=1", self.id)
            }
        }
    }

    /// Accessible name of the player frame.
    pub fn title(&self) -> &'static str {
        match self.provider {
            VideoProvider::YouTube => "YouTube video",
            VideoProvider::Vimeo => "Vimeo video",
        }
    }
}

impl fmt::Display for VideoUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.provider, self.vertical, &self.hash) {
            (VideoProvider::YouTube, true, _) => {
                write!(f, "https://www.youtube.com/shorts/{}", self.id)
            }
            (VideoProvider::YouTube, false, _) => {
                write!(f, "https://www.youtube.com/watch?v={}", self.id)
            }
            (VideoProvider::Vimeo, _, None) => write!(f, "https://vimeo.com/{}", self.id),
            (VideoProvider::Vimeo, _, Some(h)) => write!(f, "https://vimeo.com/{}/{h}", self.id),
        }
    }
}

crate::text::text_newtype!(VideoUrl, VideoUrlError);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn embed(input: &str) -> String {
        VideoUrl::parse(input).unwrap().embed_url()
    }

    #[test]
    fn converts_youtube_urls_to_nocookie_embeds() {
        let want = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ";
        for input in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s&si=abc",
            "http://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?si=xyz",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/live/dQw4w9WgXcQ",
            " HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ ",
        ] {
            assert_eq!(embed(input), want, "{input}");
        }
        let short = VideoUrl::parse("https://youtube.com/shorts/abcdefghijk").unwrap();
        assert!(short.is_vertical());
        assert_eq!(
            short.embed_url(),
            "https://www.youtube-nocookie.com/embed/abcdefghijk"
        );
        assert_eq!(
            short.to_string(),
            "https://www.youtube.com/shorts/abcdefghijk"
        );
    }

    #[test]
    fn converts_vimeo_urls_to_dnt_embeds() {
        assert_eq!(
            embed("https://vimeo.com/76979871"),
            "https://player.vimeo.com/video/76979871?dnt=1"
        );
        assert_eq!(
            embed("https://player.vimeo.com/video/76979871?autoplay=1"),
            "https://player.vimeo.com/video/76979871?dnt=1"
        );
        assert_eq!(
            embed("https://vimeo.com/76979871/a1b2c3d4e5"),
            "https://player.vimeo.com/video/76979871?h=a1b2c3d4e5&dnt=1"
        );
        assert_eq!(
            embed("https://player.vimeo.com/video/76979871?h=a1b2c3d4e5"),
            "https://player.vimeo.com/video/76979871?h=a1b2c3d4e5&dnt=1"
        );
    }

    #[test]
    fn rejects_lookalikes_and_bad_ids() {
        use VideoUrlError::*;
        let cases: &[(&str, VideoUrlError)] = &[
            ("https://evil.com/watch?v=x", Provider),
            ("https://youtube.com.evil.com/watch?v=dQw4w9WgXcQ", Provider),
            ("https://evilyoutube.com/watch?v=dQw4w9WgXcQ", Provider),
            ("https://www.youtube.com/watch?v=short", Id("short".into())),
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXc%3C",
                Id("dQw4w9WgXc<".into()),
            ),
            ("https://www.youtube.com/watch", YouTubePath),
            ("https://www.youtube.com/channel/UC123", YouTubePath),
            ("https://youtu.be/", YouTubePath),
            ("https://vimeo.com/abc", Id("abc".into())),
            ("https://vimeo.com/channels/staffpicks/1", VimeoPath),
            ("https://vimeo.com/123/bad-hash!", Id("bad-hash!".into())),
            ("https://player.vimeo.com/123", VimeoPath),
        ];
        for (input, want) in cases {
            assert_eq!(VideoUrl::parse(input).as_ref(), Err(want), "{input}");
        }
        for input in [
            "javascript:alert(1)",
            "https://user:pw@youtube.com/watch?v=dQw4w9WgXcQ",
            "youtube.com/watch?v=dQw4w9WgXcQ",
        ] {
            assert!(matches!(VideoUrl::parse(input), Err(Url(_))), "{input}");
        }
        // Credentials-looking host tricks resolve to the real host.
        assert_eq!(
            VideoUrl::parse("https://youtube.com@evil.com/watch?v=dQw4w9WgXcQ"),
            Err(Url(
                "the destination may not contain a user name or password".into()
            ))
        );
    }

    proptest! {
        #[test]
        fn canonical_form_round_trips(id in "[A-Za-z0-9_-]{11}", vertical: bool) {
            let input = if vertical {
                format!("https://www.youtube.com/shorts/{id}")
            } else {
                format!("https://youtu.be/{id}")
            };
            let v = VideoUrl::parse(&input).unwrap();
            prop_assert_eq!(VideoUrl::parse(&v.to_string()).unwrap(), v.clone());
            prop_assert_eq!(v.is_vertical(), vertical);
            prop_assert!(v.embed_url().ends_with(&id));
        }

        #[test]
        fn never_panics(input in "\\PC{0,80}") {
            let _ = VideoUrl::parse(&input);
        }
    }
}
