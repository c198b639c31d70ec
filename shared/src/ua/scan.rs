//! Allocation-free, single-pass multi-pattern matcher.
//!
//! All patterns (bot names and OS/device/browser markers) live in one table
//! that is bucketed by first byte *at compile time*. Classification copies at
//! most [`MAX_SCAN`] bytes of the user agent into a stack buffer, lowercases
//! it, then walks it once: at each position only the patterns starting with
//! that byte are compared. That is a few thousand byte comparisons for a
//! typical UA instead of one full scan per pattern, with no heap allocation.

use super::Bot;
use super::markers::Flag;

/// Only this many leading bytes of a user agent are inspected.
///
/// Real browser, in-app and bot UAs fit comfortably (the long ones, e.g.
/// Facebook/Instagram in-app, are ~300 bytes). The cap bounds CPU per request
/// (an attacker can send a multi-KB header) and lets us lowercase into a fixed
/// stack buffer instead of allocating a `String`. Anything past it is ignored.
pub(super) const MAX_SCAN: usize = 512;

/// Where a pattern may match, relative to the surrounding bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum At {
    /// Anywhere.
    Any,
    /// Only at the very start of the user agent.
    Start,
    /// The whole (trimmed) user agent equals the pattern.
    Whole,
    /// Not preceded by an ASCII letter or digit.
    Token,
    /// Neither preceded nor followed by an ASCII letter or digit.
    Word,
    /// Ends a word (not followed by a letter or digit) and that word is not
    /// a known false positive such as the phone brand "Cubot".
    WordEnd,
}

/// What a matching pattern tells us.
#[derive(Debug, Clone, Copy)]
pub(super) enum Hit {
    /// The UA is this bot. Among bot hits, the earliest table entry wins.
    Bot(Bot),
    /// Sets a marker flag used by the OS/device/browser decision.
    Flag(Flag),
}

/// One lowercase pattern and its meaning.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rule {
    pub(super) pat: &'static [u8],
    pub(super) at: At,
    pub(super) hit: Hit,
}

/// Words that end in "bot" but are not bots (phone brands, product names).
const NOT_BOTS: &[&[u8]] = &[b"cubot", b"robot"];

#[derive(Debug, Clone, Copy)]
struct Entry {
    rule: Rule,
    /// Position in the original rule order (bot priority).
    prio: u16,
}

/// Rules sorted (stably) by first byte, with per-byte bucket offsets.
#[derive(Debug)]
pub(super) struct Table<const N: usize> {
    entries: [Entry; N],
    /// Bucket of first byte `b` is `entries[starts[b]..starts[b + 1]]`.
    starts: [u16; 257],
}

/// Builds a [`Table`] from rule groups, concatenated in priority order.
///
/// Runs in const context only (the tables are `static`), so the indexing and
/// assertions below are checked by the compiler: an empty or non-lowercase
/// pattern, or a wrong `N`, is a build error, never a runtime panic.
#[allow(clippy::indexing_slicing)]
pub(super) const fn build<const N: usize>(groups: &[&[Rule]]) -> Table<N> {
    assert!(N < u16::MAX as usize, "too many rules");
    const PLACEHOLDER: Entry = Entry {
        rule: Rule { pat: b"", at: At::Any, hit: Hit::Flag(Flag::Mobile) },
        prio: 0,
    };
    let mut flat = [PLACEHOLDER; N];
    let mut counts = [0u16; 257];
    let mut n = 0;
    let mut g = 0;
    while g < groups.len() {
        let mut i = 0;
        while i < groups[g].len() {
            let rule = groups[g][i];
            assert!(!rule.pat.is_empty(), "empty pattern");
            let mut k = 0;
            while k < rule.pat.len() {
                assert!(!rule.pat[k].is_ascii_uppercase(), "patterns must be lowercase");
                k += 1;
            }
            flat[n] = Entry { rule, prio: n as u16 };
            counts[rule.pat[0] as usize + 1] += 1;
            n += 1;
            i += 1;
        }
        g += 1;
    }
    assert!(n == N, "rule count does not match N");
    let mut b = 0;
    while b < 256 {
        counts[b + 1] += counts[b];
        b += 1;
    }
    let starts = counts;
    let mut next = counts;
    let mut entries = [PLACEHOLDER; N];
    let mut i = 0;
    while i < N {
        let first = flat[i].rule.pat[0] as usize;
        entries[next[first] as usize] = flat[i];
        next[first] += 1;
        i += 1;
    }
    Table { entries, starts }
}

/// The lowercased, length-capped copy of a user agent, on the stack.
pub(super) struct Haystack {
    buf: [u8; MAX_SCAN],
    len: usize,
}

impl Haystack {
    pub(super) fn new(ua: &str) -> Self {
        let src = ua.as_bytes();
        let len = src.len().min(MAX_SCAN);
        let mut buf = [0u8; MAX_SCAN];
        if let (Some(dst), Some(src)) = (buf.get_mut(..len), src.get(..len)) {
            dst.copy_from_slice(src);
            // ASCII-only lowercasing: non-ASCII bytes (and a UTF-8 sequence
            // cut at the cap) are left alone and simply never match.
            dst.make_ascii_lowercase();
        }
        Self { buf, len }
    }

    pub(super) fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

/// Marker flags found by a scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Flags(u64);

impl Flags {
    pub(super) const fn has(self, f: Flag) -> bool {
        self.0 & f.bit() != 0
    }
}

/// Result of one pass over a haystack.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scan {
    pub(super) bot: Option<Bot>,
    pub(super) flags: Flags,
}

impl<const N: usize> Table<N> {
    fn bucket(&self, first: u8) -> &[Entry] {
        let lo = self.starts.get(usize::from(first)).copied().unwrap_or(0);
        let hi = self.starts.get(usize::from(first) + 1).copied().unwrap_or(0);
        self.entries.get(usize::from(lo)..usize::from(hi)).unwrap_or_default()
    }

    /// Finds every marker flag and the highest-priority bot pattern in `hay`.
    pub(super) fn scan(&self, hay: &[u8]) -> Scan {
        let mut best: Option<(u16, Bot)> = None;
        let mut flags = 0u64;
        for (pos, &byte) in hay.iter().enumerate() {
            for entry in self.bucket(byte) {
                if let Hit::Bot(_) = entry.rule.hit {
                    if best.is_some_and(|(p, _)| p <= entry.prio) {
                        continue;
                    }
                }
                if !matches_at(hay, pos, &entry.rule) {
                    continue;
                }
                match entry.rule.hit {
                    Hit::Bot(bot) => best = Some((entry.prio, bot)),
                    Hit::Flag(f) => flags |= f.bit(),
                }
            }
        }
        Scan { bot: best.map(|(_, bot)| bot), flags: Flags(flags) }
    }
}

const fn is_alnum(b: Option<&u8>) -> bool {
    matches!(b, Some(b) if b.is_ascii_alphanumeric())
}

/// Does `rule` match `hay` at `pos` (whose first byte is already known to match)?
fn matches_at(hay: &[u8], pos: usize, rule: &Rule) -> bool {
    let end = pos + rule.pat.len();
    match rule.at {
        At::Start | At::Whole if pos != 0 => return false,
        _ => {}
    }
    if hay.get(pos..end) != Some(rule.pat) {
        return false;
    }
    let before = pos.checked_sub(1).and_then(|i| hay.get(i));
    let after = hay.get(end);
    match rule.at {
        At::Any | At::Start => true,
        At::Whole => end == hay.len(),
        At::Token => !is_alnum(before),
        At::Word => !is_alnum(before) && !is_alnum(after),
        At::WordEnd => {
            if is_alnum(after) {
                return false;
            }
            let start = hay
                .get(..pos)
                .and_then(|head| head.iter().rposition(|b| !b.is_ascii_alphanumeric()))
                .map_or(0, |i| i + 1);
            let word = hay.get(start..end).unwrap_or_default();
            !NOT_BOTS.contains(&word)
        }
    }
}
