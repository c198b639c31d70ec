//! Allocation-free, single-pass multi-pattern matcher.
//!
//! All patterns (bot names and OS/device/browser markers) live in one table
//! that is bucketed at compile time by a hash of their first two bytes.
//! Classification copies at most [`MAX_SCAN`] bytes of the user agent into a
//! stack buffer, lowercases it, then walks it once: at each position only the
//! patterns in that position's bucket (about one) are compared. That is a few
//! hundred comparisons for a typical UA instead of one full scan per pattern,
//! with no heap allocation.

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

/// Compact runtime form of a [`Rule`]: 12 bytes on wasm32.
#[derive(Debug, Clone, Copy)]
struct Entry {
    pat: &'static [u8],
    at: At,
    /// `id < B`: the bot `bots[id]`, whose priority is `id` (lower wins).
    /// Otherwise: marker flag number `id - B`.
    id: u8,
}

/// Bucket of a position, from its first two bytes. Every pattern is at least
/// two bytes long, so only patterns sharing this key can match there; the
/// 256 buckets hold about one pattern each, so most positions cost one probe.
const fn key(b0: u8, b1: u8) -> usize {
    (b0.wrapping_mul(29).wrapping_add(b1)) as usize
}

/// Rules bucketed (stably) by [`key`], plus the bots they can report.
#[derive(Debug)]
pub(super) struct Table<const N: usize, const B: usize> {
    entries: [Entry; N],
    /// Bucket `k` is `entries[starts[k]..starts[k + 1]]`.
    starts: [u16; 257],
    /// Bots in priority order.
    bots: [Bot; B],
}

/// Builds a [`Table`] of `N` rules, `B` of them bots, from rule groups
/// concatenated in priority order.
///
/// Runs in const context only (the table is a `static`), so the indexing and
/// assertions below are checked by the compiler: a short or non-lowercase
/// pattern, or a wrong `N`/`B`, is a build error, never a runtime panic.
#[allow(clippy::indexing_slicing)]
pub(super) const fn build<const N: usize, const B: usize>(groups: &[&[Rule]]) -> Table<N, B> {
    assert!(
        N < u16::MAX as usize && B + 64 <= u8::MAX as usize,
        "too many rules"
    );
    const EMPTY: Entry = Entry {
        pat: b"",
        at: At::Any,
        id: 0,
    };
    let mut flat = [EMPTY; N];
    let mut bots = [Bot {
        name: "",
        kind: super::BotKind::Other,
    }; B];
    let mut counts = [0u16; 257];
    let (mut n, mut nb, mut g) = (0, 0, 0);
    while g < groups.len() {
        let mut i = 0;
        while i < groups[g].len() {
            let rule = groups[g][i];
            assert!(rule.pat.len() >= 2, "patterns need at least two bytes");
            let mut k = 0;
            while k < rule.pat.len() {
                assert!(
                    !rule.pat[k].is_ascii_uppercase(),
                    "patterns must be lowercase"
                );
                k += 1;
            }
            let id = match rule.hit {
                Hit::Bot(bot) => {
                    bots[nb] = bot;
                    nb += 1;
                    nb - 1
                }
                Hit::Flag(flag) => {
                    assert!((flag as usize) < 64, "flags must fit in a u64");
                    B + flag as usize
                }
            };
            flat[n] = Entry {
                pat: rule.pat,
                at: rule.at,
                id: id as u8,
            };
            counts[key(rule.pat[0], rule.pat[1]) + 1] += 1;
            n += 1;
            i += 1;
        }
        g += 1;
    }
    assert!(n == N && nb == B, "rule counts do not match N and B");
    let mut b = 0;
    while b < 256 {
        counts[b + 1] += counts[b];
        b += 1;
    }
    let starts = counts;
    let mut next = counts;
    let mut entries = [EMPTY; N];
    let mut i = 0;
    while i < N {
        let k = key(flat[i].pat[0], flat[i].pat[1]);
        entries[next[k] as usize] = flat[i];
        next[k] += 1;
        i += 1;
    }
    Table {
        entries,
        starts,
        bots,
    }
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

impl<const N: usize, const B: usize> Table<N, B> {
    fn bucket(&self, key: usize) -> &[Entry] {
        let lo = self.starts.get(key).copied().unwrap_or(0);
        let hi = self.starts.get(key + 1).copied().unwrap_or(0);
        self.entries
            .get(usize::from(lo)..usize::from(hi))
            .unwrap_or_default()
    }

    /// Finds every marker flag and the highest-priority bot pattern in `hay`.
    pub(super) fn scan(&self, hay: &[u8]) -> Scan {
        let mut best = usize::MAX;
        let mut flags = 0u64;
        for (pos, pair) in hay.windows(2).enumerate() {
            let &[b0, b1] = pair else { continue };
            for entry in self.bucket(key(b0, b1)) {
                let id = usize::from(entry.id);
                // A bot pattern only matters if it outranks the best so far.
                if id >= best || !matches_at(hay, pos, entry) {
                    continue;
                }
                match id.checked_sub(B) {
                    None => best = id,
                    Some(flag) => flags |= 1 << flag,
                }
            }
        }
        Scan {
            bot: self.bots.get(best).copied(),
            flags: Flags(flags),
        }
    }
}

const fn is_alnum(b: Option<&u8>) -> bool {
    matches!(b, Some(b) if b.is_ascii_alphanumeric())
}

/// Does `rule` match `hay` at `pos` (whose bucket key is already known to match)?
fn matches_at(hay: &[u8], pos: usize, rule: &Entry) -> bool {
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
