// Serves, for tests/bench/edge.sh, two Workers in ONE Miniflare instance
// (one workerd process), each on its own port through a direct socket:
//
//   scanly    the built Scanly Worker, configured exactly as
//             tests/edge/harness/serve.mjs configures it (same name, module
//             rules, compatibility date, KV/queue bindings and vars), with
//             INGEST_URL pointing at a tiny 204 server in this process so
//             the scan-event queue drains;
//   baseline  tests/bench/edge/baseline.mjs, the minimal JS redirector, with
//             its own KV namespace (a distinct id: Miniflare shares a
//             namespace between Workers that bind the same id) and its own
//             queue (used only when a request asks for it).
//
// A direct socket goes straight to the Worker, as production does; the
// Miniflare entry socket (which serve.mjs's tests use) adds a JS router hop
// and is reported as `entry` (it serves `scanly`, the first Worker). On a
// direct socket `request.cf` comes from the `MF-CF-Blob` request header, so
// the load generator sends the same cf object serve.mjs configures.
//
// Environment:
//   SCANLY_EDGE_SCRIPT          the Worker module (default edge-worker/build/index.js)
//   SCANLY_BENCH_RECORDS        JSON lines from `--example bench_records` (required)
//   SCANLY_BENCH_PORT_SCANLY    direct port of the Scanly Worker (default 0: any)
//   SCANLY_BENCH_PORT_BASELINE  direct port of the baseline Worker (default 0: any)
//   SCANLY_QUEUE_BATCH_TIMEOUT  seconds (default 1, as serve.mjs)
//
// Prints JSON lines on stdout:
//   {"event":"ready", "scanly":…, "baseline":…, "entry":…, "ingest":…,
//    "probe_code":…, "ms":{…}}   once both answer and the first record of
//                                  the list is in both namespaces
//   {"event":"seeded", "records":n, "ms":{…}}   once every record is in
//   {"event":"error", "message":…}              then exits 1
// and runs until its stdin closes or it gets SIGTERM/SIGINT. The ingest
// server answers GET /stats with {"batches":n,"events":n,"event_bytes":n,"sample":{…}}.
import { Miniflare, Log, LogLevel } from "miniflare";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { berlinCf, scanlyWorker } from "../../edge/harness/scanly-worker.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const ms = () => Math.round(performance.now()); // since this process started
const timeline = { imported: ms() };
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

function fail(error) {
  emit({ event: "error", message: String(error?.stack ?? error) });
  process.exit(1);
}

const recordsPath = process.env.SCANLY_BENCH_RECORDS;
if (!recordsPath) fail("SCANLY_BENCH_RECORDS is not set");
const records = fs
  .readFileSync(recordsPath, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line));
if (records.length === 0) fail(`no records in ${recordsPath}`);

// The control plane's ingest endpoint, reduced to counting what arrives.
const stats = { batches: 0, events: 0, event_bytes: 0, sample: null };
const ingest = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(stats));
    return;
  }
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    try {
      const events = JSON.parse(Buffer.concat(chunks).toString("utf8")).events;
      stats.events += events.length;
      stats.event_bytes += events.reduce((n, e) => n + JSON.stringify(e).length, 0);
      stats.batches += 1;
      stats.sample ??= events[0] ?? null;
    } catch {
      // Not a batch: still 204, the benchmark only counts.
    }
    res.writeHead(204);
    res.end();
  });
});
await new Promise((resolve) => ingest.listen(0, "127.0.0.1", resolve));
const ingestUrl = `http://127.0.0.1:${ingest.address().port}/v1/ingest`;

const direct = (envName) => [{ host: "127.0.0.1", port: Number(process.env[envName] ?? 0) }];

const mf = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  cf: berlinCf,
  log: new Log(process.env.SCANLY_HARNESS_LOG === "debug" ? LogLevel.DEBUG : LogLevel.WARN),
  workers: [
    {
      // As tests/edge/harness/serve.mjs, plus the direct socket.
      ...scanlyWorker({ ingestUrl }),
      unsafeDirectSockets: direct("SCANLY_BENCH_PORT_SCANLY"),
    },
    {
      name: "baseline",
      modules: true,
      scriptPath: path.join(here, "baseline.mjs"),
      compatibilityDate: "2026-07-01",
      kvNamespaces: { LINKS: "baseline-links" },
      // Only used with the x-bench-queue header (see baseline.mjs).
      queueProducers: { EVENTS: "baseline-events" },
      queueConsumers: {
        "baseline-events": {
          maxBatchSize: 100,
          maxBatchTimeout: Number(process.env.SCANLY_QUEUE_BATCH_TIMEOUT ?? 1),
          maxRetries: 10,
        },
      },
      unsafeDirectSockets: direct("SCANLY_BENCH_PORT_BASELINE"),
    },
  ],
});

const stop = async () => {
  await mf.dispose().catch(() => {});
  ingest.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();

try {
  const entry = await mf.ready;
  timeline.ready = ms();
  const scanlyUrl = await mf.unsafeGetDirectURL("scanly-edge");
  const baselineUrl = await mf.unsafeGetDirectURL("baseline");
  const scanlyKv = await mf.getKVNamespace("LINKS", "scanly-edge");
  const baselineKv = await mf.getKVNamespace("LINKS", "baseline");
  timeline.kv_proxies = ms();

  const put = (r) =>
    Promise.all([
      scanlyKv.put(r.key, Buffer.from(r.value_hex, "hex")),
      baselineKv.put(r.key, r.destination),
    ]);
  // The first record goes in alone, so the start-to-first-302 probe does not
  // wait for the whole data set.
  await put(records[0]);
  timeline.probe_seeded = ms();
  emit({
    event: "ready",
    scanly: scanlyUrl.href,
    baseline: baselineUrl.href,
    entry: entry.href,
    ingest: ingestUrl,
    probe_code: records[0].code,
    ms: { ...timeline },
  });

  const CHUNK = 64;
  for (let i = 1; i < records.length; i += CHUNK) {
    await Promise.all(records.slice(i, i + CHUNK).map(put));
  }
  timeline.seeded = ms();
  emit({ event: "seeded", records: records.length, ms: { ...timeline } });
} catch (error) {
  await mf.dispose().catch(() => {});
  fail(error);
}
