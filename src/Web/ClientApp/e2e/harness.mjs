// Shared pieces of the end-to-end tests: Beacon (and Redis) as real processes, Debian's Chromium through
// playwright-core, API helpers and screenshots. No browser is downloaded: /usr/bin/chromium is used.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../../..');
export const webRoot = join(repoRoot, 'src/Web');
export const artifacts = process.env.BEACON_E2E_ARTIFACTS ?? join(repoRoot, 'tests/Integration/artifacts');

/** The Beacon.Web.dll to run: BEACON_DLL, else the newest of the Release and Debug builds. */
export function beaconDll() {
  if (process.env.BEACON_DLL) return process.env.BEACON_DLL;
  const candidates = ['Release', 'Debug']
    .map((c) => join(webRoot, `bin/${c}/net10.0/Beacon.Web.dll`))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (candidates.length === 0) throw new Error('Build Beacon first (dotnet build), or set BEACON_DLL.');
  return candidates[0];
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * Starts Beacon as a separate process (Development, anonymous mode on, rate limits opened up for tests, a 2 s
 * ping, its own SQLite file). `settings` are extra configuration keys. Returns { url, port, stop, kill }.
 */
export async function startBeacon({ port, settings = {}, name = 'beacon' } = {}) {
  port ??= await freePort();
  const db = join(tmpdir(), `beacon-e2e-${process.pid}-${port}.db`);
  const config = {
    'Logging:LogLevel:Default': 'Warning',
    'Logging:LogLevel:Microsoft.AspNetCore': 'Error',
    'RateLimiting:SseConnections:PermitLimit': '100000',
    'RateLimiting:Publish:PermitLimit': '1000000',
    // Every page records a view from the one loopback address.
    'RateLimiting:PageViews:PermitLimit': '1000000',
    'RateLimiting:LongPolls:PermitLimit': '1000000',
    // Every signed-in connect takes a ticket first.
    'RateLimiting:Tickets:PermitLimit': '1000000',
    // The chat test watches a contact go offline; the 5 s reconnect guard would only slow it down.
    'Presence:OfflineGraceSeconds': '1',
    'Realtime:PingIntervalSeconds': '2',
    'ConnectionStrings:Redis': '',
    'ConnectionStrings:Postgres': '',
    'ConnectionStrings:Sqlite': `Data Source=${db}`,
    ...settings,
  };
  const args = [beaconDll(), `--urls=http://127.0.0.1:${port}`, '--environment=Development', `--contentRoot=${webRoot}`,
    ...Object.entries(config).map(([k, v]) => `--${k}=${v}`)];
  const child = spawn('dotnet', args, { cwd: webRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
      return (await fetch(`${url}/health/live`)).ok;
    }, `${name} on ${url}`);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const exited = new Promise((r) => child.once('exit', r));
  return {
    url,
    port,
    output: () => output,
    /** SIGKILL: a node that dies without a chance to clean up. */
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    /** SIGTERM: graceful shutdown. */
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
      await exited;
    },
  };
}

/** A throwaway redis-server on a free port, or null when redis-server is not installed. */
export async function startRedis() {
  const which = spawn('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
  if ((await new Promise((r) => which.once('exit', r))) !== 0) return null;
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitUntil(() => new Promise((ok) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      ok(true);
    });
    socket.once('error', () => ok(false));
  }), 'redis-server');
  const exited = new Promise((r) => child.once('exit', r));
  return {
    connection: `127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Debian's Chromium, headless. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A dev token from POST /api/auth/dev-token. */
export async function devToken(base, userId, roles = ['user'], lifetimeMinutes = 60) {
  const response = await fetch(`${base}/api/auth/dev-token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, roles, lifetimeMinutes }),
  });
  if (!response.ok) throw new Error(`dev-token: ${response.status} ${await response.text()}`);
  const body = await response.json();
  return { userId, roles, token: body.accessToken, expiresAt: body.expiresAt, lifetimeMinutes };
}

/** A browser context signed in as `userId` (the app reads its auth from localStorage). */
export async function signedInContext(browser, base, userId, roles = ['user']) {
  const auth = await devToken(base, userId, roles);
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  await context.addInitScript((value) => {
    if (!localStorage.getItem('beacon:auth')) localStorage.setItem('beacon:auth', value);
  }, JSON.stringify(auth));
  return context;
}

let publisher;
/** POST /api/events as a publisher; returns the event id. */
export async function publish(base, type, data, audience) {
  publisher ??= new Map();
  if (!publisher.has(base)) publisher.set(base, (await devToken(base, 'e2e-publisher', ['publisher'])).token);
  const response = await fetch(`${base}/api/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${publisher.get(base)}` },
    body: JSON.stringify({ type, data, audience }),
  });
  if (response.status !== 202) throw new Error(`publish: ${response.status} ${await response.text()}`);
  return (await response.json()).id;
}

/** GET/POST/DELETE against the API with a token; returns { status, body }. */
export async function call(base, path, { token, method, body } = {}) {
  method ??= body !== undefined ? 'POST' : 'GET';
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}

/** Whether a module route exists (anything but 404/405). */
export async function routeExists(base, path, token) {
  const { status } = await call(base, path, { token });
  return status !== 404 && status !== 405;
}

/** Saves a full-page screenshot under tests/Integration/artifacts/. */
export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The connection badge's text, e.g. "Connected · SSE". */
export const connectionState = (page) => page.getByTestId('connection-state');

/** Ids in the demo page's event log, in log order (newest first). */
export function logIds(page) {
  return page.locator('[data-testid="event-log"] li[data-id]:not(.cached)').evaluateAll((items) => items.map((li) => li.dataset.id).filter(Boolean));
}

export { sleep, waitUntil };
