// One HTTP call to the API: bearer token, JSON, bounded retries with backoff (honouring
// Retry-After), a timeout, one refresh on 401, and errors mapped to the family's classes.

import {
  apiErrorClass, AuthError, MessengerConnectError, NetworkError, TimeoutError,
} from './errors.js';

/** Options of the HTTP layer (defaults in `client.ts`). */
export interface HttpOptions {
  fetch: typeof fetch;
  /** Retries after the first attempt (network errors, 429, 502, 503, 504). */
  maxRetries: number;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs: number;
  /** Longest wait between attempts, in milliseconds (a longer Retry-After fails at once). */
  maxWaitMs: number;
}

/** What the HTTP layer needs from the token holder. */
export interface Bearer {
  /** A usable access token (refreshed first when it is about to expire). */
  accessToken(force?: boolean): Promise<string>;
}

/** A request to the API. */
export interface ApiRequest {
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

const RETRYABLE = new Set([429, 502, 503, 504]);

/** Seconds of a `Retry-After` header (delta-seconds or an HTTP date). */
export function retryAfter(value: string | null): number | null {
  if (!value) return null;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.max(0, (t - Date.now()) / 1000);
}

/** The error an answer stands for (resource `{"error":{...}}` or OAuth `{"error":"..."}`). */
export async function errorFrom(res: Response): Promise<MessengerConnectError> {
  let body: any = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  const e = body?.error;
  const fields = {
    status: res.status,
    requestId: res.headers.get('request-id') ?? e?.innerError?.requestId ?? null,
    retryAfter: retryAfter(res.headers.get('retry-after')),
  };
  if (typeof e === 'string') {
    return new AuthError(body.error_description || e, { ...fields, code: e });
  }
  const code = e?.code ?? null;
  const Cls = apiErrorClass(res.status, code);
  return new Cls(e?.message || `HTTP ${res.status}`, {
    ...fields, code, target: e?.target ?? null, details: e?.details ?? [],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Backoff before attempt `n` (1-based retry): 250 ms × 2^(n-1), ±50 % jitter. */
export function backoff(n: number, cap: number): number {
  return Math.min(cap, 250 * 2 ** (n - 1) * (0.5 + Math.random()));
}

/** Whether a failed attempt may be repeated: not a POST without an idempotency key. */
function repeatable(req: ApiRequest): boolean {
  return req.method !== 'POST' || !!req.headers?.['Idempotency-Key'];
}

/** Sends `req` and returns the parsed JSON (or `null` for 204). */
export async function call<T>(o: HttpOptions, bearer: Bearer | null, req: ApiRequest): Promise<T> {
  let refreshed = false;
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (bearer) headers.authorization = `Bearer ${await bearer.accessToken()}`;
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await o.fetch(req.url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (cause) {
      const timeout = (cause as Error)?.name === 'TimeoutError';
      if (attempt < o.maxRetries && repeatable(req)) {
        await sleep(backoff(attempt + 1, o.maxWaitMs));
        continue;
      }
      const what = `${req.method} ${new URL(req.url).pathname}`;
      throw timeout
        ? new TimeoutError(`${what} timed out after ${o.timeoutMs} ms`, { cause })
        : new NetworkError(`${what} failed: ${(cause as Error)?.message ?? cause}`, { cause });
    }
    if (res.ok) {
      if (res.status === 204) return null as T;
      const text = await res.text();
      return (text ? JSON.parse(text) : null) as T;
    }
    if (res.status === 401 && bearer && !refreshed) {
      refreshed = true;
      await bearer.accessToken(true);
      attempt--;
      continue;
    }
    const error = await errorFrom(res);
    const wait = error.retryAfter === null ? backoff(attempt + 1, o.maxWaitMs) : error.retryAfter * 1000;
    if (RETRYABLE.has(res.status) && attempt < o.maxRetries && repeatable(req) && wait <= o.maxWaitMs) {
      await sleep(wait);
      continue;
    }
    throw error;
  }
}
