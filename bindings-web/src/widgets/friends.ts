// <mc-friends max="50">: the friends with presence and status, kept current by live events.

import type { Friend, MessengerConnect } from '../index.js';
import { avatar, esc, McElement, presence } from './base.js';

export class McFriends extends McElement {
  static observedAttributes = ['max'];

  protected async render(c: MessengerConnect): Promise<void> {
    const max = Number(this.getAttribute('max') ?? 50);
    const friends = await c.friends.list({ orderby: 'displayName', top: Math.min(max, 1000) }).toArray(max);
    const item = (f: Friend) => `<li part="friend" class="row" data-user-id="${esc(f.id)}">${avatar(f.displayName, f.photo)}
<div><div part="name">${esc(f.displayName)}</div>${presence(f.presence)}${f.status?.message ? ` <span part="status" class="muted">· ${esc(f.status.message)}</span>` : ''}</div></li>`;
    const draw = () => this.html(friends.length
      ? `<ul part="list" aria-label="Friends">${friends.map(item).join('')}</ul>`
      : `<p part="empty" class="muted">No friends yet.</p>`);
    draw();
    this.stopLive();
    this.live('status.changed', (e) => {
      const d = e.data ?? {};
      const f = friends.find((x) => x.id === d.userId);
      if (!f) return;
      f.presence = d.presence ?? f.presence;
      f.status = { message: d.message ?? '', updated: d.updated ?? null };
      draw();
      this.emit('mc-friend-changed', f);
    });
  }
}
