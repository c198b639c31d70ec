//! The POSIX TZ string parser.

use super::{DEFAULT_END, DEFAULT_START, DateRule, Dst, PosixTz, Transition};

/// Byte cursor over a TZ string.
pub(super) struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        Parser {
            s: s.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    pub(super) fn tz(&mut self) -> Option<PosixTz> {
        self.name()?;
        let std_offset = self.offset()?;
        if self.at_end() {
            return Some(PosixTz {
                std_offset,
                dst: None,
            });
        }
        self.name()?;
        let offset = match self.peek() {
            None | Some(b',') => std_offset.checked_add(3600)?,
            Some(_) => self.offset()?,
        };
        let (start, end) = if self.eat(b',') {
            let start = self.transition()?;
            if !self.eat(b',') {
                return None;
            }
            (start, self.transition()?)
        } else {
            (DEFAULT_START, DEFAULT_END)
        };
        Some(PosixTz {
            std_offset,
            dst: Some(Dst { offset, start, end }),
        })
    }

    /// A zone abbreviation (ignored: only offsets matter here).
    pub(super) fn name(&mut self) -> Option<()> {
        let begin = self.pos;
        if self.eat(b'<') {
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'-')
            {
                self.pos += 1;
            }
            let len = self.pos - begin - 1;
            (len > 0 && self.eat(b'>')).then_some(())
        } else {
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.pos += 1;
            }
            (self.pos > begin).then_some(())
        }
    }

    /// A standard/DST offset, returned as seconds *east* of UTC.
    pub(super) fn offset(&mut self) -> Option<i32> {
        self.hms(24).map(|secs| -secs)
    }

    /// `[+-]h[h[h]][:mm[:ss]]` with hours at most `max_hours`, as signed seconds.
    fn hms(&mut self, max_hours: u32) -> Option<i32> {
        let negative = if self.eat(b'-') {
            true
        } else {
            self.eat(b'+');
            false
        };
        let hours = self.number(3)?;
        let mut secs = hours.checked_mul(3600)?;
        if hours > max_hours {
            return None;
        }
        for unit in [60, 1] {
            if !self.eat(b':') {
                break;
            }
            let v = self.number(2)?;
            if v > 59 {
                return None;
            }
            secs += v * unit;
        }
        let secs = i32::try_from(secs).ok()?;
        Some(if negative { -secs } else { secs })
    }

    /// 1 to `max_digits` decimal digits.
    fn number(&mut self, max_digits: usize) -> Option<u32> {
        let begin = self.pos;
        let mut v: u32 = 0;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            if self.pos - begin == max_digits {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
            self.pos += 1;
        }
        (self.pos > begin).then_some(v)
    }

    fn transition(&mut self) -> Option<Transition> {
        let date = self.date()?;
        let time = if self.eat(b'/') { self.hms(167)? } else { 7200 };
        Some(Transition { date, time })
    }

    fn date(&mut self) -> Option<DateRule> {
        if self.eat(b'J') {
            let n = self.number(3)?;
            return (1..=365).contains(&n).then(|| DateRule::Julian1(small(n)));
        }
        if self.eat(b'M') {
            let month = self.number(2)?;
            let week = self.eat(b'.').then(|| self.number(1)).flatten()?;
            let weekday = self.eat(b'.').then(|| self.number(1)).flatten()?;
            let ok = (1..=12).contains(&month) && (1..=5).contains(&week) && weekday <= 6;
            return ok.then(|| DateRule::MonthWeekDay {
                month: tiny(month),
                week: tiny(week),
                weekday: tiny(weekday),
            });
        }
        let n = self.number(3)?;
        (n <= 365).then(|| DateRule::Julian0(small(n)))
    }
}

/// Narrowing for values already range-checked by the parser.
fn small(v: u32) -> u16 {
    u16::try_from(v).unwrap_or(0)
}

fn tiny(v: u32) -> u8 {
    u8::try_from(v).unwrap_or(0)
}
