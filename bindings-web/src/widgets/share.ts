// <mc-share url="https://...">: posts a link (an activity of type Share) with a comment.

import type { MessengerConnect } from '../index.js';
import { esc, McElement } from './base.js';

let ids = 0;

export class McShare extends McElement {
  static observedAttributes = ['url'];

  protected async render(c: MessengerConnect): Promise<void> {
    const n = ++ids;
    const url = this.getAttribute('url') ?? location.href;
    this.html(`<form part="form">
<label for="u${n}">Link</label><input part="url" id="u${n}" name="url" type="url" required value="${esc(url)}">
<label for="c${n}">Comment</label><textarea part="comment" id="c${n}" name="comment" rows="2" maxlength="5000"></textarea>
<p><button part="button" type="submit">Share</button></p><p part="result" role="status" aria-live="polite"></p></form>`);
    const form = this.root.querySelector('form')!;
    const result = this.root.querySelector<HTMLElement>('[role=status]')!;
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      const data = new FormData(form);
      const button = form.querySelector('button')!;
      button.disabled = true;
      result.className = '';
      try {
        const comment = String(data.get('comment') ?? '').trim();
        const activity = await c.activities.create({
          type: 'Share', url: String(data.get('url')), ...(comment ? { content: comment } : {}),
        });
        result.textContent = 'Shared.';
        form.querySelector('textarea')!.value = '';
        this.emit('mc-shared', activity);
      } catch (e) {
        result.className = 'error';
        result.textContent = (e as Error).message;
        this.emit('mc-error', e);
      } finally {
        button.disabled = false;
      }
    };
  }
}
