// Drives the example page once, as a user would, in headless Chromium (the main job's
// `web_example` step, through run-example.sh, which starts the mock and sets MOCK_URL):
// serves the page, registers it as an app, signs in through the mock's sign-in and
// consent pages in the popup, checks the friends and the feed against the API, shares a
// link, and chats with a friend (a message out, a reply in, live). Prints each step;
// exits 1 with the reason on the first thing that goes wrong.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { api, liveReady, openExample, OUT_DIR, setup, signIn, WAIT } from '../test/harness.mjs';

const step = (what) => console.log(`web example: ${what}`);
const env = await setup();
let failed = false;
try {
  step(`page served at ${env.site.url} (app ${env.clientId}, server ${env.site.config.server})`);
  const { page, context, errors } = await openExample(env);
  const user = env.users[0];
  await signIn(page, user);
  step(`signed in as ${user.displayName} through the popup (sign-in and consent pages)`);

  const friends = (await api('GET', `/_mock/act-as/${user.id}/friends?$orderby=displayName`)).value;
  const shown = page.locator('mc-friends li[part~=friend] [part=name]');
  await shown.first().waitFor();
  assert.deepEqual(await shown.allTextContents(), friends.map((f) => f.displayName));
  step(`friends shown: ${friends.map((f) => `${f.displayName} (${f.presence})`).join(', ')}`);
  const feed = page.locator('mc-feed li[part~=activity]');
  await feed.first().waitFor();
  step(`feed shown: ${await feed.count()} activities`);

  const url = `https://example.com/story-${Date.now()}`;
  const share = page.locator('mc-share');
  await share.getByLabel('Link').fill(url);
  await share.getByLabel('Comment').fill('From the example page');
  await share.getByRole('button', { name: 'Share' }).click();
  await share.getByRole('status').getByText('Shared.').waitFor();
  const posted = (await api('GET', `/_mock/act-as/${user.id}/activities?$top=5`)).value.find((a) => a.url === url);
  assert.ok(posted, 'the shared link is on the server');
  await page.locator(`mc-feed li[data-activity-id="${posted.id}"]`).waitFor();
  step(`shared ${url} (activity ${posted.id}, by app ${posted.generator.name})`);

  const friend = friends[0];
  await liveReady(page);
  const input = page.locator('mc-chat').getByRole('textbox', { name: 'Message' });
  const text = `Hello ${friend.displayName}!`;
  await input.fill(text);
  await input.press('Enter');
  await page.locator('mc-chat li[part~=mine]').getByText(text).waitFor();
  const conversation = (await api('POST', `/_mock/act-as/${friend.id}/conversations`, { json: { members: [user.id] } })).id;
  const theirs = (await api('GET', `/_mock/act-as/${friend.id}/conversations/${conversation}/messages`)).value;
  assert.ok(theirs.some((m) => m.text === text), `${friend.displayName} has the message`);
  const reply = `Hi ${user.displayName}, got it`;
  await api('POST', `/_mock/act-as/${friend.id}/conversations/${conversation}/messages`, { json: { text: reply }, status: 201 });
  await page.locator('mc-chat li[part~=message]').getByText(reply).waitFor({ timeout: WAIT });
  step(`chat with ${friend.displayName}: sent "${text}", received "${reply}" live`);

  const path = join(OUT_DIR, 'example.png');
  await page.screenshot({ path, fullPage: true });
  assert.deepEqual(errors.map(String), [], 'no script errors on the page');
  step(`screenshot ${path}`);
  await context.close();
} catch (e) {
  failed = true;
  console.error(`web example: FAILED: ${e?.message ?? e}`);
} finally {
  await env.teardown();
}
process.exit(failed ? 1 : 0);
