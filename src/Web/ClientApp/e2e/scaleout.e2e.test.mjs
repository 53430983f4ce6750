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

  it("a node shut down gracefully: each page waits the delay its shutdown event names, then resumes with nothing lost", async (t) => {
    if (!redis) return t.skip('redis-server is not installed');
    const user = `drain-${Math.random().toString(36).slice(2, 8)}`;
    const pages = [];
    const contexts = [];
    for (let i = 0; i < 4; i++) {
      const context = await signedInContext(browser, nodeA.url, user);
      contexts.push(context);
      const page = await context.newPage();
      page.reconnects = [];
      // Every connect starts with a ticket; after the shutdown the first one is the reconnect.
      context.on('request', (r) => { if (new URL(r.url()).pathname === '/api/sse/ticket') page.reconnects.push(Date.now()); });
      await page.goto('/sse-demo');
      await connectionState(page).filter({ hasText: /Connected · SSE/ }).waitFor({ timeout: 30_000 });
      pages.push(page);
    }
    try {
      const first = await publish(nodeA.url, 'notification', { title: 'before the shutdown' }, { users: [user] });
      for (const page of pages) await waitUntil(async () => (await logIds(page)).includes(first), 'the first event');
      for (const page of pages) page.reconnects.length = 0;

      const stopping = Date.now();
      await nodeA.stop(); // SIGTERM: the node ends its streams with `shutdown` {retryMs}
      const missed = [];
      for (let i = 0; i < 3; i++) missed.push(await publish(nodeB.url, 'notification', { title: `published on node B #${i}` }, { users: [user] }));
      const delays = [];
      for (const page of pages) {
        const shutdown = page.locator('[data-testid="event-log"] li[data-type="shutdown"] .data').first();
        await shutdown.waitFor({ timeout: 15_000 });
        const { retryMs } = JSON.parse(await shutdown.innerText());
        assert.ok(retryMs >= 500 && retryMs <= 5000, `retryMs ${retryMs}`);
        await waitUntil(async () => page.reconnects.length > 0, 'the reconnect after the shutdown', 30_000);
        // The client came back no sooner than the node asked (it used to, within about a second, whatever the delay).
        assert.ok(page.reconnects[0] - stopping >= retryMs - 50, `reconnected ${page.reconnects[0] - stopping} ms after the stop; asked to wait ${retryMs} ms`);
        delays.push(retryMs);
      }
      assert.ok(new Set(delays).size > 1, `one delay for every page (${delays}) would bring them back together`);

      nodeA = Object.assign(await startBeacon({ port: nodeA.port, settings: nodeA.settings, name: 'node A (restarted)' }), { settings: nodeA.settings });
      for (const page of pages) {
        await connectionState(page).filter({ hasText: /Connected · SSE/ }).waitFor({ timeout: 60_000 });
        await waitUntil(async () => (await logIds(page)).filter((id) => missed.includes(id)).length === missed.length,
          'every event published while the node was down', 30_000);
        const shown = await logIds(page);
        for (const id of [first, ...missed]) assert.equal(shown.filter((x) => x === id).length, 1, `event ${id} exactly once`);
        assert.equal(await page.locator('[data-testid="event-log"] li[data-type="reset"]').count(), 0, 'the resume must be complete, not a reset');
      }
    } finally {
      await Promise.allSettled(contexts.map((c) => c.close()));
    }
  });
});
