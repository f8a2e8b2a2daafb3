// <mc-feed max="20">: the friends' and the user's activities, newest first, live.

import type { Activity, MessengerConnect } from '../index.js';
import { avatar, esc, McElement } from './base.js';

export class McFeed extends McElement {
  static observedAttributes = ['max'];

  protected async render(c: MessengerConnect): Promise<void> {
    const max = Number(this.getAttribute('max') ?? 20);
    const items = await c.feed.list({ top: Math.min(max, 1000) }).toArray(max);
    const item = (a: Activity) => `<li part="activity" class="row" data-activity-id="${esc(a.id)}">${avatar(a.actor.displayName)}
<div><div><strong part="actor">${esc(a.actor.displayName)}</strong> <span class="muted">${esc(a.type)} · <time datetime="${esc(a.published)}">${esc(new Date(a.published).toLocaleString())}</time></span></div>
${a.content ? `<div part="content">${esc(a.content)}</div>` : ''}${a.url && /^https?:/.test(a.url) ? `<a part="link" href="${esc(a.url)}" rel="noopener noreferrer" target="_blank">${esc(a.name ?? a.url)}</a>` : ''}</div></li>`;
    const draw = () => this.html(items.length
      ? `<ul part="list" aria-label="Activity feed">${items.map(item).join('')}</ul>`
      : `<p part="empty" class="muted">Nothing here yet.</p>`);
    draw();
    // Own posts arrive by the widget's caller (mc-shared); friends' by live events.
    const add = (a: Activity) => {
      if (items.some((x) => x.id === a.id)) return;
      items.unshift(a);
      items.length = Math.min(items.length, max);
      draw();
    };
    this.stopLive();
    this.live('activity.created', (e) => add(e.data));
    const onShared = (e: Event) => add((e as CustomEvent).detail);
    addEventListener('mc-shared', onShared);
    this.stops2 = () => removeEventListener('mc-shared', onShared);
  }

  private stops2: (() => void) | null = null;
  protected override stopLive(): void {
    this.stops2?.();
    this.stops2 = null;
    super.stopLive();
  }
}
