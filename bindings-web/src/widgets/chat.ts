// <mc-chat with="USER_ID">: a one-to-one conversation with a friend: history, live
// messages, a typing indicator, and a form to send (Enter sends, Shift+Enter a new line).

import type { Message, MessengerConnect } from '../index.js';
import { esc, McElement } from './base.js';

let ids = 0;

export class McChat extends McElement {
  static observedAttributes = ['with', 'conversation-id'];

  protected async render(c: MessengerConnect): Promise<void> {
    const other = this.getAttribute('with');
    let conversationId = this.getAttribute('conversation-id');
    let members: { id: string; displayName: string }[] = [];
    if (!conversationId) {
      if (!other) return this.html(`<p part="empty" class="muted">Set "with" to a friend's user id.</p>`);
      const conversation = await c.conversations.create([other]);
      conversationId = conversation.id;
      members = conversation.members;
    }
    const me = c.account?.id ?? (await c.me()).id;
    const names = members.filter((m) => m.id !== me).map((m) => m.displayName).join(', ');
    const messages = await c.messages.list(conversationId, { top: 50 }).toArray(200);
    const n = ++ids;
    const line = (m: Message) => `<li part="message${m.sender.id === me ? ' mine' : ''}" data-message-id="${esc(m.id)}"><strong part="sender">${esc(m.sender.displayName)}</strong>: <span part="text">${esc(m.text)}</span></li>`;
    this.html(`<section part="chat" aria-label="${esc(names ? `Conversation with ${names}` : 'Conversation')}">
${names ? `<p part="title" class="muted">With ${esc(names)}</p>` : ''}
<ul part="log" role="log" aria-live="polite" aria-label="Messages">${messages.map(line).join('')}</ul>
<p part="typing" class="muted" aria-live="polite"></p>
<form part="form" class="row"><label class="sr" for="m${n}">Message</label><textarea part="input" id="m${n}" name="text" rows="1" maxlength="4000" required></textarea>
<button part="button" type="submit">Send</button></form></section>`);
    const log = this.root.querySelector('ul')!;
    const typing = this.root.querySelector<HTMLElement>('[part=typing]')!;
    const form = this.root.querySelector('form')!;
    const input = form.querySelector('textarea')!;
    const seen = new Set(messages.map((m) => m.id));
    const append = (m: Message) => {
      if (seen.has(m.id)) return;
      seen.add(m.id);
      log.insertAdjacentHTML('beforeend', line(m));
      log.lastElementChild?.scrollIntoView({ block: 'nearest' });
      typing.textContent = '';
      this.emit('mc-message', m);
    };
    const live = c.shared();
    this.stopLive();
    this.live('message.created', (e) => { if (e.data?.conversationId === conversationId) append(e.data); });
    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    this.live('typing', (e) => {
      if (e.data?.conversationId !== conversationId) return;
      typing.textContent = 'Typing…';
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => { typing.textContent = ''; }, 4000);
    });
    c.release(); // `live` above holds its own references
    let lastTyping = 0;
    input.oninput = () => {
      if (Date.now() - lastTyping > 2000) { lastTyping = Date.now(); live.typing(conversationId!); }
    };
    input.onkeydown = (e) => {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    };
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      try {
        append(await c.messages.send(conversationId!, text));
      } catch (e) {
        input.value = text;
        typing.textContent = (e as Error).message;
        this.emit('mc-error', e);
      }
    };
  }
}
