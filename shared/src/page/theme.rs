//! Page themes: three owner-picked colours, a system font stack and a button
//! shape, plus the derived colours the renderer needs, all chosen so that
//! every piece of text meets WCAG AA (4.5:1).

use core::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::PageError;
use crate::HexColor;
use crate::color::AA_TEXT_CONTRAST;

/// A validated theme: `text` on `background` reaches WCAG AA (4.5:1).
/// Deserialising (alone or inside a [`super::Page`]) enforces that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawTheme")]
pub struct Theme {
    pub background: HexColor,
    pub text: HexColor,
    pub accent: HexColor,
    pub font: Font,
    pub button_style: ButtonStyle,
}

/// System font stacks only: no web font downloads, so nothing to wait for on
/// a slow network and no third party learning who scanned what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Font {
    #[default]
    System,
    Serif,
    Rounded,
    Mono,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonStyle {
    /// Filled, slightly rounded corners.
    #[default]
    Rounded,
    /// Filled, fully rounded ends.
    Pill,
    /// Filled, square corners.
    Square,
    /// Transparent with a border in the link colour.
    Outline,
}

impl Font {
    pub const ALL: [Font; 4] = [Font::System, Font::Serif, Font::Rounded, Font::Mono];

    pub fn name(self) -> &'static str {
        match self {
            Font::System => "system",
            Font::Serif => "serif",
            Font::Rounded => "rounded",
            Font::Mono => "mono",
        }
    }

    /// The CSS `font-family` value: fonts already on the visitor's device.
    pub fn stack(self) -> &'static str {
        match self {
            Font::System => {
                "system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif"
            }
            Font::Serif => "Charter,\"Bitstream Charter\",\"Sitka Text\",Cambria,Georgia,serif",
            Font::Rounded => {
                "ui-rounded,\"SF Pro Rounded\",\"Hiragino Maru Gothic ProN\",Quicksand,Comfortaa,Manjari,\"Arial Rounded MT\",Calibri,sans-serif"
            }
            Font::Mono => {
                "ui-monospace,\"Cascadia Code\",\"Source Code Pro\",Menlo,Consolas,\"DejaVu Sans Mono\",monospace"
            }
        }
    }
}

impl ButtonStyle {
    pub const ALL: [ButtonStyle; 4] = [
        ButtonStyle::Rounded,
        ButtonStyle::Pill,
        ButtonStyle::Square,
        ButtonStyle::Outline,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ButtonStyle::Rounded => "rounded",
            ButtonStyle::Pill => "pill",
            ButtonStyle::Square => "square",
            ButtonStyle::Outline => "outline",
        }
    }
}

impl Default for Theme {
    /// Near-black on white with a blue accent (white button labels, 5.2:1).
    fn default() -> Self {
        Self {
            background: HexColor::WHITE,
            text: HexColor::rgb(0x1f, 0x23, 0x28),
            accent: HexColor::rgb(0x25, 0x63, 0xeb),
            font: Font::System,
            button_style: ButtonStyle::Rounded,
        }
    }
}

/// The colours the renderer uses, all derived deterministically from a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub background: HexColor,
    pub text: HexColor,
    /// Fill of filled buttons: the accent, or the accent darkened/lightened
    /// until `button_text` reaches 4.5:1 on it.
    pub button_background: HexColor,
    /// Label of filled buttons: black or white, whichever contrasts more with
    /// the accent (white on a tie).
    pub button_text: HexColor,
    /// Links inside text (always underlined) and outline buttons: the accent
    /// when it reaches 4.5:1 on the background, otherwise the text colour.
    pub link: HexColor,
    /// Secondary text (descriptions): the text colour faded towards the
    /// background as far as AA still allows, possibly not at all.
    pub muted: HexColor,
    /// Borders and dividers: decorative, so no contrast requirement.
    pub line: HexColor,
}

impl Theme {
    pub fn palette(&self) -> Palette {
        let (button_background, button_text) = button_colors(self.accent);
        let link = if self.accent.contrast_ratio(self.background) >= AA_TEXT_CONTRAST {
            self.accent
        } else {
            self.text
        };
        let muted = [0.35, 0.25, 0.15]
            .into_iter()
            .map(|t| self.text.mix(self.background, t))
            .find(|c| c.contrast_ratio(self.background) >= AA_TEXT_CONTRAST)
            .unwrap_or(self.text);
        Palette {
            background: self.background,
            text: self.text,
            button_background,
            button_text,
            link,
            muted,
            line: self.text.mix(self.background, 0.8),
        }
    }
}

/// Picks the button label (black or white, whichever contrasts more with the
/// accent) and, if even that misses 4.5:1, mixes the accent away from the
/// label in 5% steps until it reaches it. For the WCAG formula the better of
/// black and white always reaches at least 4.58:1, so today the loop is a
/// safety net that keeps the guarantee if the threshold ever rises.
pub(crate) fn button_colors(accent: HexColor) -> (HexColor, HexColor) {
    let white = accent.contrast_ratio(HexColor::WHITE);
    let black = accent.contrast_ratio(HexColor::BLACK);
    let (label, away) = if white >= black {
        (HexColor::WHITE, HexColor::BLACK)
    } else {
        (HexColor::BLACK, HexColor::WHITE)
    };
    let fill = (0..=20)
        .map(|step| accent.mix(away, f64::from(step) * 0.05))
        .find(|c| c.contrast_ratio(label) >= AA_TEXT_CONTRAST)
        .unwrap_or(away);
    (fill, label)
}

/// "2.1" for 2.19: truncated, so a rejected ratio never prints as "4.5".
pub(crate) fn format_ratio(ratio: f64) -> String {
    let tenths = (ratio * 10.0).floor() / 10.0;
    let mut out = String::new();
    let _ = write!(out, "{tenths:.1}");
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTheme {
    background: String,
    text: String,
    accent: String,
    #[serde(default)]
    font: Option<String>,
    #[serde(default)]
    button_style: Option<String>,
}

fn one_of<T: Copy>(
    field: &str,
    value: Option<&str>,
    all: &[T],
    name: fn(T) -> &'static str,
    default: T,
) -> Result<T, PageError> {
    let Some(value) = value else {
        return Ok(default);
    };
    all.iter()
        .copied()
        .find(|v| name(*v).eq_ignore_ascii_case(value.trim()))
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
            PageError::new(
                field,
                format!("unknown value {value:?}; use one of {}", names.join(", ")),
            )
        })
}

impl TryFrom<RawTheme> for Theme {
    type Error = PageError;

    fn try_from(raw: RawTheme) -> Result<Self, PageError> {
        let color = |field: &str, value: &str| {
            HexColor::parse(value).map_err(|e| PageError::new(field, e.to_string()))
        };
        let background = color("theme.background", &raw.background)?;
        let text = color("theme.text", &raw.text)?;
        let accent = color("theme.accent", &raw.accent)?;
        let ratio = text.contrast_ratio(background);
        if ratio < AA_TEXT_CONTRAST {
            return Err(PageError::new(
                "theme.text",
                format!(
                    "contrast with background is {}:1; WCAG AA needs 4.5:1",
                    format_ratio(ratio)
                ),
            ));
        }
        Ok(Theme {
            background,
            text,
            accent,
            font: one_of(
                "theme.font",
                raw.font.as_deref(),
                &Font::ALL,
                Font::name,
                Font::System,
            )?,
            button_style: one_of(
                "theme.button_style",
                raw.button_style.as_deref(),
                &ButtonStyle::ALL,
                ButtonStyle::name,
                ButtonStyle::Rounded,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ratios_are_truncated_not_rounded() {
        assert_eq!(format_ratio(2.19), "2.1");
        assert_eq!(format_ratio(4.499), "4.4");
        assert_eq!(format_ratio(21.0), "21.0");
    }

    #[test]
    fn default_theme_passes_its_own_rules() {
        let t = Theme::default();
        assert!(t.text.contrast_ratio(t.background) >= AA_TEXT_CONTRAST);
        let p = t.palette();
        assert_eq!(p.button_text, HexColor::WHITE);
        assert_eq!(p.button_background, t.accent);
        assert_eq!(p.link, t.accent);
    }

    proptest! {
        #[test]
        fn button_labels_always_reach_aa(r: u8, g: u8, b: u8) {
            let (fill, label) = button_colors(HexColor::rgb(r, g, b));
            prop_assert!(fill.contrast_ratio(label) >= AA_TEXT_CONTRAST);
        }

        #[test]
        fn muted_and_link_colours_reach_aa(bg: (u8, u8, u8), accent: (u8, u8, u8)) {
            let background = HexColor::rgb(bg.0, bg.1, bg.2);
            let text = if background.contrast_ratio(HexColor::BLACK) >= background.contrast_ratio(HexColor::WHITE) {
                HexColor::BLACK
            } else {
                HexColor::WHITE
            };
            let theme = Theme { background, text, accent: HexColor::rgb(accent.0, accent.1, accent.2), ..Theme::default() };
            let p = theme.palette();
            prop_assert!(p.muted.contrast_ratio(background) >= AA_TEXT_CONTRAST);
            prop_assert!(p.link.contrast_ratio(background) >= AA_TEXT_CONTRAST);
        }
    }
}
