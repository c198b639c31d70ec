// The Scanly Worker's miniflare options, mirroring wrangler.toml's [env.dev]:
// one definition for the test harness (serve.mjs) and the benchmark
// (tests/bench/edge/serve-both.mjs), so both measure the same Worker, and
// for `make dev` (scripts/dev-edge.mjs).
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

// A fixed request.cf, as a Berlin visitor: country comes from the dev header
// in tests that need another one.
export const berlinCf = { country: "DE", region: "Berlin", city: "Berlin", timezone: "Europe/Berlin", colo: "TXL" };

export function scanlyWorker({ ingestUrl }) {
  return {
    name: "scanly-edge",
    modules: true,
    scriptPath: path.resolve(root, process.env.SCANLY_EDGE_SCRIPT ?? "edge-worker/build/index.js"),
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-07-01",
    kvNamespaces: ["LINKS"],
    // wrangler.toml's [[ratelimits]]: 10 password attempts a minute per
    // visitor and link.
    ratelimits: { PASSWORD_ATTEMPTS: { namespace_id: "1001", simple: { limit: 10, period: 60 } } },
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
      SCANLY_DEFAULT_HOSTS: process.env.SCANLY_DEFAULT_HOSTS ?? "scanly.test,localhost,127.0.0.1",
      INGEST_URL: ingestUrl,
      SCANLY_SIGNING_SECRET: process.env.SCANLY_SIGNING_SECRET ?? "local-dev-secret-change-me",
      SCANLY_LOG: process.env.SCANLY_LOG ?? "warn",
    },
  };
}
