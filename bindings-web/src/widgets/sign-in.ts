// <mc-sign-in>: a "Sign in" button; once signed in, the user's name and "Sign out".
// With `server` and `client-id` attributes it also creates the page's default client.

import { MessengerConnect } from '../index.js';
import { avatar, esc, McElement } from './base.js';

export class McSignIn extends McElement {
  static observedAttributes = ['server', 'client-id', 'redirect-uri', 'scopes', 'mode'];

  override connectedCallback(): void {
    const server = this.getAttribute('server');
    const clientId = this.getAttribute('client-id');
    if (!this.client && server && clientId) {
      const c = new MessengerConnect({
        server,
        clientId,
        redirectUri: this.getAttribute('redirect-uri') ?? undefined,
        scopes: this.getAttribute('scopes')?.split(/\s+/).filter(Boolean),
      });
      MessengerConnect.default = c;
      void c.init().catch((e) => this.failed(e));
    }
    super.connectedCallback();
  }

  protected override signedOut(): void {
    this.html(`<button part="button sign-in" type="button">Sign in with Messenger Connect</button><p part="error" class="error" role="alert" hidden></p>`);
    const button = this.root.querySelector('button')!;
    button.onclick = async () => {
      const c = this.client;
      if (!c) return this.failed(new Error('no client: set server and client-id, or MessengerConnect.default'));
      button.disabled = true;
      try {
        const account = await c.signIn({ mode: this.getAttribute('mode') === 'redirect' ? 'redirect' : 'popup' });
        this.emit('mc-signed-in', account);
      } catch (e) {
        button.disabled = false;
        this.failed(e);
      }
    };
  }

  protected async render(c: MessengerConnect): Promise<void> {
    const name = c.account?.name ?? (await c.me()).displayName;
    this.html(`<div class="row" part="signed-in">${avatar(name)}<span part="name">${esc(name)}</span>
<button part="button sign-out" class="secondary" type="button">Sign out</button></div>`);
    this.root.querySelector('button')!.onclick = async () => {
      await c.signOut().catch((e) => this.failed(e));
      this.emit('mc-signed-out');
    };
  }

  private failed(e: unknown): void {
    const p = this.root.querySelector<HTMLElement>('[role=alert]');
    if (p) {
      p.hidden = false;
      p.textContent = (e as Error)?.message ?? String(e);
    }
    this.emit('mc-error', e);
  }
}
