// End-to-end: the built React client in Debian's Chromium against a real Beacon process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  call, connectionState, devToken, freePort, launchBrowser, logIds, publish, routeExists, screenshot, signedInContext, sleep,
  startBeacon, waitUntil,
} from './harness.mjs';

let beacon;
let browser;
let admin;
const contexts = [];
const uid = (prefix) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

before(async () => {
  [beacon, browser] = await Promise.all([startBeacon(), launchBrowser()]);
  admin = await devToken(beacon.url, 'e2e-admin', ['admin']);
});

after(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await browser?.close();
  await beacon?.stop();
});

/** A signed-in context whose pages fail the test on uncaught errors. */
async function userContext(userId, roles = ['user']) {
  const context = await signedInContext(browser, beacon.url, userId, roles);
  contexts.push(context);
  return context;
}

async function openDemo(context, { expect = /Connected · SSE/ } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.errors = errors;
  await page.goto('/sse-demo');
  await connectionState(page).filter({ hasText: expect }).waitFor({ timeout: 30_000 });
  return page;
}

async function waitForIds(page, ids, timeout = 15_000) {
  await waitUntil(async () => {
    const shown = await logIds(page);
    return ids.every((id) => shown.includes(id));
  }, `events ${ids.join(', ')} in the log`, timeout);
}

/** The SSE stream itself (`GET /api/sse`), not the ticket endpoint beside it: what a buffering proxy breaks. */
const isStream = (url) => url.pathname === '/api/sse';

function assertOnceEach(shown, ids) {
  for (const id of ids) assert.equal(shown.filter((x) => x === id).length, 1, `event ${id} should be shown exactly once (log: ${shown.join(', ')})`);
}

describe('SSE demo page', () => {
  it('connects, shows the connection state, and renders the six demo events', async () => {
    const context = await browser.newContext({ baseURL: beacon.url, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await openDemo(context);
    assert.match(await page.getByTestId('client-id').innerText(), /^[0-9a-f]{32}$/);

    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/sse/demo'),
      page.getByRole('button', { name: 'Send demo events' }).click(),
    ]);
    assert.equal(response.status(), 200);
    const { ids } = await response.json();
    await waitForIds(page, ids);
    // Only the demo's own events: the page's connection also carries the `analytics` topic, whose `visitors` and
    // `metrics_update` (from this page's own view) can land between them.
    const shown = await page.locator('[data-testid="event-log"] li[data-id]:not([data-id=""])')
      .evaluateAll((items) => items.map((li) => ({ id: li.dataset.id, type: li.dataset.type })));
    const demo = shown.filter((e) => ids.includes(e.id)).reverse();
    assert.deepEqual(demo.map((e) => e.id), ids, 'each demo event once, in the order published');
    assert.deepEqual(demo.map((e) => e.type), ['system', 'notification', 'update', 'progress', 'success', 'error']);
    assert.match(await connectionState(page).innerText(), /Connected · SSE/, 'an `event: error` frame must not break the stream');
    await screenshot(page, 'sse-demo');
    assert.deepEqual(page.errors, []);
  });

  it('a cut stream shows "reconnecting" while events keep being published, then every one of them once', async () => {
    const user = uid('cut');
    const context = await userContext(user);
    // The cut: while `blocked`, every transport fails (SSE and long-poll requests are aborted, WebSockets are
    // closed). WebSocket routes must exist before the page loads.
    let blocked = false;
    await context.route('**/api/sse**', (route) => (blocked ? route.abort() : route.continue()));
    await context.route(/\/api\/events\?/, (route) => (blocked ? route.abort() : route.continue()));
    await context.routeWebSocket(/\/api\/ws/, (ws) => (blocked ? ws.close() : ws.connectToServer()));
    const page = await openDemo(context);
    const first = await publish(beacon.url, 'notification', { title: 'before the cut' }, { users: [user] });
    await waitForIds(page, [first]);

    // Cut, and have the server close the stream the page has.
    blocked = true;
    const clientId = await page.getByTestId('client-id').innerText();
    assert.equal((await call(beacon.url, `/api/sse/clients/${clientId}`, { token: admin.token, method: 'DELETE' })).status, 204);

    const missed = [];
    for (let i = 0; i < 8; i++) {
      missed.push(await publish(beacon.url, 'notification', { title: `during the cut #${i}` }, { users: [user] }));
      if (i === 2) await connectionState(page).filter({ hasText: /Reconnecting/ }).waitFor({ timeout: 10_000 });
      await sleep(250);
    }
    assert.match(await connectionState(page).innerText(), /Reconnecting/);
    await screenshot(page, 'sse-demo-reconnecting');
    assert.equal((await logIds(page)).filter((id) => missed.includes(id)).length, 0, 'nothing can arrive while cut');

    blocked = false;
    await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 40_000 });
    await waitForIds(page, missed);
    const after = await publish(beacon.url, 'notification', { title: 'after the cut' }, { users: [user] });
    await waitForIds(page, [after]);
    assertOnceEach(await logIds(page), [first, ...missed, after]);
    await screenshot(page, 'sse-demo-resumed');
  });
});

describe('fallbacks', () => {
  it('a signed-in stream carries a one-time ticket in its URL, never the token', async () => {
    const context = await userContext(uid('ticket'));
    const streams = [];
    context.on('request', (r) => { if (isStream(new URL(r.url()))) streams.push(r.url()); });
    const page = await openDemo(context);
    assert.ok(streams.length >= 1, 'no stream request was seen');
    for (const url of streams) {
      assert.match(url, /[?&]ticket=/);
      assert.doesNotMatch(url, /access_token=/);
    }
    assert.deepEqual(page.errors, []);
  });

  it('with SSE blocked, the page falls back to WebSocket and still receives events', async () => {
    const user = uid('nosse');
    const context = await userContext(user);
    await context.route(isStream, (route) => route.abort());
    const page = await openDemo(context, { expect: /Connected · WebSocket/ });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await publish(beacon.url, 'update', { type: 'fallback', data: i }, { users: [user] }));
    await waitForIds(page, ids);
    assertOnceEach(await logIds(page), ids);
    await screenshot(page, 'fallback-websocket');
  });

  it('with SSE and WebSocket blocked, the page long-polls and still receives events', async () => {
    const user = uid('poll');
    const context = await userContext(user);
    await context.route(isStream, (route) => route.abort());
    await context.routeWebSocket(/\/api\/ws/, (ws) => ws.close());
    const page = await openDemo(context, { expect: /Connected · Long-poll/ });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await publish(beacon.url, 'update', { type: 'fallback', data: i }, { users: [user] }));
    await waitForIds(page, ids);
    assertOnceEach(await logIds(page), ids);
    await screenshot(page, 'fallback-long-poll');
  });
});

describe('outages', () => {
  /** Every id once (no duplicates), and all of `ids` present (no gaps). */
  function assertAllOnce(shown, ids) {
    const missing = ids.filter((id) => !shown.includes(id));
    const twice = shown.filter((id, i) => shown.indexOf(id) !== i);
    assert.deepEqual({ missing, twice }, { missing: [], twice: [] }, `log: ${shown.join(', ')}`);
  }

  it('offline long enough to fail every transport, then online: back on SSE, nothing lost or repeated', async () => {
    const user = uid('offline');
    const context = await userContext(user);
    const failed = [];
    context.on('requestfailed', (r) => failed.push(new URL(r.url()).pathname));
    const page = await openDemo(context);
    const ids = [await publish(beacon.url, 'notification', { n: 'before' }, { users: [user] })];
    await waitForIds(page, ids);

    // Chromium keeps an open stream through emulated offline, so the server also ends it: the laptop's Wi-Fi went.
    await context.setOffline(true);
    const clientId = await page.getByTestId('client-id').innerText();
    assert.equal((await call(beacon.url, `/api/sse/clients/${clientId}`, { token: admin.token, method: 'DELETE' })).status, 204);
    // Enough failed attempts for the fallback rule (two per transport) to have walked SSE → WebSocket → long-poll.
    await waitUntil(async () => {
      ids.push(await publish(beacon.url, 'notification', { n: `offline ${ids.length}` }, { users: [user] }));
      return failed.length >= 5;
    }, 'five failed attempts while offline', 60_000);
    await context.setOffline(false);
    await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 30_000 });
    assert.match(await connectionState(page).innerText(), /Connected · SSE/, 'what failed while offline was held against SSE');
    ids.push(await publish(beacon.url, 'notification', { n: 'online' }, { users: [user] }));
    await waitForIds(page, ids);
    assertAllOnce(await logIds(page), ids);
  });

  it('Beacon killed and restarted on the same port: the page gets reset, refetches, stays on SSE, and misses nothing after', async () => {
    const port = await freePort();
    let server = await startBeacon({ port, name: 'beacon-restarted' });
    try {
      const user = uid('restart');
      const context = await signedInContext(browser, server.url, user);
      contexts.push(context);
      const tickets = [];
      context.on('requestfailed', (r) => { if (new URL(r.url()).pathname === '/api/sse/ticket') tickets.push(r.url()); });
      const page = await context.newPage();
      page.on('pageerror', (e) => assert.fail(e.message));
      await page.goto('/sse-demo');
      await connectionState(page).filter({ hasText: /Connected · SSE/ }).waitFor({ timeout: 30_000 });
      const before = await publish(server.url, 'notification', { n: 'before' }, { users: [user] });
      await waitForIds(page, [before]);

      await server.kill();
      // Down long enough for three refused attempts (the fallback rule moves on after two).
      await waitUntil(async () => tickets.length >= 3, 'three refused ticket requests', 60_000);
      const refetched = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/notifications', { timeout: 60_000 });
      server = await startBeacon({ port, name: 'beacon-restarted' });
      // History went with the process: the page's resume point is from the old epoch, so it must get a reset.
      await page.locator('[data-testid="event-log"] li[data-type="reset"]').waitFor({ timeout: 60_000 });
      await refetched;
      await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 30_000 });
      assert.match(await connectionState(page).innerText(), /Connected · SSE/, 'a restart was held against SSE');
      const after = [];
      for (let i = 0; i < 3; i++) after.push(await publish(server.url, 'notification', { n: `after ${i}` }, { users: [user] }));
      await waitForIds(page, after);
      assertAllOnce(await logIds(page), [before, ...after]);
    } finally {
      await server.kill();
    }
  });

  it('anonymous page, Beacon killed and restarted: refused streams are retried on SSE, not taken for SSE being blocked', async () => {
    const port = await freePort();
    let server = await startBeacon({ port, name: 'beacon-restarted-anonymous' });
    try {
      const context = await browser.newContext({ baseURL: server.url });
      contexts.push(context);
      const refused = [];
      const sockets = [];
      context.on('requestfailed', (r) => { if (isStream(new URL(r.url()))) refused.push(r.url()); });
      const page = await context.newPage();
      page.on('pageerror', (e) => assert.fail(e.message));
      page.on('websocket', (ws) => sockets.push(ws.url()));
      await page.goto('/sse-demo');
      await connectionState(page).filter({ hasText: /Connected · SSE/ }).waitFor({ timeout: 30_000 });
      // No ticket without a token: the EventSource itself meets the dead server.
      await server.kill();
      // Down long enough for three attempts (the fallback rule moves on after two that fail while the server answers).
      await waitUntil(async () => refused.length + sockets.length >= 3, 'three attempts while the server is down', 60_000);
      server = await startBeacon({ port, name: 'beacon-restarted-anonymous' });
      await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 60_000 });
      assert.match(await connectionState(page).innerText(), /Connected · SSE/, 'a restart was held against SSE');
      assert.deepEqual(sockets, [], 'no WebSocket fallback while the server was merely down');
      assert.ok(refused.length >= 3, `refused streams: ${refused.length}`);
    } finally {
      await server.kill();
    }
  });
});

describe('slow network', () => {
  it('a notification that arrives while the bell is still loading its list is not wiped out by the older list', async (t) => {
    const user = uid('slowbell');
    const publisher = await devToken(beacon.url, 'e2e-notifier', ['publisher']);
    if (!(await routeExists(beacon.url, '/api/notifications', publisher.token))) return t.skip('no /api/notifications on this server yet');
    const context = await userContext(user);
    // The list is read on the server at once, but its answer reaches the page only when the test lets it: a slow
    // response overtaken by an event on the already-open stream.
    let release;
    const released = new Promise((r) => { release = r; });
    await context.route((url) => url.pathname === '/api/notifications', async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    });
    const page = await openDemo(context);
    const title = `Arrived while loading ${user}`;
    const created = await call(beacon.url, '/api/notifications', { token: publisher.token, body: { userIds: [user], title, message: '-' } });
    assert.equal(created.status, 201, JSON.stringify(created));
    await page.locator('[data-testid="event-log"] li[data-type="unread_count"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('unread-badge').filter({ hasText: '1' }).waitFor({ timeout: 5_000 });
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/notifications');
    release();
    await answered;
    await page.getByTestId('bell').click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    await waitUntil(async () => !/Loading/.test(await panel.innerText()), 'the bell to finish loading');
    assert.equal(await page.getByTestId('unread-badge').count(), 1, 'the unread count went back to the older answer');
    assert.match(await panel.innerText(), new RegExp(title), 'the notification that came on the stream was dropped');
  });
  it("a chat message that arrives while the conversation's messages are still loading stays on screen", async (t) => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    const bobToken = (await devToken(beacon.url, bob, ['user'])).token;
    if (!(await routeExists(beacon.url, '/api/conversations', bobToken))) return t.skip('no /api/conversations on this server yet');
    const created = await call(beacon.url, '/api/conversations', { token: bobToken, body: { title: null, memberIds: [alice] } });
    assert.equal(created.status, 201, JSON.stringify(created));
    const before = await call(beacon.url, `/api/conversations/${created.body.id}/messages`, { token: bobToken, body: { text: 'sent before you came' } });
    assert.equal(before.status, 201, JSON.stringify(before));
    const context = await userContext(alice);
    let release;
    const released = new Promise((r) => { release = r; });
    await context.route((url) => url.pathname === `/api/conversations/${created.body.id}/messages`, async (route) => {
      const response = await route.fetch();
      await released;
      await route.fulfill({ response });
    });
    const page = await context.newPage();
    await page.goto('/chat');
    await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 30_000 });
    const sent = await call(beacon.url, `/api/conversations/${created.body.id}/messages`, { token: bobToken, body: { text: 'sent while you were loading' } });
    assert.equal(sent.status, 201, JSON.stringify(sent));
    const messages = page.getByTestId('messages');
    await messages.getByText('sent while you were loading').waitFor({ timeout: 10_000 });
    release();
    await messages.getByText('sent before you came').waitFor({ timeout: 10_000 }); // the answer has been applied
    assert.equal(await messages.getByText('sent while you were loading').count(), 1, 'the older answer replaced the message');
  });
  it("a contact's presence change that arrives while presence is still loading is not undone by the older answer", async (t) => {
    const [alice, bob, dave] = [uid('alice'), uid('bob'), uid('dave')];
    const bobToken = (await devToken(beacon.url, bob, ['user'])).token;
    if (!(await routeExists(beacon.url, '/api/presence?users=x', bobToken))) return t.skip('no /api/presence on this server yet');
    // bob starts a conversation with alice and dave, so alice sees bob; dave never writes, so he is `unknown` to her.
    const created = await call(beacon.url, '/api/conversations', { token: bobToken, body: { title: null, memberIds: [alice, dave] } });
    assert.equal(created.status, 201, JSON.stringify(created));
    // bob is online: a stream of his own.
    const bobStream = new AbortController();
    const stream = await fetch(`${beacon.url}/api/sse?access_token=${bobToken}`, { signal: bobStream.signal });
    void stream.body.pipeTo(new WritableStream()).catch(() => undefined);
    try {
      const context = await userContext(alice);
      let release;
      const released = new Promise((r) => { release = r; });
      let read = 0;
      await context.route((url) => url.pathname === '/api/presence', async (route) => {
        const response = await route.fetch();
        read++;
        await released;
        await route.fulfill({ response });
      });
      const page = await context.newPage();
      await page.goto('/chat');
      await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 30_000 });
      // Both reads (on load, and again once the stream is up) have been answered on the server, bob online in both.
      await waitUntil(async () => read >= 2, 'both presence reads');
      assert.equal((await call(beacon.url, '/api/presence/me', { token: bobToken, method: 'PUT', body: { status: 'idle' } })).status, 204);
      const bobDot = page.locator(`.presence[data-user="${bob}"]`).first();
      await page.locator(`.presence[data-user="${bob}"][data-presence="idle"]`).first().waitFor({ timeout: 10_000 });
      release();
      // dave turns from the page's default (offline) to `unknown` only by an answer: one has been applied.
      await page.locator(`.presence[data-user="${dave}"][data-presence="unknown"]`).first().waitFor({ timeout: 10_000 });
      assert.equal(await bobDot.getAttribute('data-presence'), 'idle', "bob's idle was undone by an older answer");
    } finally {
      bobStream.abort();
    }
  });
});

describe('tabs', () => {
  it('five tabs of one user share one server connection, and another tab takes over when the leader closes', async () => {
    const user = uid('tabs');
    const context = await userContext(user);
    const pages = [];
    for (let i = 0; i < 5; i++) pages.push(await openDemo(context, { expect: /Connected/ }));

    const stats = async () => (await call(beacon.url, '/api/sse/stats', { token: admin.token })).body.clientsByUser[user] ?? 0;
    await waitUntil(async () => (await stats()) === 1, 'one connection for the user');
    await sleep(1000);
    assert.equal(await stats(), 1, 'five tabs, one connection');
    const roles = await Promise.all(pages.map((p) => p.getByTestId('tab-role').innerText()));
    assert.equal(roles.filter((r) => r.startsWith('holds')).length, 1, roles.join(' / '));

    const id = await publish(beacon.url, 'notification', { title: 'to every tab' }, { users: [user] });
    for (const page of pages) await waitForIds(page, [id]);
    await screenshot(pages[4], 'tabs-five');

    const leader = pages[roles.findIndex((r) => r.startsWith('holds'))];
    await leader.close();
    const rest = pages.filter((p) => p !== leader);
    await waitUntil(async () => (await Promise.all(rest.map((p) => p.getByTestId('tab-role').innerText()))).some((r) => r.startsWith('holds')), 'a new leader');
    await waitUntil(async () => (await stats()) === 1, 'still one connection after the leader closed');
    const next = await publish(beacon.url, 'notification', { title: 'after the leader left' }, { users: [user] });
    for (const page of rest) {
      await waitForIds(page, [next]);
      assertOnceEach(await logIds(page), [id, next]);
    }
  });
});

describe('signing out', () => {
  /** Keys of `beacon:cache:*` entries in the page's localStorage that hold `text`. */
  const cachedWith = (page, text) => page.evaluate((t) => Object.keys(localStorage).filter((k) => k.startsWith('beacon:cache:') && localStorage.getItem(k).includes(t)), text);

  it('signing out, then in as another user in the same tab, leaves nothing of the first user on screen', async (t) => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    const publisher = await devToken(beacon.url, 'e2e-notifier', ['publisher']);
    if (!(await routeExists(beacon.url, '/api/notifications', publisher.token))) return t.skip('no /api/notifications on this server yet');
    const page = await openDemo(await userContext(alice));
    const title = `For ${alice} only`;
    const created = await call(beacon.url, '/api/notifications', { token: publisher.token, body: { userIds: [alice], title, message: '-' } });
    assert.equal(created.status, 201, JSON.stringify(created));
    await page.getByTestId('unread-badge').filter({ hasText: '1' }).waitFor({ timeout: 10_000 });
    const secret = `private to ${alice}`;
    const id = await publish(beacon.url, 'notification', { title: secret }, { users: [alice] });
    await waitForIds(page, [id]);

    // Sign out from the header, without a reload: the next person at this screen must not see alice's things.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Dev login' }).waitFor();
    assert.equal(await page.getByTestId('unread-badge').count(), 0, "alice's unread count is still shown after signing out");
    // By its content: a new stream's `connected` carries the newest id on the node as its resume point, which can be hers.
    const logText = async () => ((await page.getByTestId('event-log').count()) > 0 ? page.getByTestId('event-log').innerText() : '');
    assert.doesNotMatch(await logText(), new RegExp(secret), "alice's event is still in the log after signing out");

    // Bob signs in on the login page (an in-app navigation, still no reload).
    await page.getByRole('link', { name: 'Dev login' }).click();
    await page.getByLabel('User id').fill(bob);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: bob }).waitFor();
    await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 30_000 });
    await page.getByTestId('bell').click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    await waitUntil(async () => /No notifications\.|For /.test(await panel.innerText()), 'the bell to show a list');
    assert.doesNotMatch(await panel.innerText(), new RegExp(title), "bob's bell shows alice's notification");
    assert.equal(await page.getByTestId('unread-badge').count(), 0, "bob's bell counts alice's unread notification");
    assert.doesNotMatch(await logText(), new RegExp(secret), "alice's event is in bob's log");
    assert.deepEqual(page.errors, []);
  });

  it("signing out in one tab leaves none of the user's events in storage, even when another tab held the connection", async () => {
    const alice = uid('alice');
    const context = await userContext(alice);
    const first = await openDemo(context, { expect: /Connected/ });
    const second = await openDemo(context, { expect: /Connected/ });
    const secret = `private to ${alice}`;
    const id = await publish(beacon.url, 'notification', { title: secret }, { users: [alice] });
    await waitForIds(first, [id]);
    await waitForIds(second, [id]);
    const holder = (await first.getByTestId('tab-role').innerText()).startsWith('holds') ? first : second;
    const other = holder === first ? second : first;
    await waitUntil(async () => (await cachedWith(holder, secret)).length > 0, 'the event in the cache');

    // The tab that does not hold the connection signs out; the holder follows it (the storage event) and closes
    // alice's connection, and with it her cache.
    await other.getByRole('button', { name: 'Sign out' }).click();
    await holder.getByRole('link', { name: 'Dev login' }).waitFor();
    const connections = async () => (await call(beacon.url, '/api/sse/stats', { token: admin.token })).body.clientsByUser[alice] ?? 0;
    await waitUntil(async () => (await connections()) === 0, `${alice}'s connection to close`);
    assert.deepEqual(await cachedWith(holder, secret), [], "alice's events were written back to storage after she signed out");
  });
});

describe('admin SSE monitor', () => {
  it('shows live counts that follow users connecting, and disconnects a user everywhere', async () => {
    const monitorContext = await userContext('e2e-monitor-admin', ['admin']);
    const monitor = await monitorContext.newPage();
    await monitor.goto('/admin/sse-monitor');
    await monitor.getByTestId('global-connections').waitFor();

    const watched = uid('watched');
    const watchedPage = await openDemo(await userContext(watched));
    await monitor.locator(`[data-testid="users-table"] tr[data-user="${watched}"]`).waitFor({ timeout: 15_000 });
    const shown = Number(await monitor.getByTestId('global-connections').innerText());
    const actual = (await call(beacon.url, '/api/admin/sse-monitor?pageSize=500', { token: admin.token })).body.global.connections;
    assert.ok(Math.abs(shown - actual) <= 1, `monitor shows ${shown}, the API says ${actual}`);
    assert.match(await monitor.locator('[data-testid="nodes-table"] tbody tr').first().innerText(), /\(this\)/);
    await screenshot(monitor, 'admin-monitor');

    // Disconnecting the user from their row ends the demo page's stream; the page reconnects on a new connection.
    const before = await watchedPage.getByTestId('client-id').innerText();
    await monitor.getByRole('button', { name: `Disconnect ${watched} everywhere` }).click();
    await monitor.getByRole('status').filter({ hasText: new RegExp(`Ended [1-9]\\d* stream\\(s\\) of ${watched}`) }).waitFor();
    await waitUntil(async () => {
      const now = await watchedPage.getByTestId('client-id').innerText();
      return now !== before && /^[0-9a-f]{32}$/.test(now);
    }, 'the disconnected page reconnecting on a new connection', 20_000);
  });

  it('links admins to the Hangfire dashboard, signed in', async (t) => {
    if ((await call(beacon.url, '/hangfire')).status === 404) return t.skip('no /hangfire on this server yet');
    const context = await userContext('e2e-hangfire-admin', ['admin']);
    const urls = [];
    context.on('request', (r) => urls.push(r.url()));
    const page = await context.newPage();
    await page.goto('/admin/sse-monitor');
    const session = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/hangfire/session');
    const [dashboard] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: /Hangfire dashboard/ }).click()]);
    // The link trades the bearer header for the dashboard's cookie (204), then sends the new tab to plain /hangfire.
    const answered = await session;
    assert.equal(answered.status(), 204);
    assert.match((await answered.request().headerValue('authorization')) ?? '', /^Bearer /);
    await dashboard.waitForURL(/\/hangfire\/?$/);
    await dashboard.waitForLoadState();
    assert.match(await dashboard.title(), /Overview|Hangfire|jobs/i);
    assert.deepEqual(urls.filter((u) => /access_token=/.test(u)), [], 'no request URL carries the token');
    await screenshot(dashboard, 'hangfire');
  });

  it('a non-admin gets the forbidden view', async () => {
    const page = await (await userContext(uid('nonadmin'))).newPage();
    await page.goto('/admin/sse-monitor');
    await page.getByTestId('forbidden').waitFor();
    assert.match(await page.getByTestId('forbidden').innerText(), /admin/);
    await screenshot(page, 'admin-monitor-forbidden');
  });
});

describe('modules', () => {
  it('a notification created over the API appears in the bell within 1 s', async (t) => {
    const user = uid('bell');
    const publisher = await devToken(beacon.url, 'e2e-notifier', ['publisher']);
    if (!(await routeExists(beacon.url, '/api/notifications', publisher.token))) return t.skip('no /api/notifications on this server yet');
    // Warm the module up (first use builds the EF model): its cold start is not what this measures.
    await call(beacon.url, '/api/notifications', { token: publisher.token, body: { userIds: [uid('warm-up')], title: 'warm-up', message: '-' } });
    const page = await openDemo(await userContext(user));
    const started = Date.now();
    const created = await call(beacon.url, '/api/notifications', { token: publisher.token, body: { userIds: [user], title: 'Build finished', message: 'All green' } });
    const createdAt = Date.now();
    assert.ok(created.status >= 200 && created.status < 300, JSON.stringify(created));
    await page.getByTestId('unread-badge').filter({ hasText: '1' }).waitFor({ timeout: 5000 });
    const elapsed = Date.now() - createdAt;
    t.diagnostic(`bell updated ${elapsed} ms after POST /api/notifications returned (${Date.now() - started} ms after it was sent)`);
    assert.ok(elapsed <= 1000, `the bell took ${elapsed} ms after the notification was created`);
    await page.getByTestId('bell').click();
    await page.getByRole('region', { name: 'Notifications' }).getByText('Build finished').waitFor({ timeout: 1000 });
    await screenshot(page, 'notifications-bell');

    await page.getByRole('button', { name: 'Mark "Build finished" read' }).click();
    await page.getByTestId('unread-badge').waitFor({ state: 'detached' });
    await page.goto('/notifications');
    await page.getByTestId('notification-list').waitFor();
    await screenshot(page, 'notifications');
  });

  it('a job progress bar moves and completes; a failing job shows its error; a slow job can be cancelled', async (t) => {
    const user = uid('jobs');
    const token = (await devToken(beacon.url, user, ['user'])).token;
    if (!(await routeExists(beacon.url, '/api/jobs', token))) return t.skip('no /api/jobs on this server yet');
    const page = await (await userContext(user)).newPage();
    await page.goto('/jobs');
    await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 30_000 });

    await page.getByLabel('Items').fill('20');
    await page.getByLabel('Delay per item (ms)').fill('100');
    await page.getByRole('button', { name: 'Start job' }).click();
    const first = page.locator('[data-testid="jobs-list"] li').first();
    const bar = first.getByRole('progressbar');
    await waitUntil(async () => { const v = Number(await bar.getAttribute('aria-valuenow')); return v > 0 && v < 100; }, 'the bar part way', 30_000);
    await first.and(page.locator('[data-status="succeeded"]')).waitFor({ timeout: 60_000 });
    assert.equal(await bar.getAttribute('aria-valuenow'), '100');
    assert.match(await first.getByTestId('job-result').innerText(), /"imported": 20/);
    await screenshot(page, 'jobs');

    await page.getByLabel('Delay per item (ms)').fill('10');
    await page.getByLabel('Fail at item').fill('3');
    await page.getByRole('button', { name: 'Start job' }).click();
    const failed = page.locator('[data-testid="jobs-list"] li').first();
    await failed.and(page.locator('[data-status="failed"]')).waitFor({ timeout: 60_000 });
    assert.match(await failed.getByTestId('job-error').innerText(), /Item 3 of 20/);

    await page.getByLabel('Fail at item').fill('');
    await page.getByLabel('Items').fill('500');
    await page.getByLabel('Delay per item (ms)').fill('200');
    await page.getByRole('button', { name: 'Start job' }).click();
    const slow = page.locator('[data-testid="jobs-list"] li').first();
    await slow.and(page.locator('[data-status="running"]')).waitFor({ timeout: 30_000 });
    await slow.getByRole('button', { name: /^Cancel job/ }).click();
    await slow.and(page.locator('[data-status="cancelled"]')).waitFor({ timeout: 30_000 });
    await screenshot(page, 'jobs-failed-cancelled');
  });

  it('two users in two browser contexts chat with typing and presence', async (t) => {
    const [alice, bob] = [uid('alice'), uid('bob')];
    const token = (await devToken(beacon.url, alice, ['user'])).token;
    if (!(await routeExists(beacon.url, '/api/conversations', token))) return t.skip('no /api/conversations on this server yet');
    const created = await call(beacon.url, '/api/conversations', { token, body: { title: null, memberIds: [bob] } });
    assert.equal(created.status, 201, JSON.stringify(created));
    const bobContext = await userContext(bob);
    const [pa, pb] = [await (await userContext(alice)).newPage(), await bobContext.newPage()];
    await Promise.all([pa.goto('/chat'), pb.goto('/chat')]);
    // alice started the conversation, so bob sees her; bob shows himself to alice only once he writes in it.
    await pb.locator(`.presence[data-user="${alice}"][data-presence="online"]`).waitFor({ timeout: 15_000 });
    await pa.locator(`.presence[data-user="${bob}"][data-presence="unknown"]`).waitFor({ timeout: 15_000 });

    await pb.getByLabel('Message', { exact: true }).fill('hello ali');
    await pa.getByTestId('typing').filter({ hasText: `${bob} is typing` }).waitFor({ timeout: 5_000 });
    await pb.getByRole('button', { name: 'Send' }).click();
    await pa.getByTestId('messages').getByText('hello ali').waitFor({ timeout: 5_000 });
    await pa.locator(`.presence[data-user="${bob}"][data-presence="online"]`).waitFor({ timeout: 15_000 });
    await pa.getByTestId('typing').filter({ hasText: /^$/ }).waitFor({ timeout: 5_000 });
    await pa.getByLabel('Message', { exact: true }).fill('hi bob');
    await pa.getByRole('button', { name: 'Send' }).click();
    await pb.getByTestId('messages').getByText('hi bob').waitFor({ timeout: 5_000 });
    await screenshot(pa, 'chat-alice');
    await screenshot(pb, 'chat-bob');

    await bobContext.close();
    await pa.locator(`.presence[data-user="${bob}"][data-presence="offline"]`).waitFor({ timeout: 15_000 });
  });

  it('live analytics counts visitors from other browsers and shows metrics as they are published', async (t) => {
    const token = admin.token;
    if (!(await routeExists(beacon.url, '/api/analytics/live', token))) return t.skip('no /api/analytics on this server yet');
    const page = await (await userContext(uid('analyst'), ['user', 'admin'])).newPage();
    await page.goto('/analytics');
    await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 30_000 });
    const visitors = page.getByTestId('visitors');
    await waitUntil(async () => /^\d+$/.test(await visitors.innerText()), 'a visitor count', 15_000);
    const before = Number(await visitors.innerText());

    // Two more browsers (each its own visitor id) and one plain API view.
    for (const name of ['reader-1', 'reader-2']) {
      const context = await browser.newContext({ baseURL: beacon.url });
      contexts.push(context);
      await (await context.newPage()).goto('/');
    }
    const view = await call(beacon.url, '/api/analytics/pageview', { body: { path: '/pricing', referrer: null, visitorId: uid('api') } });
    assert.equal(view.status, 202, JSON.stringify(view));
    await waitUntil(async () => Number(await visitors.innerText()) >= before + 3, `visitors to reach ${before + 3}`, 15_000);
    await page.getByTestId('top-paths').getByText('/pricing').waitFor({ timeout: 15_000 });

    const metric = uid('orders_per_minute');
    await publish(beacon.url, 'metrics_update', { metric, value: 42, change: 5 }, { all: true });
    await page.locator(`[data-testid="metrics-table"] tr[data-metric="${metric}"]`).filter({ hasText: '42' }).waitFor({ timeout: 5_000 });
    await publish(beacon.url, 'metrics_update', { metric, value: 40, change: -2 }, { all: true });
    await page.locator(`tr[data-metric="${metric}"]`).filter({ hasText: '▼ 2' }).waitFor({ timeout: 5_000 });
    await page.locator('tr[data-metric="page_views"]').waitFor({ timeout: 5_000 });
    await screenshot(page, 'analytics');
  });

  it('a page view reports the external referrer on arrival and the previous page after an in-app navigation', async () => {
    const context = await browser.newContext({ baseURL: beacon.url });
    contexts.push(context);
    const page = await context.newPage();
    const views = [];
    page.on('request', (r) => { if (r.url().endsWith('/api/analytics/pageview')) views.push(r.postDataJSON()); });
    await page.goto('/', { referer: 'https://news.example/item?id=7' });
    await waitUntil(async () => views.some((v) => v.path === '/'), 'the first page view', 15_000);
    await page.locator('a[href="/login"]').first().click();
    await waitUntil(async () => views.some((v) => v.path === '/login'), 'the page view after navigating', 15_000);
    assert.equal(views.find((v) => v.path === '/').referrer, 'https://news.example/item?id=7');
    assert.equal(views.find((v) => v.path === '/login').referrer, `${new URL(beacon.url).origin}/`);
  });

  it('every page renders without script errors', async () => {
    const page = await (await userContext(uid('pages'), ['user', 'publisher'])).newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    for (const [path, name] of [['/', 'home'], ['/login', 'login'], ['/notifications', 'notifications-page'], ['/jobs', 'jobs-page'], ['/chat', 'chat-page'], ['/analytics', 'analytics-page']]) {
      await page.goto(path);
      await page.locator('h1').first().waitFor();
      await connectionState(page).filter({ hasText: /Connected/ }).waitFor({ timeout: 30_000 });
      await sleep(300);
      await screenshot(page, name);
    }
    assert.deepEqual(errors, []);
  });
});

/** A page in a fresh context whose errors, content-policy violations among them (reported on the console), are collected. */
async function watchedPage() {
  const context = await browser.newContext({ baseURL: beacon.url, viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return { page, problems };
}

describe('API reference', () => {
  it('Scalar renders the OpenAPI document under the app\'s content policy, loading nothing from elsewhere', async () => {
    const { page, problems } = await watchedPage();
    page.on('request', (r) => { if (new URL(r.url()).origin !== beacon.url) problems.push(`request elsewhere: ${r.url()}`); });
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));

    await page.goto('/scalar/');
    await page.getByRole('heading', { name: 'Beacon API' }).waitFor({ timeout: 30_000 });
    for (const tag of ['Events', 'Notifications', 'Jobs', 'Messaging']) {
      await page.getByText(tag, { exact: true }).first().waitFor({ timeout: 10_000 });
    }
    await screenshot(page, 'api-reference');
    assert.deepEqual(problems, []);
  });
});

describe('plain EventSource demo', () => {
  it('connects and shows the demo events under a content policy that refuses inline scripts', async () => {
    const { page, problems } = await watchedPage();
    const response = await page.goto('/sse-demo.html');
    assert.doesNotMatch(response.headers()['content-security-policy'], /script-src[^;]*'unsafe-inline'/);
    await page.fill('#userId', uid('plain'));
    await page.click('#connect');
    await page.locator('#state[data-state="connected"]').waitFor({ timeout: 30_000 });
    await page.click('#demo');
    // connected, then the six demo events.
    await waitUntil(async () => Number(await page.locator('#count').innerText()) >= 7, 'the six demo events in the log', 15_000);
    await screenshot(page, 'sse-demo-plain');
    assert.deepEqual(problems, []);
  });
});
