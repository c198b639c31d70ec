//! The frame's caption ("Scan me"): validated text, laid out once in the
//! frame's units with a bundled font (DejaVu Sans Bold), then either
//! rasterised (PNG) or emitted as glyph outlines (SVG, PDF, EPS). Outlines
//! are the font "embedded" in the output: a print shop or a browser without
//! the font draws the same letters.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve, Point};

use crate::error::QrError;

/// The longest caption: it must fit under the code in legible type.
pub const MAX_CAPTION_CHARS: usize = 30;
/// The caption a frame gets when none is given.
pub const DEFAULT_CAPTION: &str = "Scan me";

fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(dejavu::sans::bold()).ok())
        .as_ref()
}

/// A caption that fits and that the bundled font can draw.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Caption(String);

impl Caption {
    pub fn parse(text: &str) -> Result<Self, QrError> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars == 0 || chars > MAX_CAPTION_CHARS {
            return Err(QrError::CaptionLength {
                chars,
                max: MAX_CAPTION_CHARS,
            });
        }
        let font = font().ok_or(QrError::Encode("the caption font is unreadable".into()))?;
        if let Some(c) = text
            .chars()
            .find(|&c| c.is_control() || (c != ' ' && font.glyph_id(c).0 == 0))
        {
            return Err(QrError::CaptionCharacter { character: c });
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A box in frame units (1 unit = 1 module).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// A caption placed in a box: glyphs with pen positions, one font size.
#[derive(Debug)]
pub struct TextLayout {
    glyphs: Vec<(GlyphId, f64)>,
    /// Font units → frame units.
    k: f64,
    /// Baseline and left edge, in frame units.
    baseline: f64,
    left: f64,
}

/// Cap height of the caption as a share of the box height, and the share of
/// the box width the text may take: generous margins read as a label.
const CAP_SHARE: f64 = 0.5;
const WIDTH_SHARE: f64 = 0.88;

impl TextLayout {
    /// Centres the caption in `area`, as large as fits.
    pub fn new(caption: &Caption, area: Rect) -> Option<Self> {
        let font = font()?;
        let mut pen = 0.0f64;
        let mut glyphs = Vec::with_capacity(caption.0.len());
        let mut previous: Option<GlyphId> = None;
        for c in caption.0.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                pen += f64::from(font.kern_unscaled(p, id));
            }
            glyphs.push((id, pen));
            pen += f64::from(font.h_advance_unscaled(id));
            previous = Some(id);
        }
        // Cap height from the font's "H", so mixed case sits centred.
        let cap = font
            .outline(font.glyph_id('H'))
            .map(|o| f64::from(o.bounds.max.y - o.bounds.min.y))
            .filter(|h| *h > 0.0)
            .unwrap_or(f64::from(font.ascent_unscaled()) * 0.7);
        let k = (area.h * CAP_SHARE / cap).min(area.w * WIDTH_SHARE / pen.max(1.0));
        Some(Self {
            glyphs,
            k,
            baseline: area.y + area.h / 2.0 + cap * k / 2.0,
            left: area.x + (area.w - pen * k) / 2.0,
        })
    }

    /// Every glyph's outline in frame units (y down), as contours of
    /// segments. `emit` receives each segment; `Start` opens a contour.
    pub fn outlines(&self, mut emit: impl FnMut(Segment)) {
        let Some(font) = font() else { return };
        for &(id, pen) in &self.glyphs {
            let Some(outline) = font.outline(id) else {
                continue;
            };
            let at = |p: Point| {
                (
                    self.left + (pen + f64::from(p.x)) * self.k,
                    self.baseline - f64::from(p.y) * self.k,
                )
            };
            let mut last: Option<Point> = None;
            for curve in &outline.curves {
                let (start, end) = match *curve {
                    OutlineCurve::Line(a, b) => (a, b),
                    OutlineCurve::Quad(a, _, b) => (a, b),
                    OutlineCurve::Cubic(a, _, _, b) => (a, b),
                };
                if last != Some(start) {
                    if last.is_some() {
                        emit(Segment::Close);
                    }
                    emit(Segment::Start(at(start)));
                }
                emit(match *curve {
                    OutlineCurve::Line(_, b) => Segment::Line(at(b)),
                    OutlineCurve::Quad(_, c, b) => Segment::Quad(at(c), at(b)),
                    OutlineCurve::Cubic(_, c1, c2, b) => Segment::Cubic(at(c1), at(c2), at(b)),
                });
                last = Some(end);
            }
            if last.is_some() {
                emit(Segment::Close);
            }
        }
    }

    /// Rasterises the caption at `px_per_unit` with the frame's (0,0) at
    /// pixel (`ox`, `oy`); `coverage(x, y, c)` gets each touched pixel with
    /// coverage in 0..=1.
    pub fn rasterise(
        &self,
        px_per_unit: f64,
        (ox, oy): (f64, f64),
        mut coverage: impl FnMut(i64, i64, f32),
    ) {
        let Some(font) = font() else { return };
        let height = f64::from(font.height_unscaled());
        for &(id, pen) in &self.glyphs {
            let scale = (height * self.k * px_per_unit) as f32;
            let position = Point {
                x: (ox + (self.left + pen * self.k) * px_per_unit) as f32,
                y: (oy + self.baseline * px_per_unit) as f32,
            };
            let glyph = id.with_scale_and_position(scale, position);
            if let Some(outlined) = font.outline_glyph(glyph) {
                let min = outlined.px_bounds().min;
                outlined.draw(|x, y, c| {
                    coverage(i64::from(x) + min.x as i64, i64::from(y) + min.y as i64, c);
                });
            }
        }
    }
}

/// One step of a glyph contour, in frame units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    Start((f64, f64)),
    Line((f64, f64)),
    Quad((f64, f64), (f64, f64)),
    Cubic((f64, f64), (f64, f64), (f64, f64)),
    Close,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_are_trimmed_bounded_and_drawable() {
        assert_eq!(Caption::parse("  Scan me ").unwrap().as_str(), "Scan me");
        let french = "Scannez-moi — ça marche";
        assert_eq!(Caption::parse(french).unwrap().as_str(), french);
        assert!(matches!(
            Caption::parse("   "),
            Err(QrError::CaptionLength { chars: 0, .. })
        ));
        let long = "x".repeat(31);
        assert!(matches!(
            Caption::parse(&long),
            Err(QrError::CaptionLength { chars: 31, .. })
        ));
        assert_eq!(
            Caption::parse("scan\u{7}me").unwrap_err(),
            QrError::CaptionCharacter { character: '\u{7}' }
        );
        // DejaVu has no CJK: refused by name instead of drawn as boxes.
        let err = Caption::parse("扫我").unwrap_err();
        assert_eq!(err, QrError::CaptionCharacter { character: '扫' });
        assert_eq!(err.field(), "caption");
    }

    #[test]
    fn the_layout_stays_inside_its_box() {
        let area = Rect {
            x: 1.0,
            y: 30.0,
            w: 31.0,
            h: 6.0,
        };
        for text in ["Scan me", "W", &"MW".repeat(15)] {
            let layout = TextLayout::new(&Caption::parse(text).unwrap(), area).unwrap();
            let (mut min, mut max) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
            let mut contours = 0;
            layout.outlines(|s| {
                let points: &[(f64, f64)] = match &s {
                    Segment::Start(p) | Segment::Line(p) => &[*p],
                    Segment::Quad(a, b) => &[*a, *b],
                    Segment::Cubic(a, b, c) => &[*a, *b, *c],
                    Segment::Close => &[],
                };
                if matches!(s, Segment::Start(_)) {
                    contours += 1;
                }
                for &(x, y) in points {
                    min = (min.0.min(x), min.1.min(y));
                    max = (max.0.max(x), max.1.max(y));
                }
            });
            assert!(contours >= text.len(), "{text}");
            assert!(
                min.0 >= area.x && max.0 <= area.x + area.w,
                "{text}: {min:?} {max:?}"
            );
            assert!(
                min.1 >= area.y && max.1 <= area.y + area.h,
                "{text}: {min:?} {max:?}"
            );
        }
    }

    #[test]
    fn rasterising_touches_pixels_inside_the_box_only() {
        let area = Rect {
            x: 0.0,
            y: 0.0,
            w: 40.0,
            h: 8.0,
        };
        let layout = TextLayout::new(&Caption::parse("Scan me").unwrap(), area).unwrap();
        let mut ink = 0.0f32;
        layout.rasterise(4.0, (10.0, 20.0), |x, y, c| {
            assert!((10..170).contains(&x) && (20..52).contains(&y), "{x},{y}");
            ink += c;
        });
        assert!(ink > 100.0, "text was drawn: {ink}");
    }
}
