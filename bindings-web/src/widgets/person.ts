// <mc-person user-id="...">: avatar, name and presence of the signed-in user (no
// `user-id`, or "me") or of a friend; the presence follows live events.

import { odata, type MessengerConnect } from '../index.js';
import { avatar, esc, McElement, presence } from './base.js';

export class McPerson extends McElement {
  static observedAttributes = ['user-id'];

  protected async render(c: MessengerConnect): Promise<void> {
    const id = this.getAttribute('user-id');
    let person: { id: string; displayName: string; photo?: string | null; presence?: string; status?: { message: string } };
    if (!id || id === 'me') {
      person = await c.me();
    } else {
      const page = await c.friends.list({ filter: odata`id eq ${id}` }).page();
      person = page.items[0] ?? (await c.user(id));
    }
    const draw = (p: typeof person) => this.html(`<div class="row" part="person" data-user-id="${esc(p.id)}">${avatar(p.displayName, p.photo)}
<div><div part="name">${esc(p.displayName)}</div>${p.presence ? presence(p.presence) : ''}
${p.status?.message ? `<div part="status" class="muted">${esc(p.status.message)}</div>` : ''}</div></div>`);
    draw(person);
    this.stopLive();
    this.live('status.changed', (e) => {
      const d = e.data ?? {};
      if (d.userId !== person.id) return;
      person = { ...person, presence: d.presence ?? person.presence, status: d.message === undefined ? person.status : { message: d.message } };
      draw(person);
    });
  }
}
