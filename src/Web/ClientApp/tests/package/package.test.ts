// The npm package as a team would get it: `npm pack` (which builds it), the tarball installed into a throwaway
// project outside this repository, then used from there by Node and by tsc. React comes from this app's
// node_modules through file: links, so nothing is downloaded.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const clientApp = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = join(clientApp, 'node_modules/typescript/bin/tsc');

let work: string;
let consumer: string;
let installed: string;
let tarballEntries: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'beacon-package-'));
  await run('npm', ['pack', '--pack-destination', work], { cwd: join(clientApp, 'npm') });
  const tarballs = (await readdir(work)).filter((f) => f.endsWith('.tgz'));
  expect(tarballs).toHaveLength(1);
  const tarball = join(work, tarballs[0]);
  tarballEntries = (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);

  consumer = join(work, 'consumer');
  await cp(join(clientApp, 'tests/package/consumer'), consumer, { recursive: true });
  const link = (name: string) => `file:${join(clientApp, 'node_modules', name)}`;
  await writeFile(join(consumer, 'package.json'), JSON.stringify({
    name: 'beacon-consumer',
    private: true,
    type: 'module',
    dependencies: { '@beacon/client': `file:${tarball}`, react: link('react'), 'react-dom': link('react-dom'), '@types/react': link('@types/react') },
  }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--cache', join(work, 'npm-cache')],
    { cwd: consumer });
  installed = join(consumer, 'node_modules/@beacon/client');
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('@beacon/client, packed and installed', () => {
  it('exports the public API from each entry point in Node, keeps the internals out of reach, and runs on the app\'s React', async () => {
    const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: consumer, timeout: 30_000 });
    const result = JSON.parse(stdout);
    expect(result.core).toEqual([
      'BeaconClient', 'CONTROL_EVENT_TYPES', 'EventCache', 'KNOWN_EVENT_TYPES', 'SharedBeaconClient', 'browserEnvironment', 'canShareAcrossTabs', 'watchTopicPresence',
    ]);
    expect(result.react).toEqual(['BeaconProvider', 'forgetCachedEvents', 'useBeacon', 'useCachedEvents', 'useEvent', 'useResetRefetch', 'useSSE', 'useTopicPresence']);
    expect(result.deepImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(result.rendered).toBe('<p>idle, one BeaconClient class: true</p>');
  }, 30_000);

  // Each resolution a consumer's tsconfig may use; the fixtures' @ts-expect-error lines make types that decayed to
  // `any` an error too.
  it.each([
    ['bundler', 'esnext', false],
    ['nodenext', 'nodenext', true],
    ['node10', 'esnext', true],
  ])('type-checks a plain and a React consumer against the packed .d.ts (moduleResolution %s)', async (moduleResolution, module, skipLibCheck) => {
    const config = `tsconfig.${moduleResolution}.json`;
    await writeFile(join(consumer, config), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', lib: ['ES2022', 'DOM'], module, moduleResolution, jsx: 'react-jsx', strict: true, noEmit: true,
        // The package's own .d.ts files are checked once (with bundler), TypeScript's DOM lib never: both are slow.
        skipLibCheck,
        skipDefaultLibCheck: true,
        // No Node types: a declaration that leaked NodeJS.Timeout would not compile in a browser app.
        types: [],
      },
      files: ['plain.ts', 'react.tsx'],
    }));
    const outcome = await run(process.execPath, [tsc, '-p', config], { cwd: consumer }).then(() => '', (e) => `${e.stdout}${e.stderr}`);
    expect(outcome).toBe('');
  }, 60_000);

  it('packs only the build output and the README: no tests, no app code, no React', async () => {
    const files = tarballEntries.map((e) => e.replace(/^package\//, ''));
    expect(files.filter((f) => f !== 'package.json' && f !== 'README.md' && !f.startsWith('dist/'))).toEqual([]);
    expect(files.filter((f) => /test|fixture/i.test(f))).toEqual([]);
    for (const entry of ['dist/index.js', 'dist/react.js', 'dist/types/package/index.d.ts', 'dist/types/package/react.d.ts']) {
      expect(files).toContain(entry);
    }

    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependencies).toHaveProperty('react');
    expect(manifest.sideEffects).toBe(false);
    for (const target of Object.values<Record<string, string>>({ ...manifest.exports, './package.json': undefined })) {
      if (target) for (const path of Object.values(target)) expect(files).toContain(path.replace(/^\.\//, ''));
    }

    const scripts = files.filter((f) => f.endsWith('.js'));
    const code = await Promise.all(scripts.map((f) => readFile(join(installed, f), 'utf8')));
    const all = code.join('\n');
    // React stays an import; its runtime (the element symbol its JSX runtime creates) is not in the package.
    expect(all).toMatch(/from "react"/);
    expect(all).not.toContain('react.transitional.element');
    // One copy of the client, shared by both entry points.
    expect(all.match(/\bBeaconClient = class\b|\bclass BeaconClient\b/g)).toHaveLength(1);
    // Nothing of the app: its API helper, its sign-in, its module routes.
    expect(all).not.toMatch(/beacon:auth|\/api\/notifications|\/api\/jobs|\/api\/presence/);

    for (const map of files.filter((f) => f.endsWith('.map'))) {
      const { sources, sourcesContent } = JSON.parse(await readFile(join(installed, map), 'utf8'));
      for (const source of sources) expect(source).toMatch(/^(\.\.\/)+src\/(realtime|react|package)\/\w+\.tsx?$/);
      for (const content of sourcesContent ?? []) expect(content).not.toMatch(/from '\.\.\/(api|auth|router|pages|components)/);
    }
  });
});
