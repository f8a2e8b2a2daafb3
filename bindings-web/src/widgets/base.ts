// What every widget shares: a shadow root with the family's styles, the client it uses
// (its `client` property, else `MessengerConnect.default`), re-rendering when the sign-in
// state changes, and small HTML helpers that escape everything they insert.

import { MessengerConnect } from '../index.js';

/** Escapes text for HTML. */
export const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Shared styles: readable contrast (≥ 4.5:1), visible focus, themable by custom properties. */
const CSS = `:host{display:block;font:var(--mc-font,14px/1.4 system-ui,sans-serif);color:var(--mc-text,#1b1b1b)}
:host([hidden]){display:none}
button{font:inherit;cursor:pointer;border-radius:var(--mc-radius,6px);border:1px solid var(--mc-accent,#0a58a8);padding:.4em .9em;background:var(--mc-accent,#0a58a8);color:var(--mc-on-accent,#fff)}
button.secondary{background:transparent;color:var(--mc-accent,#0a58a8)}
button:disabled{opacity:.6;cursor:default}
:focus-visible{outline:3px solid var(--mc-focus,#c45500);outline-offset:2px}
input,textarea{font:inherit;border:1px solid #6b6b6b;border-radius:var(--mc-radius,6px);padding:.35em .5em;box-sizing:border-box;width:100%}
label{display:block;font-weight:600;margin:.4em 0 .2em}
ul{list-style:none;margin:0;padding:0}
.row{display:flex;align-items:center;gap:.6em}
.avatar{width:2.2em;height:2.2em;border-radius:50%;background:#dde6f0;color:#1b1b1b;display:inline-flex;align-items:center;justify-content:center;font-weight:600;flex:none;object-fit:cover}
.muted{color:#555}
.dot{width:.6em;height:.6em;border-radius:50%;display:inline-block;margin-right:.3em;background:#767676}
.online{background:#107c10}.away{background:#b35c00}.busy{background:#c50f1f}
.error{color:#a4262c}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}`;

/** Presence in words (never colour alone). */
export const PRESENCE: Record<string, string> = {
  online: 'Online', away: 'Away', busy: 'Busy', offline: 'Offline', invisible: 'Offline',
};

/** An avatar: the photo, or the initials. */
export function avatar(name: string, photo?: string | null): string {
  const initials = name.split(/\s+/).map((w) => w[0] ?? '').join('').slice(0, 2).toUpperCase();
  // A photo that fails to load shows the initials instead (see McElement.html).
  if (photo) return `<img part="avatar" class="avatar" src="${esc(photo)}" alt="" data-initials="${esc(initials)}">`;
  return `<span part="avatar" class="avatar" aria-hidden="true">${esc(initials)}</span>`;
}

/** A presence badge: a dot and the word. */
export function presence(p?: string): string {
  const word = PRESENCE[p ?? 'offline'] ?? 'Offline';
  return `<span part="presence" class="muted" data-presence="${esc(p ?? 'offline')}"><span class="dot ${esc(p)}" aria-hidden="true"></span>${word}</span>`;
}

/** The base of the widgets. */
export abstract class McElement extends HTMLElement {
  private own: MessengerConnect | null = null;
  protected root: ShadowRoot;
  /** The sign-in state last rendered (token rotations alone do not re-render). */
  private shown: boolean | null = null;
  private readonly onChange = () => {
    if (this.watched !== this.client || !!this.client?.signedIn !== this.shown) void this.refresh();
  };

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
  }

  /** The client this widget uses. */
  get client(): MessengerConnect | null { return this.own ?? MessengerConnect.default; }
  set client(c: MessengerConnect | null) {
    this.unwatch();
    this.own = c;
    if (this.isConnected) this.watch();
  }

  connectedCallback(): void { this.watch(); }
  disconnectedCallback(): void { this.unwatch(); }
  attributeChangedCallback(): void { if (this.isConnected) void this.refresh(); }

  private watched: MessengerConnect | null = null;
  private watch(): void {
    this.unwatch();
    this.watched = this.client;
    this.watched?.addEventListener('change', this.onChange);
    addEventListener('messenger-connect:default', this.onChange);
    void this.refresh();
  }
  private unwatch(): void {
    this.watched?.removeEventListener('change', this.onChange);
    removeEventListener('messenger-connect:default', this.onChange);
    this.watched = null;
    this.stopLive();
  }

  /** Renders HTML into the shadow root with the shared styles. */
  protected html(body: string): void {
    this.root.innerHTML = `<style>${CSS}</style>${body}`;
    for (const img of this.root.querySelectorAll<HTMLImageElement>('img[data-initials]')) {
      img.onerror = () => img.replaceWith(Object.assign(document.createElement('span'), {
        className: 'avatar', textContent: img.dataset.initials ?? '',
      }));
    }
  }

  /** Renders for the current state; called on connect, attribute and sign-in changes. */
  protected async refresh(): Promise<void> {
    if (this.watched !== this.client) return this.watch();
    const c = this.client;
    this.shown = !!c?.signedIn;
    try {
      if (!c?.signedIn) return this.signedOut();
      await this.render(c);
    } catch (e) {
      this.html(`<p part="error" class="error" role="alert">${esc((e as Error).message)}</p>`);
      this.dispatchEvent(new CustomEvent('mc-error', { detail: e, bubbles: true, composed: true }));
    }
  }

  /** What shows when no one is signed in. */
  protected signedOut(): void {
    this.stopLive();
    this.html(`<p part="signed-out" class="muted">Sign in to see this.</p>`);
  }

  protected abstract render(c: MessengerConnect): Promise<void>;

  // Live events: one shared socket per client, released when the widget goes.
  private stops: (() => void)[] = [];
  private liveFrom: MessengerConnect | null = null;
  protected live(type: string, fn: (e: any) => void): void {
    const c = this.client;
    if (!c) return;
    const first = this.liveFrom === null;
    this.liveFrom = c;
    this.stops.push(c.shared().on(type, fn), () => c.release());
    // Events were lost (the server's log could not cover a gap): load everything again.
    if (first) this.stops.push(c.shared().on('resync', () => void this.refresh()), () => c.release());
  }
  protected stopLive(): void {
    for (const s of this.stops.splice(0)) s();
    this.liveFrom = null;
  }
  protected get listening(): boolean { return this.liveFrom !== null; }

  /** Announces a widget event (bubbles out of the shadow DOM). */
  protected emit(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
