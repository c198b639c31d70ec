// Serves the built Scanly Worker in real workerd (through miniflare's
// programmatic API) for the Rust tests and the benchmark. The configuration
// mirrors wrangler.toml's [env.dev]; settings come from the environment:
//
//   SCANLY_EDGE_SCRIPT   the worker module (default edge-worker/build/index.js)
//   INGEST_URL           where the queue consumer ships scan batches
//   SCANLY_SIGNING_SECRET
//   SCANLY_QUEUE_BATCH_TIMEOUT  seconds (default 1: tests should not wait 5)
//
// Prints one JSON line, {"url": "..."}, once the Worker answers, and runs
// until its stdin closes (the test process exiting closes it).
import { Miniflare, Log, LogLevel } from "miniflare";
import { berlinCf, scanlyWorker } from "./scanly-worker.mjs";

const mf = new Miniflare({
  host: "127.0.0.1",
  port: Number(process.env.SCANLY_EDGE_PORT ?? 0),
  cf: berlinCf,
  log: new Log(process.env.SCANLY_HARNESS_LOG === "debug" ? LogLevel.DEBUG : LogLevel.WARN),
  ...scanlyWorker({ ingestUrl: process.env.INGEST_URL ?? "" }),
});

// The test process may exit (closing our stdout) before we do.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});

const url = await mf.ready;
process.stdout.write(JSON.stringify({ url: url.href }) + "\n");

const stop = async () => {
  await mf.dispose().catch(() => {});
  process.exit(0);
};
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
