// The example job runs end to end against its in-process mock (faults included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

test('examples/post-feed.mjs posts every item exactly once (a rerun too), then reads the feed and events', async () => {
  const script = new URL('../examples/post-feed.mjs', import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [script, '--concurrency', '3'], { timeout: 60_000 });
  assert.match(stdout, /posted 10\/10 items/);
  assert.match(stdout, /12 POSTs sent for 10 items \(2 retries\), 10 distinct Idempotency-Keys/);
  assert.match(stdout, /every item posted exactly once/);
  assert.match(stdout, /rerun: 10\/10 items answered with the activity of the first run, 0 new activities/);
  assert.match(stdout, /status\.changed/);
});
