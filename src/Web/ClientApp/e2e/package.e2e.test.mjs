// End-to-end: the packed npm package (@beacon/client) on another team's page. The tarball is unpacked and served
// by a tiny static server on its own origin, the page loads the ES module build through an import map (no
// bundler, no app code), and a real Beacon process, which allows that origin (Cors:AllowedOrigins), delivers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, launchBrowser, publish, startBeacon } from './harness.mjs';

const run = promisify(execFile);
const clientApp = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const PAGE = `<!doctype html>
<html>
<head>
  <meta charset="utf-8">
  <title>Another team's page</title>
  <script type="importmap">{ "imports": { "@beacon/client": "/node_modules/@beacon/client/dist/index.js" } }</script>
  <script type="module">
    import { BeaconClient } from '@beacon/client';
    const params = new URLSearchParams(location.search);
    const client = new BeaconClient({ url: params.get('beacon'), userId: params.get('user') });
    window.received = [];
    client.on('notification', (e) => window.received.push({ id: e.id, data: e.data, transport: e.transport }));
    window.beacon = client;
    client.connect();
  </script>
</head>
<body><p>Not the Beacon app.</p></body>
</html>`;

const TYPES = { '.js': 'text/javascript', '.map': 'application/json' };

/** Serves the page at / and the unpacked package under /node_modules/@beacon/client/. */
function servePage(packageDir, port) {
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url, 'http://page');
    const prefix = '/node_modules/@beacon/client/';
    if (pathname === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
      return;
    }
    const file = pathname.startsWith(prefix) ? resolve(packageDir, pathname.slice(prefix.length)) : '';
    const body = file.startsWith(packageDir + sep) ? await readFile(file).catch(() => undefined) : undefined;
    if (body === undefined) response.writeHead(404).end();
    else response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

/** `npm pack` (which builds the package) into `dir`, unpacked there; returns the package folder. */
async function packAndUnpack(dir) {
  await run('npm', ['pack', '--pack-destination', dir], { cwd: join(clientApp, 'npm') });
  const [tarball] = (await readdir(dir)).filter((f) => f.endsWith('.tgz'));
  await run('tar', ['-xzf', join(dir, tarball), '-C', dir]);
  return join(dir, 'package');
}

let work;
let beacon;
let browser;
let server;
let pageOrigin;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'beacon-package-e2e-'));
  const pagePort = await freePort();
  pageOrigin = `http://127.0.0.1:${pagePort}`;
  let packageDir;
  [packageDir, beacon, browser] = await Promise.all([
    packAndUnpack(work),
    startBeacon({ settings: { 'Cors:AllowedOrigins:0': pageOrigin }, name: 'beacon (package)' }),
    launchBrowser(),
  ]);
  server = await servePage(packageDir, pagePort);
});

after(async () => {
  await browser?.close();
  await beacon?.stop();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
  if (work) await rm(work, { recursive: true, force: true });
});

describe('@beacon/client from the packed tarball, on a page of another origin', () => {
  it('connects over SSE, receives a published event, and resumes what was published while it was away', async () => {
    const user = `package-${Math.random().toString(36).slice(2, 8)}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${pageOrigin}/?beacon=${encodeURIComponent(beacon.url)}&user=${user}`);
    await page.waitForFunction(() => window.beacon?.status.state === 'connected', null, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => window.beacon.status.transport), 'sse');
    assert.equal(await page.evaluate(() => window.beacon.status.userId), user);

    const first = await publish(beacon.url, 'notification', { title: 'to the package' }, { users: [user] });
    await page.waitForFunction((id) => window.received.some((e) => e.id === id), first, { timeout: 15_000 });
    assert.deepEqual(await page.evaluate(() => window.received), [{ id: first, data: { title: 'to the package' }, transport: 'sse' }]);

    await page.evaluate(() => window.beacon.disconnect());
    const missed = [];
    for (let i = 0; i < 2; i++) missed.push(await publish(beacon.url, 'notification', { title: `while away #${i}` }, { users: [user] }));
    await page.evaluate(() => window.beacon.connect());
    await page.waitForFunction((ids) => ids.every((id) => window.received.some((e) => e.id === id)), missed, { timeout: 15_000 });
    assert.deepEqual(await page.evaluate(() => window.received.map((e) => e.id)), [first, ...missed], 'each event once, in order');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
