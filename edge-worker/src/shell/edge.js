// The Worker's JavaScript side: each function replaces many JS↔WASM
// crossings (one per header, per cf field, per response header) with one.
// Imported by src/shell/mod.rs; keep the field order in step with
// RequestFacts::from_blob in src/http.rs.

const HEADERS = [
  "user-agent",
  "accept-language",
  "referer",
  "cookie",
  "if-none-match",
  "cf-connecting-ip",
  "x-scanly-dev-country",
  "x-scanly-timestamp",
  "x-scanly-signature",
  "content-length",
];

// Header values and URLs cannot contain NUL, so it separates the fields.
export function requestFacts(request) {
  const headers = request.headers;
  const cf = request.cf || {};
  let out = request.method + "\0" + request.url;
  for (let i = 0; i < HEADERS.length; i++) {
    out += "\0" + (headers.get(HEADERS[i]) ?? "");
  }
  out += "\0" + (cf.country ?? "") + "\0" + (cf.region ?? "") + "\0" + (cf.city ?? "");
  out += "\0" + (cf.timezone ?? "") + "\0" + (cf.colo ?? "");
  return out;
}

// `headerBlob` is `name\0value\0name\0value…`; `body` is a view into WASM
// memory, copied before the memory can change.
export function respond(status, headerBlob, body) {
  const headers = new Headers();
  if (headerBlob.length > 0) {
    const parts = headerBlob.split("\0");
    for (let i = 0; i + 1 < parts.length; i += 2) headers.append(parts[i], parts[i + 1]);
  }
  const bodyless = body.length === 0 || status === 204 || status === 304;
  return new Response(bodyless ? null : body.slice(), { status, headers });
}

export function envString(env, name) {
  const value = env[name];
  return typeof value === "string" ? value : undefined;
}

export async function kvGet(env, key, cacheTtl) {
  const value = await env.LINKS.get(key, { type: "arrayBuffer", cacheTtl });
  return value === null ? undefined : new Uint8Array(value);
}

export async function kvGetFresh(env, key) {
  const value = await env.LINKS.get(key, { type: "arrayBuffer" });
  return value === null ? undefined : new Uint8Array(value);
}

export async function kvPut(env, key, bytes, expirationTtl) {
  const options = expirationTtl > 0 ? { expirationTtl } : undefined;
  await env.LINKS.put(key, bytes.slice(), options);
}

export async function kvDelete(env, key) {
  await env.LINKS.delete(key);
}

export async function requestBody(request) {
  return new Uint8Array(await request.arrayBuffer());
}

// Brute-force guard for link passwords (the PASSWORD_ATTEMPTS rate-limit
// binding). Fails open when the binding is missing or errs: a visitor with
// the right password must not be locked out by our outage.
export async function allowPasswordAttempt(env, key) {
  const limiter = env.PASSWORD_ATTEMPTS;
  if (!limiter) return true;
  try {
    const { success } = await limiter.limit({ key });
    return success;
  } catch (error) {
    console.error(JSON.stringify({ level: "error", target: "scanly_edge::passwords", message: "rate limiter failed", error: String(error) }));
    return true;
  }
}

// PBKDF2-HMAC-SHA256 in native code (20,000 iterations ≈ 3 ms, against
// 22 ms for the same in WASM).
export async function pbkdf2Sha256(password, salt, iterations) {
  const raw = new TextEncoder().encode(password);
  const key = await crypto.subtle.importKey("raw", raw, "PBKDF2", false, ["deriveBits"]);
  const params = { name: "PBKDF2", hash: "SHA-256", salt: salt.slice(), iterations };
  return new Uint8Array(await crypto.subtle.deriveBits(params, key, 256));
}

export function fillRandom(buffer) {
  crypto.getRandomValues(buffer);
}

// Never rejects: a lost queue write is logged (with the event, so it can be
// recovered from the logs) and never fails the scan.
export function sendScanEvent(env, json) {
  return env.SCAN_EVENTS.send(json, { contentType: "text" }).catch((error) => {
    console.error(JSON.stringify({ level: "error", target: "scanly_edge::queue", message: "scan event could not be queued", error: String(error), event: json }));
  });
}

// Queue consumer: message bodies joined by NUL (JSON text never holds a raw
// NUL), and each message's delivery attempt.
export function messageBodies(batch) {
  return batch.messages.map((m) => (typeof m.body === "string" ? m.body : JSON.stringify(m.body))).join("\0");
}

export function messageAttempts(batch) {
  return Uint32Array.from(batch.messages, (m) => m.attempts ?? 1);
}

export function ackMessage(batch, index) {
  batch.messages[index].ack();
}

export function retryMessage(batch, index, delaySeconds) {
  batch.messages[index].retry({ delaySeconds });
}

export async function postIngest(url, body, timestamp, signature) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-scanly-timestamp": timestamp,
      "x-scanly-signature": signature,
    },
    body,
  });
  // Drain the body so the connection can be reused.
  await response.arrayBuffer();
  return response.status;
}

export function log(level, line) {
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
