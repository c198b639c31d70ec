// The edge Worker for `make dev`: the built Worker in real workerd through
// miniflare, with local KV (persisted under the data directory) and a local
// Queue whose consumer ships scan batches to the control plane. The Worker's
// options are the test harness's (tests/edge/harness/scanly-worker.mjs);
// settings come from the environment (scripts/dev.sh sets them):
//
//   SCANLY_EDGE_PORT       port on 127.0.0.1 (default 8787)
//   SCANLY_DATA_DIR        where KV and the queue are kept
//   INGEST_URL             the control plane's ingest route
//   SCANLY_SIGNING_SECRET  shared with the control plane
//
// Prints one JSON line, {"url": "..."}, once workerd answers; stops cleanly
// (workerd included) on SIGINT/SIGTERM or when stdin closes.
import path from "node:path";
import { Miniflare, Log, LogLevel } from "miniflare";
import { berlinCf, scanlyWorker } from "../tests/edge/harness/scanly-worker.mjs";

const dataDir = path.resolve(process.env.SCANLY_DATA_DIR ?? ".scanly");
const edgeDir = path.join(dataDir, "edge");

const mf = new Miniflare({
  host: "127.0.0.1",
  port: Number(process.env.SCANLY_EDGE_PORT ?? 8787),
  // No network for request.cf: a fixed Berlin visitor. In dev mode the
  // X-Scanly-Dev-Country header stands in for the country.
  cf: berlinCf,
  log: new Log(process.env.SCANLY_EDGE_LOG === "debug" ? LogLevel.DEBUG : LogLevel.INFO),
  defaultPersistRoot: edgeDir,
  kvPersist: path.join(edgeDir, "kv"),
  ...scanlyWorker({ ingestUrl: process.env.INGEST_URL ?? "" }),
});

process.stdout.on("error", () => {});
process.stderr.on("error", () => {});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await mf.dispose().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

const url = await mf.ready;
process.stdout.write(JSON.stringify({ url: url.href }) + "\n");
