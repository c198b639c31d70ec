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
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const script = path.resolve(root, process.env.SCANLY_EDGE_SCRIPT ?? "edge-worker/build/index.js");

const mf = new Miniflare({
  host: "127.0.0.1",
  port: Number(process.env.SCANLY_EDGE_PORT ?? 0),
  // A fixed request.cf, as a Berlin visitor: country comes from the dev header
  // in tests that need another one.
  cf: { country: "DE", region: "Berlin", city: "Berlin", timezone: "Europe/Berlin", colo: "TXL" },
  log: new Log(process.env.SCANLY_HARNESS_LOG === "debug" ? LogLevel.DEBUG : LogLevel.WARN),
  name: "scanly-edge",
  modules: true,
  scriptPath: script,
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: "2026-07-01",
  kvNamespaces: ["LINKS"],
  queueProducers: { SCAN_EVENTS: "scanly-scan-events" },
  queueConsumers: {
    "scanly-scan-events": {
      maxBatchSize: 100,
      maxBatchTimeout: Number(process.env.SCANLY_QUEUE_BATCH_TIMEOUT ?? 1),
      maxRetries: 10,
      deadLetterQueue: "scanly-scan-events-dlq",
    },
  },
  bindings: {
    SCANLY_ENV: "dev",
    SCANLY_DEFAULT_HOSTS: "scanly.test,localhost,127.0.0.1",
    INGEST_URL: process.env.INGEST_URL ?? "",
    SCANLY_SIGNING_SECRET: process.env.SCANLY_SIGNING_SECRET ?? "local-dev-secret-change-me",
    SCANLY_LOG: process.env.SCANLY_LOG ?? "warn",
  },
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
