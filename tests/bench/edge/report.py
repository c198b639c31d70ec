"""Markdown report of tests/bench/edge.sh.

    python3 report.py meta.json runs.jsonl [drains.jsonl]

meta.json: settings, machine, sizes, start-up timings; runs.jsonl: one wrk
run per line (its done() JSON plus CPU ticks and queue failures);
drains.jsonl: what delivering a queue backlog after a run cost.
"""

import json
import sys

meta = json.load(open(sys.argv[1]))
runs = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
try:
    drains = [json.loads(line) for line in open(sys.argv[3]) if line.strip()]
except (IndexError, FileNotFoundError):
    drains = []
tck = int(meta["clk_tck"])
cores = int(meta["cores"])

JS = "JS baseline"
SCANLY = "Scanly (Rust/WASM)"
JSQ = "JS baseline + queue send"


def stats(run):
    n = max(run["requests"], 1)
    wall_ticks = run["wall_ms"] / 1000 * tck * cores
    wrk_ticks = run["wrk_ms"] / 1000 * tck
    ours = run["workerd_ticks"] + run["node_ticks"] + wrk_ticks
    return {
        "rps": run["requests"] / (run["duration_us"] / 1e6),
        "p50": run["p50_us"] / 1000,
        "p99": run["p99_us"] / 1000,
        "workerd_us": run["workerd_ticks"] * 1e6 / tck / n,
        "node_us": run["node_ticks"] * 1e6 / tck / n,
        "wrk_us": run["wrk_ms"] * 1000 / n,
        "workerd_cores": run["workerd_ticks"] / tck / (run["wall_ms"] / 1000) if run["wall_ms"] else 0.0,
        "others_pct": max(0.0, (run["busy_ticks"] - ours) / wall_ticks * 100) if wall_ticks else 0.0,
        "errors": sum(run["errors"].values()),
        "status_errors": run["errors"]["status"],
        "queue_failures": run.get("queue_failures", 0),
    }


def find(name, phase):
    return next((r for r in runs if r["name"] == name and r["phase"] == phase), None)


def drain_of(name):
    return next((d for d in drains if d["name"] == name), None)


HEAD = (
    "| worker | req/s | p50 ms | p99 ms | workerd CPU µs/req | workerd cores busy "
    "| wrk CPU µs/req | rest of the machine | errors | queue sends refused |"
)
SEP = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"


def row(label, run, extra=None):
    s = stats(run)
    err = f"{s['errors']}" + (f" ({s['status_errors']} ≥400)" if s["status_errors"] else "")
    cells = [
        label,
        f"{s['rps']:,.0f}",
        f"{s['p50']:.2f}",
        f"{s['p99']:.2f}",
        f"{s['workerd_us']:.0f}",
        f"{s['workerd_cores']:.2f}",
        f"{s['wrk_us']:.0f}",
        f"{s['others_pct']:.0f}%",
        err,
        f"{s['queue_failures']:,}",
    ]
    if extra is not None:
        cells.append(extra)
    return "| " + " | ".join(cells) + " |"


out = []
p = out.append
p("## Edge Worker under load (`bash tests/bench/edge.sh`)")
p("")
p(
    f"Machine: {meta['cores']} cores, {meta['mem']}, {meta['cpu']}, {meta['rustc']}, "
    f"Node {meta['node']}, {meta['workerd']} (miniflare {meta['miniflare']}), wrk {meta['wrk']}, "
    f"{meta['date']}; load average at start {meta['loadavg']}"
)
p("")
p(
    f"One workerd (one Miniflare instance) serves both Workers, each on its own direct socket; "
    f"wrk `-t{meta['threads']} -c{meta['connections']}`, {meta['seconds']} s per Worker after "
    f"{meta['warmup']} s warm-up, each request a random code of {meta['codes']} "
    f"(every Scanly record: UTM, 3 rules — country, device, language — and a 2-way A/B split; "
    f"a quarter each matches rule 1, 2 or 3 or falls through to the split), an iPhone Safari "
    f"User-Agent, `de-DE` first, request.cf of a Berlin visitor. Scanly sends each scan's event "
    f"to its queue (waitUntil); the consumer ships batches to a 204 ingest server in the Node "
    f"process. \"JS baseline + queue send\" is the baseline sending a ~400-byte event of the same "
    f"shape to its own queue: the like-for-like comparison."
)
p("")
p(
    f"**The {meta['cores']} cores are shared by wrk, workerd and the Node process.** workerd runs "
    f"every Worker, the KV store and the queue broker on one thread, so it saturates one core "
    f"(\"workerd cores busy\") while wrk uses part of the other: req/s ≈ 1 / (workerd CPU per "
    f"request), and workerd CPU per request (from /proc, {1e6 / tck / 1000:.0f} ms ticks) is the "
    f"steadier figure. \"Rest of the machine\" is the share of all {meta['cores']} cores busy "
    f"outside wrk, workerd and Node (kernel networking, other jobs: noise)."
)
p("")
js, sc, jsq = find(JS, "main"), find(SCANLY, "main"), find(JSQ, "main")
p(HEAD)
p(SEP)
for label, run in (
    ("JS baseline (KV get → 302)", js),
    ("Scanly (Rust/WASM, rules + queue)", sc),
    ("JS baseline + queue send", jsq),
):
    if run:
        p(row(label, run))
p("")
if js and sc:
    a, b = stats(sc), stats(js)
    p(
        f"Scanly / JS: **{a['rps'] / b['rps']:.2f}×** req/s "
        f"({a['workerd_us'] / b['workerd_us']:.2f}× workerd CPU per request)."
    )
    if jsq:
        c = stats(jsq)
        p(
            f"Scanly / (JS + the same queue send): **{a['rps'] / c['rps']:.2f}×** req/s "
            f"({a['workerd_us'] / c['workerd_us']:.2f}× workerd CPU per request)."
        )
    p("")
warm_errors = sum(stats(r)["errors"] for r in runs if r["phase"] == "warmup")
if warm_errors:
    p(
        f"Warm-up runs (not shown) had {warm_errors:,} non-3xx answers: the first concurrent "
        f"burst after start gets some 404s (KV reads that come back empty) whichever Worker goes "
        f"first; the warm-up absorbs it, and sequential reads of every code all find their record."
    )
    p("")
refused = [(n, stats(r)["queue_failures"]) for n, r in ((SCANLY, sc), (JSQ, jsq)) if r]
if any(q for _, q in refused):
    p(
        "**Queue sends refused under saturation.** Miniflare's queue broker sets one timer per "
        "message and allows 10,000 active timers. When its flushes to the consumer fall behind "
        "under saturation (workerd's one thread is busy with requests), the backlog can pass "
        "10,000 and the broker refuses sends (`QuotaExceededError`; Scanly logs \"scan event could "
        "not be queued\" and still answers the scan). Those events are lost, and the logged "
        "errors cost Node CPU (Miniflare source-maps each stack). A property of the local broker, "
        "not of Cloudflare Queues; the paced runs below stay clear of it."
    )
    p("")
for name in (SCANLY, JSQ):
    d, run = drain_of(name), find(name, "main")
    if d and run:
        extra = d["workerd_ticks"] * 1e6 / tck / max(run["requests"], 1)
        what = f"{d['events']:,} queued scan events reached the ingest server" if d["events"] else "the backlog was worked off"
        p(
            f"After \"{name}\" stopped, {what} in {d['drain_ms'] / 1000:.1f} s, costing "
            f"+{extra:.0f} µs of workerd CPU per request of the run "
            f"(all-in {stats(run)['workerd_us'] + extra:.0f} µs/req)."
        )
p("")

ready, seeded = meta["ready"]["ms"], meta["seeded"]["ms"]
p("| wasm raw | wasm gzip -9 | start → first 302 |")
p("|---:|---:|---:|")
p(
    f"| {meta['wasm_raw'] / 1024:,.1f} KB ({meta['wasm_raw']:,} B) | "
    f"{meta['wasm_gzip'] / 1024:,.1f} KB ({meta['wasm_gzip']:,} B) | {meta['first_302']} ms |"
)
p("")
p(
    f"Start → first 302: from launching the Node process to curl's first 302 from the Scanly "
    f"Worker (polled every 20 ms, so ±~25 ms). On Node's clock: miniflare imported at "
    f"{ready['imported']} ms, workerd serving at {ready['ready']} ms, KV proxies at "
    f"{ready['kv_proxies']} ms, the probe record seeded at {ready['probe_seeded']} ms. "
    f"(Seeding all {meta['codes']} × 2 records took until {seeded['seeded']} ms; not counted.)"
)
p("")

p(f"### Below saturation (~{meta['paced_rps']} req/s asked: {meta['pause']} ms pause per connection, {meta['probe_seconds']} s each)")
p("")
p(HEAD)
p(SEP)
for name in (JS, SCANLY, JSQ):
    run = find(name, "paced")
    if run:
        p(row(name, run))
p("")
pj, ps, pq = find(JS, "paced"), find(SCANLY, "paced"), find(JSQ, "paced")
if pj and ps:
    line = (
        f"At this rate Scanly's p50 is {stats(ps)['p50'] - stats(pj)['p50']:+.2f} ms and p99 "
        f"{stats(ps)['p99'] - stats(pj)['p99']:+.2f} ms against plain JS"
    )
    if pq:
        line += (
            f", {stats(ps)['p50'] - stats(pq)['p50']:+.2f} ms and "
            f"{stats(ps)['p99'] - stats(pq)['p99']:+.2f} ms against JS + queue send"
        )
    p(line + ". (wrk is not coordinated-omission safe; fine below saturation.)")
    p("")

probes = [
    ("JS baseline, /healthz", "probe", "JS, no KV: the runtime's floor"),
    (JS, "main", "JS + KV get"),
    (JSQ, "main", "JS + KV get + a ~400-byte queue send (consumer acks)"),
    ("Scanly, /healthz", "probe", "WASM call + JS shim, no KV"),
    ("Scanly, bot UA", "probe", "+ KV get, decode, UA, rules, UTM; bots queue no event"),
    (SCANLY, "main", "+ scan event: visitor hash, event JSON, queue send"),
    ("Scanly, Miniflare entry socket", "probe", "+ Miniflare's entry-worker hop (the tests/edge path)"),
]
p(f"### Where the time goes (saturating, as above; probes {meta['probe_seconds']} s each)")
p("")
p(HEAD + " what it adds |")
p(SEP + "---|")
for name, phase, what in probes:
    run = find(name, phase)
    if run:
        p(row(name + (" (main run)" if phase == "main" else ""), run, what))
p("")


def cpu(name, phase):
    run = find(name, phase)
    return stats(run)["workerd_us"] if run else None


steps = [
    ("KV get in JS", cpu(JS, "main"), cpu("JS baseline, /healthz", "probe")),
    ("a queue send from JS", cpu(JSQ, "main"), cpu(JS, "main")),
    ("Rust/WASM fixed cost (request facts, config, response)", cpu("Scanly, /healthz", "probe"), cpu("JS baseline, /healthz", "probe")),
    ("KV get + decode + UA + rules + UTM in Scanly", cpu("Scanly, bot UA", "probe"), cpu("Scanly, /healthz", "probe")),
    ("Scanly's bot path over the JS baseline", cpu("Scanly, bot UA", "probe"), cpu(JS, "main")),
    ("Scanly's scan event (hash, JSON, queue send)", cpu(SCANLY, "main"), cpu("Scanly, bot UA", "probe")),
    ("Miniflare's entry hop", cpu("Scanly, Miniflare entry socket", "probe"), cpu(SCANLY, "main")),
]
lines = [f"{label} {hi - lo:+.0f} µs" for label, hi, lo in steps if hi is not None and lo is not None]
if lines:
    p("Differences in workerd CPU per request: " + "; ".join(lines) + ".")
    p("")

counted = sum(r["requests"] for r in runs if r["name"] in (SCANLY, "Scanly, Miniflare entry socket"))
refused_total = sum(stats(r)["queue_failures"] for r in runs if r["name"] != JSQ)
avg = meta["event_bytes"] / meta["events_delivered"] if meta["events_delivered"] else 0
p(
    f"Queue: {meta['events_delivered']:,} scan events (avg {avg:.0f} bytes of JSON) reached the "
    f"ingest server; wrk completed {counted:,} counted (non-bot) Scanly scans, warm-up included"
    + (f", and the broker refused {refused_total:,} of Scanly's sends" if refused_total else "")
    + " (a few more may have been in flight when a run stopped; the bot and /healthz probes "
    "queue nothing)."
)
p("")
p(
    "Caveats: Miniflare's KV is a local SQLite store that ignores cacheTtl, so both Workers pay "
    "the same local read on every request (Cloudflare's edge cache would make it cheaper and "
    "Scanly's own work a larger share); the queue is Miniflare's broker, a Durable Object on the "
    "same thread, where Cloudflare's is a remote service. Latencies include wrk's own queueing "
    "on the shared cores."
)
print("\n".join(out))
