//! Colours of themes and QR codes, with the WCAG contrast maths both need.

use core::fmt;

use serde::{Deserialize, Serialize};

/// An sRGB colour written `#rgb` or `#rrggbb` (case-insensitive); always
/// printed as lower-case `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HexColor {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a colour: use #rgb or #rrggbb, e.g. #1a73e8")]
pub struct HexColorError(pub String);

impl HexColor {
    pub const BLACK: Self = Self::rgb(0, 0, 0);
    pub const WHITE: Self = Self::rgb(255, 255, 255);

    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b }
    }

    pub fn parse(input: &str) -> Result<Self, HexColorError> {
        let error = || HexColorError(input.to_owned());
        let digits = input.trim().strip_prefix('#').ok_or_else(error)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(error());
        }
        let channel = |s: &str| u8::from_str_radix(s, 16).map_err(|_| error());
        match digits.len() {
            3 => {
                let expand = |i: usize| {
                    let d = digits.get(i..=i).ok_or_else(error)?;
                    channel(&format!("{d}{d}"))
                };
                Ok(Self::rgb(expand(0)?, expand(1)?, expand(2)?))
            }
            6 => {
                let pair = |i: usize| channel(digits.get(i..i + 2).ok_or_else(error)?);
                Ok(Self::rgb(pair(0)?, pair(2)?, pair(4)?))
            }
            _ => Err(error()),
        }
    }

    /// WCAG 2.x relative luminance, 0.0 (black) to 1.0 (white).
    pub fn relative_luminance(self) -> f64 {
        fn linear(channel: u8) -> f64 {
            let c = f64::from(channel) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        }
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// WCAG contrast ratio, 1.0 (same colour) to 21.0 (black on white).
    pub fn contrast_ratio(self, other: Self) -> f64 {
        let (a, b) = (self.relative_luminance(), other.relative_luminance());
        let (light, dark) = if a > b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }

    /// Mixes towards `other` by `t` (0.0 = self, 1.0 = other).
    pub fn mix(self, other: Self, t: f64) -> Self {
        let t = t.clamp(0.0, 1.0);
        let lerp = |a: u8, b: u8| {
            let v = f64::from(a) + (f64::from(b) - f64::from(a)) * t;
            // Clamped to 0..=255 above, so the cast cannot truncate.
            v.round().clamp(0.0, 255.0) as u8
        };
        Self::rgb(
            lerp(self.r, other.r),
            lerp(self.g, other.g),
            lerp(self.b, other.b),
        )
    }
}

/// WCAG AA minimum for normal text.
pub const AA_TEXT_CONTRAST: f64 = 4.5;

impl fmt::Display for HexColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

crate::text::text_newtype!(HexColor, HexColorError);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_short_and_long_forms() {
        assert_eq!(HexColor::parse("#FFF").unwrap(), HexColor::WHITE);
        assert_eq!(
            HexColor::parse("#1A73e8").unwrap(),
            HexColor::rgb(0x1a, 0x73, 0xe8)
        );
        assert_eq!(HexColor::parse("#1a73e8").unwrap().to_string(), "#1a73e8");
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "#",
            "fff",
            "#ffff",
            "#12345g",
            "red",
            "#fff;",
            "#ffffff00",
            "#ééé",
            "#+1+2+3",
        ] {
            assert!(HexColor::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((HexColor::BLACK.contrast_ratio(HexColor::WHITE) - 21.0).abs() < 1e-9);
        assert!((HexColor::WHITE.contrast_ratio(HexColor::WHITE) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic "just passes AA" grey (4.54:1).
        let grey = HexColor::parse("#767676").unwrap();
        assert!(grey.contrast_ratio(HexColor::WHITE) >= AA_TEXT_CONTRAST);
        let lighter = HexColor::parse("#777777").unwrap();
        assert!(lighter.contrast_ratio(HexColor::WHITE) < AA_TEXT_CONTRAST);
    }

    proptest! {
        #[test]
        fn display_round_trips(r: u8, g: u8, b: u8) {
            let c = HexColor::rgb(r, g, b);
            prop_assert_eq!(HexColor::parse(&c.to_string()).unwrap(), c);
        }

        #[test]
        fn contrast_is_symmetric_and_bounded(a: (u8, u8, u8), b: (u8, u8, u8)) {
            let (x, y) = (HexColor::rgb(a.0, a.1, a.2), HexColor::rgb(b.0, b.1, b.2));
            let ratio = x.contrast_ratio(y);
            prop_assert!((1.0..=21.0 + 1e-9).contains(&ratio));
            prop_assert!((ratio - y.contrast_ratio(x)).abs() < 1e-12);
        }

        #[test]
        fn never_panics(input in "\\PC{0,12}") {
            let _ = HexColor::parse(&input);
        }
    }
}
