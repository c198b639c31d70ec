#!/usr/bin/env python3
"""Generate `shared/src/tz/table.rs`: IANA zone name -> POSIX TZ rule.

Usage (from anywhere):

    python3 shared/tools/gen_tz_table.py [--zoneinfo /usr/share/zoneinfo] [--out PATH]

For every TZif file under the zoneinfo directory (skipping `posixrules`,
`localtime`, `Factory`, the `right/` and `posix/` trees and non-TZif files)
the footer line of the v2+ file is taken: it is the POSIX TZ string that
governs every instant after the file's last explicit transition. Link names
(`US/Eastern`, `Asia/Calcutta`, ...) are plain files/links in zoneinfo and are
included like any other name.

A few zones (Morocco's Ramadan suspensions, Palestine) are not governed by
their footer for years to come: tzdata lists their future transitions
explicitly, decades ahead. For each zone, the explicit transitions at or
after January 1st of the tzdata release year are compared with the footer
(using the small POSIX evaluator below); if they disagree, those transitions
are emitted as an override list that the runtime consults before the footer.
Older history is dropped: rules are only evaluated for "now".

The output is deterministic for a given zoneinfo directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import struct
import sys

SKIP_TOP = {"posixrules", "localtime", "Factory", "right", "posix"}
NO_OVERRIDE = 255


# ---------------------------------------------------------------- TZif reading


def read_tzif(data: bytes) -> tuple[list[tuple[int, int]], str] | None:
    """Return ([(transition_unix_seconds, utoff_after)], footer) or None."""
    if len(data) < 44 or data[:4] != b"TZif":
        return None
    if data[4:5] not in (b"2", b"3", b"4"):
        raise ValueError("TZif v1 file has no footer")

    def counts(off: int) -> tuple[int, ...]:
        return struct.unpack(">6l", data[off + 20 : off + 44])

    isut, isstd, leap, timecnt, typecnt, charcnt = counts(0)
    off = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
    if data[off : off + 4] != b"TZif":
        raise ValueError("missing v2 header")
    isut, isstd, leap, timecnt, typecnt, charcnt = counts(off)
    p = off + 44
    times = struct.unpack(">%dq" % timecnt, data[p : p + 8 * timecnt])
    p += 8 * timecnt
    idx = data[p : p + timecnt]
    p += timecnt
    utoffs = [struct.unpack(">l", data[p + 6 * i : p + 6 * i + 4])[0] for i in range(typecnt)]
    p += typecnt * 6 + charcnt + leap * 12 + isstd + isut
    tail = data[p:]
    if not (tail.startswith(b"\n") and tail.endswith(b"\n")) or tail.count(b"\n") != 2:
        raise ValueError("malformed footer")
    footer = tail[1:-1].decode("ascii")
    return [(t, utoffs[i]) for t, i in zip(times, idx)], footer


# ------------------------------------------------- independent POSIX evaluator

_NAME = r"(?:<[A-Za-z0-9+-]+>|[A-Za-z]+)"
_HMS = r"[+-]?\d{1,3}(?::\d{1,2}(?::\d{1,2})?)?"
_DATE = r"J\d{1,3}|\d{1,3}|M\d{1,2}\.\d\.\d"
_POSIX = re.compile(
    rf"^{_NAME}(?P<std>{_HMS})"
    rf"(?:{_NAME}(?P<dst>{_HMS})?"
    rf"(?:,(?P<sd>{_DATE})(?:/(?P<st>{_HMS}))?,(?P<ed>{_DATE})(?:/(?P<et>{_HMS}))?)?)?$"
)


def _secs(hms: str) -> int:
    sign = -1 if hms.startswith("-") else 1
    parts = [int(x) for x in hms.lstrip("+-").split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _days(y: int, m: int, d: int) -> int:
    return dt.date(y, m, d).toordinal() - dt.date(1970, 1, 1).toordinal()


def _rule_day(y: int, rule: str) -> int:
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if rule.startswith("J"):
        n = int(rule[1:])
        return _days(y, 1, 1) + n - 1 + (1 if leap and n >= 60 else 0)
    if rule.startswith("M"):
        m, w, d = (int(x) for x in rule[1:].split("."))
        first = _days(y, m, 1)
        nxt = _days(y + 1, 1, 1) if m == 12 else _days(y, m + 1, 1)
        day = first + (d - (first + 4)) % 7 + (w - 1) * 7
        while day >= nxt:
            day -= 7
        return day
    return _days(y, 1, 1) + int(rule)


class Posix:
    def __init__(self, s: str) -> None:
        m = _POSIX.match(s)
        if not m:
            raise ValueError(f"unsupported POSIX TZ string {s!r}")
        self.std = -_secs(m["std"])
        self.has_dst = s != s[: m.end("std")]
        self.dst = -_secs(m["dst"]) if m["dst"] else self.std + 3600
        self.rules = (
            (m["sd"] or "M3.2.0", _secs(m["st"] or "2")),
            (m["ed"] or "M11.1.0", _secs(m["et"] or "2")),
        )

    def transitions(self, y: int) -> list[tuple[int, int, int]]:
        """[(utc_instant, order, utoff_after)] for year y."""
        (sd, st), (ed, et) = self.rules
        start = _rule_day(y, sd) * 86400 + st - self.std
        end = _rule_day(y, ed) * 86400 + et - self.dst
        return [(end, 0, self.std), (start, 1, self.dst)]

    def offset_at(self, t: int) -> int:
        if not self.has_dst:
            return self.std
        y = dt.datetime.fromtimestamp(t, dt.timezone.utc).year
        cands = [x for yy in range(y - 2, y + 2) for x in self.transitions(yy) if x[0] <= t]
        return max(cands)[2] if cands else self.std

    def transitions_between(self, a: int, b: int) -> list[int]:
        if not self.has_dst:
            return []
        ya = dt.datetime.fromtimestamp(a, dt.timezone.utc).year
        yb = dt.datetime.fromtimestamp(b, dt.timezone.utc).year
        return sorted(x[0] for y in range(ya - 1, yb + 2) for x in self.transitions(y) if a <= x[0] <= b)


def explicit_offset(trans: list[tuple[int, int]], t: int, before: int) -> int:
    off = before
    for tt, u in trans:
        if tt > t:
            break
        off = u
    return off


def overrides_for(name: str, trans: list[tuple[int, int]], footer: Posix, cutoff: int) -> list[tuple[int, int]]:
    """Explicit transitions the footer does not reproduce, or [] if it does."""
    after = [(t, u) for t, u in trans if t >= cutoff]
    if not after:
        return []
    before_cut = [u for t, u in trans if t < cutoff]
    initial = before_cut[-1] if before_cut else after[0][1]
    last = after[-1][0]
    probes = {cutoff}
    for t, _ in after:
        probes.update((t - 1, t))
    for t in footer.transitions_between(cutoff, last):
        probes.update((t - 1, t))
    consistent = all(
        explicit_offset(after, t, initial) == footer.offset_at(t) for t in probes if t >= cutoff
    )
    if consistent:
        return []
    if footer.offset_at(last) != after[-1][1]:
        raise ValueError(f"{name}: footer disagrees with the last explicit transition")
    out = [(cutoff, initial)] + [(t, u) for t, u in after if t > cutoff]
    # Drop no-op entries (same offset as the previous one).
    dedup: list[tuple[int, int]] = []
    for t, u in out:
        if not dedup or dedup[-1][1] != u:
            dedup.append((t, u))
    if dedup[-1][0] != last:
        dedup.append((last, after[-1][1]))
    for t, _ in dedup:
        if not 0 <= t <= 0xFFFF_FFFF:
            raise ValueError(f"{name}: transition {t} does not fit in u32")
    return dedup


# ------------------------------------------------------------------ main


def collect(zoneinfo: str) -> dict[str, tuple[list[tuple[int, int]], str]]:
    zones = {}
    for root, dirs, files in os.walk(zoneinfo):
        rel = os.path.relpath(root, zoneinfo)
        if rel == ".":
            dirs[:] = sorted(d for d in dirs if d not in SKIP_TOP)
        else:
            dirs.sort()
        for f in sorted(files):
            name = f if rel == "." else f"{rel}/{f}".replace(os.sep, "/")
            if rel == "." and f in SKIP_TOP:
                continue
            with open(os.path.join(root, f), "rb") as fh:
                parsed = read_tzif(fh.read())
            if parsed is not None:
                zones[name] = parsed
    return zones


def rust_str(s: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_/+\-<>.,:]*", s):
        raise ValueError(f"unexpected character in {s!r}")
    return f'"{s}"'


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zoneinfo", default="/usr/share/zoneinfo")
    ap.add_argument("--out", default=os.path.join(here, "..", "src", "tz", "table.rs"))
    args = ap.parse_args()

    with open(os.path.join(args.zoneinfo, "tzdata.zi"), encoding="ascii") as fh:
        first = fh.readline().strip()
    m = re.fullmatch(r"# version (\d{4})([a-z]+)", first)
    if not m:
        print(f"cannot read tzdata version from tzdata.zi: {first!r}", file=sys.stderr)
        return 1
    version = m[1] + m[2]
    cutoff = int(dt.datetime(int(m[1]), 1, 1, tzinfo=dt.timezone.utc).timestamp())

    zones = collect(args.zoneinfo)
    names = sorted(zones)
    folded: dict[str, str] = {}
    for n in names:
        if n.lower() in folded:
            raise ValueError(f"{n} and {folded[n.lower()]} differ only in case")
        folded[n.lower()] = n
        if not n.isascii():
            raise ValueError(f"non-ASCII zone name {n!r}")

    rules = sorted({footer for _, footer in zones.values()})
    if not rules or "" in rules:
        raise ValueError("a zone has an empty footer")
    if len(rules) >= 256:
        raise ValueError("too many distinct rules for u8 indices")
    posix = {r: Posix(r) for r in rules}

    override_sets: list[list[tuple[int, int]]] = []
    zone_override: dict[str, int] = {}
    for n in names:
        trans, footer = zones[n]
        ov = overrides_for(n, trans, posix[footer], cutoff)
        if ov:
            if ov not in override_sets:
                override_sets.append(ov)
            zone_override[n] = override_sets.index(ov)
    if len(override_sets) >= NO_OVERRIDE:
        raise ValueError("too many override sets")

    blob_len = sum(len(n) for n in names)
    if blob_len > 0xFFFF:
        raise ValueError("name blob exceeds u16 offsets")

    out: list[str] = []
    w = out.append
    w("// @generated by shared/tools/gen_tz_table.py -- DO NOT EDIT.")
    w(f"// Source: {args.zoneinfo} (tzdata {version}), {len(names)} zone names")
    w(f"// ({len(rules)} distinct POSIX TZ footers). Regenerate with:")
    w("//     python3 shared/tools/gen_tz_table.py")
    w("// and run `cargo test -p scanly-shared` (tz_against_tzdb compares with chrono-tz).")
    w("")
    w(f'/// tzdata release this table was generated from.')
    w(f'pub(super) const TZDATA_VERSION: &str = "{version}";')
    w("")
    w("/// Distinct POSIX TZ strings (TZif footers), sorted.")
    w(f"pub(super) static RULES: [&str; {len(rules)}] = [")
    for r in rules:
        w(f"    {rust_str(r)},")
    w("];")
    w("")
    w("/// Sentinel for `ZONES[i].2`: the zone has no explicit transitions.")
    w(f"pub(super) const NO_OVERRIDE: u8 = {NO_OVERRIDE};")
    w("")
    w("/// Future transitions that the POSIX rule does not express, as")
    w("/// `(unix_seconds, utc_offset_after)`, starting at January 1st of the")
    w("/// tzdata release year. The POSIX rule governs from the last entry on.")
    w(f"pub(super) static OVERRIDES: [&[(u32, i32)]; {len(override_sets)}] = [")
    for i, ov in enumerate(override_sets):
        users = ", ".join(n for n in names if zone_override.get(n) == i)
        w(f"    // {users}")
        w("    &[")
        for t, u in ov:
            iso = dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            w(f"        ({t}, {u}), // {iso}")
        w("    ],")
    w("];")
    w("")
    w("/// All zone names, sorted (byte order), concatenated.")
    w("pub(super) static NAMES: &str = concat!(")
    for n in names:
        w(f"    {rust_str(n)},")
    w(");")
    w("")
    w("/// One entry per name, in `NAMES` order: (end byte offset of the name in")
    w("/// `NAMES`, index into `RULES`, index into `OVERRIDES` or `NO_OVERRIDE`).")
    w(f"pub(super) static ZONES: [(u16, u8, u8); {len(names)}] = [")
    end = 0
    for n in names:
        end += len(n)
        trans, footer = zones[n]
        ov = zone_override.get(n)
        ov_s = "NO_OVERRIDE" if ov is None else str(ov)
        w(f"    ({end}, {rules.index(footer)}, {ov_s}), // {n}")
    w("];")
    w("")

    with open(args.out, "w", encoding="ascii", newline="\n") as fh:
        fh.write("\n".join(out))
    print(
        f"wrote {args.out}: tzdata {version}, {len(names)} names, {len(rules)} rules, "
        f"{len(override_sets)} override sets ({sum(len(o) for o in override_sets)} transitions)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
