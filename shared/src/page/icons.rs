//! Inline SVG icons: one stroked path each on a 24×24 grid, drawn in
//! `currentColor` by the stylesheet (`svg{fill:none;stroke:currentColor…}`).
//! Simplified glyphs rather than official logos: a few hundred bytes each,
//! and only the ones a page uses are sent.

use super::socials::SocialNetwork;

pub(crate) const PHONE: &str = "M5 3h3.5L10 7.5 7.8 9a12 12 0 0 0 7.2 7.2l1.5-2.2 4.5 1.5V19a2 2 0 0 1-2 2A17 17 0 0 1 3 5a2 2 0 0 1 2-2z";
pub(crate) const PIN: &str = "M12 21.5s-7-6.2-7-12a7 7 0 0 1 14 0c0 5.8-7 12-7 12zM12 7a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z";
pub(crate) const MAIL: &str =
    "M3.5 5h17a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1h-17a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zM3 6l9 7 9-7";
pub(crate) const ADD_CONTACT: &str = "M15 20v-1.5a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4V20M8.5 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM19 8v6m-3-3h6";
const GLOBE: &str = "M12 2.5a9.5 9.5 0 1 0 0 19 9.5 9.5 0 0 0 0-19zM2.5 12h19M12 2.5c2.5 2.6 3.8 5.8 3.8 9.5s-1.3 6.9-3.8 9.5c-2.5-2.6-3.8-5.8-3.8-9.5S9.5 5.1 12 2.5z";

pub(crate) fn network(network: SocialNetwork) -> &'static str {
    match network {
        SocialNetwork::Instagram => {
            "M7 2.5h10A4.5 4.5 0 0 1 21.5 7v10a4.5 4.5 0 0 1-4.5 4.5H7A4.5 4.5 0 0 1 2.5 17V7A4.5 4.5 0 0 1 7 2.5zM12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm5.5-1.5h.01"
        }
        SocialNetwork::Facebook => {
            "M17 2.5h-3a4 4 0 0 0-4 4v3H7v4h3v8h4v-8h3l1-4h-4v-2a1 1 0 0 1 1-1h3z"
        }
        SocialNetwork::TikTok => "M9 12a4 4 0 1 0 4 4V2.5c.5 2.8 2.6 4.8 5.5 5",
        SocialNetwork::X => "M4 3.5h4.5L20 20.5h-4.5zM4 20.5l6.7-7M20 3.5l-6.7 7",
        SocialNetwork::YouTube => {
            "M2.5 8.2c0-1.9 1.3-3 3.2-3.1C7.8 5 10 5 12 5s4.2 0 6.3.1c1.9.1 3.2 1.2 3.2 3.1v7.6c0 1.9-1.3 3-3.2 3.1-2.1.1-4.3.1-6.3.1s-4.2 0-6.3-.1c-1.9-.1-3.2-1.2-3.2-3.1zM10 9v6l5-3z"
        }
        SocialNetwork::LinkedIn => {
            "M4.5 2.5h15a2 2 0 0 1 2 2v15a2 2 0 0 1-2 2h-15a2 2 0 0 1-2-2v-15a2 2 0 0 1 2-2zM7.5 10.5V17m0-10h.01M11.5 17v-6.5m0 3a2.5 2.5 0 0 1 5 0V17"
        }
        SocialNetwork::WhatsApp => {
            "M3 21l1.7-4.9A9 9 0 1 1 8 19.4zM9 8.5c0 3.5 3 6.5 6.5 6.5l1-1.8-2.3-1-1 1c-1-.5-2-1.5-2.5-2.5l1-1-1-2.3z"
        }
        SocialNetwork::Telegram => "M21.5 3.5L2.5 11l7 2.5 2.5 7 3.5-5 5 3.5zM9.5 13.5l12-10",
        SocialNetwork::Pinterest => {
            "M12 2.5a9.5 9.5 0 1 0 0 19 9.5 9.5 0 0 0 0-19zM10 21l2.5-10.5M9.3 13.5A4 4 0 1 1 12.6 15"
        }
        SocialNetwork::Snapchat => {
            "M12 3C9.2 3 7 5.2 7 8v2l-2 .5c-.6.2-.5 1 .1 1.2l1.4.5c-.5 2-2 3.5-4 4.3.9 1 2 1.1 3 1.3.3 1 .6 1.7 1.8 1.7S9 21 12 21s2.5-1.5 3.7-1.5 1.5-.7 1.8-1.7c1-.2 2.1-.3 3-1.3-2-.8-3.5-2.3-4-4.3l1.4-.5c.6-.2.7-1 .1-1.2L17 10V8c0-2.8-2.2-5-5-5z"
        }
        SocialNetwork::Threads => {
            "M16 12a4 4 0 1 1-8 0 4 4 0 0 1 8 0zm0 0v1.5a2.5 2.5 0 0 0 5 0V12a9 9 0 1 0-3.5 7.1"
        }
        SocialNetwork::Bluesky => {
            "M12 10.5C10.5 7.5 6.5 3 4 3 2.5 3 2.5 4.5 2.5 6s.5 5 2 5.5 3.5.2 4.5-.2c-2.5 1-4.5 2.5-2.5 5 1.5 2 3.5 1 5.5-3.3 2 4.3 4 5.3 5.5 3.3 2-2.5 0-4-2.5-5 1 .4 3 .7 4.5.2s2-4 2-5.5S21.5 3 20 3c-2.5 0-6.5 4.5-8 7.5z"
        }
        SocialNetwork::Twitch => "M4.5 2.5h16v11L16 18h-4l-3 3v-3H4.5zM11 7v4.5m4.5-4.5v4.5",
        SocialNetwork::GitHub => {
            "M15 21.5v-3.8c0-1.1-.3-1.9-.9-2.5 2.9-.3 5.9-1.4 5.9-6.3 0-1.4-.5-2.5-1.3-3.4.1-.3.6-1.7-.1-3.5 0 0-1.1-.3-3.5 1.3a12 12 0 0 0-6.2 0C6.5 1.7 5.4 2 5.4 2c-.7 1.8-.2 3.2-.1 3.5C4.5 6.4 4 7.5 4 8.9c0 4.9 3 6 5.9 6.3-.6.6-.9 1.4-.9 2.5v3.8M9 18.5c-3 1-4.5-.5-5.5-2"
        }
        SocialNetwork::Spotify => {
            "M12 2.5a9.5 9.5 0 1 0 0 19 9.5 9.5 0 0 0 0-19zM7 9.5c3.4-1 7-.7 10 1m-9.5 2.3c2.8-.8 5.7-.5 8 .9M8 16c2.2-.6 4.3-.4 6 .6"
        }
        SocialNetwork::Email => MAIL,
        SocialNetwork::Website => GLOBE,
    }
}

/// Appends an icon, hidden from assistive technology: every icon sits next
/// to visible text or inside a link with an `aria-label`.
pub(crate) fn svg(out: &mut String, path: &str) {
    out.push_str("<svg viewBox=\"0 0 24 24\" aria-hidden=\"true\"><path d=\"");
    out.push_str(path);
    out.push_str("\"/></svg>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_plain_path_data_and_small() {
        let all =
            SocialNetwork::ALL
                .map(network)
                .into_iter()
                .chain([PHONE, PIN, MAIL, ADD_CONTACT]);
        let mut total = 0;
        for d in all {
            assert!(
                d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || " .-".contains(c)),
                "{d}"
            );
            assert!(d.len() < 400, "{d}");
            total += d.len();
        }
        assert!(total < 3_000, "{total}");
    }
}
