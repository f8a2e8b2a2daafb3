// The widgets: importing this module defines the custom elements (once).

import { McChat } from './chat.js';
import { McFeed } from './feed.js';
import { McFriends } from './friends.js';
import { McPerson } from './person.js';
import { McShare } from './share.js';
import { McSignIn } from './sign-in.js';

export { McChat, McFeed, McFriends, McPerson, McShare, McSignIn };
export { McElement } from './base.js';

const elements: [string, CustomElementConstructor][] = [
  ['mc-sign-in', McSignIn], ['mc-person', McPerson], ['mc-friends', McFriends],
  ['mc-share', McShare], ['mc-chat', McChat], ['mc-feed', McFeed],
];
for (const [name, cls] of elements) {
  if (!customElements.get(name)) customElements.define(name, cls);
}
