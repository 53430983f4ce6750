// End-to-end: two Beacon nodes sharing a real redis-server; the node a page is connected to is restarted
// while events keep being published through the other node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  connectionState, launchBrowser, logIds, publish, screenshot, signedInContext, startBeacon, startRedis, waitUntil,
} from './harness.mjs';

let redis;
let nodeA;
let nodeB;
let browser;

before(async () => {
  redis = await startRedis();
  if (!redis) return;
  const settings = { 'ConnectionStrings:Redis': redis.connection };
  [nodeA, nodeB, browser] = await Promise.all([startBeacon({ settings, name: 'node A' }), startBeacon({ settings, name: 'node B' }), launchBrowser()]);
  nodeA.settings = settings;
});

after(async () => {
  await browser?.close();
  await Promise.allSettled([nodeA?.stop(), nodeB?.stop()]);
  await redis?.stop();
});

describe('two nodes behind Redis-backed history', () => {
  it('restarting the node a page is on shows "reconnecting", then every event published meanwhile, once', async (t) => {
    if (!redis) return t.skip('redis-server is not installed');
    const user = `restart-${Math.random().toString(36).slice(2, 8)}`;
    const context = await signedInContext(browser, nodeA.url, user);
    const page = await context.newPage();
    await page.goto('/sse-demo');
    await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 30_000 });
    const first = await publish(nodeA.url, 'notification', { title: 'before the restart' }, { users: [user] });
    await waitUntil(async () => (await logIds(page)).includes(first), 'the first event');

    await nodeA.kill();
    await connectionState(page).filter({ hasText: /Reconnecting/ }).waitFor({ timeout: 15_000 });
    const missed = [];
    for (let i = 0; i < 6; i++) missed.push(await publish(nodeB.url, 'notification', { title: `published on node B #${i}` }, { users: [user] }));
    await screenshot(page, 'scaleout-reconnecting');

    nodeA = Object.assign(await startBeacon({ port: nodeA.port, settings: nodeA.settings, name: 'node A (restarted)' }), { settings: nodeA.settings });
    await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 60_000 });
    await waitUntil(async () => (await logIds(page)).filter((id) => missed.includes(id)).length === missed.length,
      'every event published while the node was down', 30_000);
    const shown = await logIds(page);
    for (const id of [first, ...missed]) assert.equal(shown.filter((x) => x === id).length, 1, `event ${id} exactly once`);
    const text = await page.getByTestId('event-log').innerText();
    assert.doesNotMatch(text, /\breset\b/, 'the resume must be complete, not a reset');
    await screenshot(page, 'scaleout-resumed');
    await context.close();
  });
});
