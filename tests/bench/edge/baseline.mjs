// The benchmark's yardstick: the least a KV-backed short-link Worker can do.
// GET /{code} reads `link:scanly.test/{code}` (the plain destination URL as
// text, same key scheme and cacheTtl as the Scanly Worker) and answers 302
// with the same headers Scanly's redirects carry; anything else is a 404.
// No rules, no UTM, no analytics. /healthz answers without touching KV, so
// the runtime's own floor can be measured too.
//
// With `x-bench-queue: 1` a redirect also sends a scan-event-sized JSON
// message to its own queue in waitUntil, as Scanly does (its consumer just
// acks): what the queue plumbing costs a JS Worker, for comparison.
const REDIRECT_HEADERS = {
  "cache-control": "private, max-age=0",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-robots-tag": "noindex",
};

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/healthz") {
      return new Response('{"status":"ok"}', { headers: { "content-type": "application/json" } });
    }
    const code = path.slice(1);
    if (code.length > 0 && !code.includes("/")) {
      const destination = await env.LINKS.get("link:scanly.test/" + code, { cacheTtl: 60 });
      if (destination !== null) {
        if (request.headers.get("x-bench-queue") === "1") {
          ctx.waitUntil(env.EVENTS.send(scanEvent(request, code), { contentType: "text" }));
        }
        return new Response(null, { status: 302, headers: { location: destination, ...REDIRECT_HEADERS } });
      }
    }
    return new Response("not found", { status: 404 });
  },

  async queue(batch) {
    batch.ackAll();
  },
};

// The shape and size (~400 bytes) of Scanly's ScanEvent JSON, without the
// work behind its fields (UA classification, the keyed visitor hash).
function scanEvent(request, code) {
  const cf = request.cf ?? {};
  return JSON.stringify({
    schema: 1,
    id: crypto.randomUUID(),
    link_id: "lnk_bench_000000",
    workspace_id: "ws_bench_000",
    code,
    timestamp_ms: Date.now(),
    country: cf.country ?? null,
    region: cf.region ?? null,
    city: cf.city ?? null,
    colo: cf.colo ?? null,
    device: "mobile",
    os: "ios",
    browser: "safari",
    referrer_host: null,
    language: (request.headers.get("accept-language") ?? "").split(",")[0] || null,
    variant: null,
    source: "link",
    bot: false,
    visitor_hash: "6c775afcaa908bb70d4fe4aef2af4ef9",
  });
}
