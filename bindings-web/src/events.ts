// Live events over a WebSocket (DESIGN §2.5): reconnects with backoff and resumes from the
// last `seq` it saw, so nothing is missed; a `resync` event says the log could not cover
// the gap. Browsers cannot set headers on a WebSocket: the token goes in `access_token`
// (the server never records it), taken fresh (refreshed when needed) at every connect.

import { backoff } from './http.js';

/** A frame the server sent: `{seq, type, data}` (no `seq` for `typing`). */
export interface LiveEvent<D = any> {
  seq?: number;
  type: string;
  data?: D;
}

/** Options of a live-events connection. */
export interface LiveEventsOptions {
  /** Resume after this `seq` (replays what was missed). */
  since?: number;
  /** Longest wait between reconnects (ms, default 10 s). */
  maxWaitMs?: number;
  /** Keep-alive ping interval (ms, default 25 s). */
  pingMs?: number;
}

/**
 * The user's live events. Listen with `on(type, fn)` (a frame type such as
 * `message.created`, or `*` for all) and `addEventListener('open' | 'close', ...)`.
 */
export class LiveEvents extends EventTarget {
  /** The last `seq` received (resume point). */
  lastSeq: number | null;
  /** How many times the socket was reopened. */
  reconnects = 0;
  private ws: WebSocket | null = null;
  private closed = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly url: (since: number | null, fresh: boolean) => Promise<string>,
    private readonly o: LiveEventsOptions = {},
  ) {
    super();
    this.lastSeq = o.since ?? null;
    void this.connect(false);
  }

  /** True while the socket is open. */
  get connected(): boolean { return this.ws?.readyState === WebSocket.OPEN; }

  /** Calls `fn` for every frame of `type` (`*`: all); returns a function that stops it. */
  on<D = any>(type: string, fn: (e: LiveEvent<D>) => void): () => void {
    const h = (e: Event) => fn((e as CustomEvent<LiveEvent<D>>).detail);
    this.addEventListener(`event:${type}`, h);
    return () => this.removeEventListener(`event:${type}`, h);
  }

  /** Tells the other members of a conversation that the user is typing. */
  typing(conversationId: string): void {
    this.sendFrame({ type: 'typing', conversationId });
  }

  /** Closes the socket for good. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.ping);
    this.ws?.close(1000);
  }

  private sendFrame(frame: object): void {
    if (this.connected) this.ws!.send(JSON.stringify(frame));
  }

  private async connect(fresh: boolean): Promise<void> {
    let url: string;
    try {
      url = await this.url(this.lastSeq, fresh);
    } catch (error) {
      this.dispatchEvent(new CustomEvent('error', { detail: error }));
      return this.retry(false);
    }
    if (this.closed) return;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.failures = 0;
      this.ping = setInterval(() => this.sendFrame({ type: 'ping' }), this.o.pingMs ?? 25_000);
      this.dispatchEvent(new Event('open'));
    };
    ws.onmessage = (m) => {
      let frame: LiveEvent;
      try { frame = JSON.parse(String(m.data)); } catch { return; }
      if (typeof frame.seq === 'number') this.lastSeq = frame.seq;
      for (const t of [frame.type, '*']) {
        this.dispatchEvent(new CustomEvent(`event:${t}`, { detail: frame }));
      }
    };
    ws.onclose = (e) => {
      clearInterval(this.ping);
      this.dispatchEvent(new CustomEvent('close', { detail: { code: e.code } }));
      // 1008: the token stopped being valid; get a fresh one before reconnecting.
      if (!this.closed) this.retry(e.code === 1008);
    };
  }

  private retry(fresh: boolean): void {
    if (this.closed) return;
    this.failures++;
    this.timer = setTimeout(() => {
      this.reconnects++;
      void this.connect(fresh);
    }, backoff(this.failures, this.o.maxWaitMs ?? 10_000));
  }
}
