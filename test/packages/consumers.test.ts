/**
 * The two packages as consumers get them: `npm run pack:client` and `npm run pack:server`, the
 * tarballs installed offline into fresh `npm init -y` projects (see consumer-project.ts), then used
 * from outside: the README's client example type-checked and run in a CommonJS and an ES module
 * project, the consumer jest test of docs/usage.md run against the packaged mock, `npx mdm-users`
 * answering the reference request, and a 50 MB `stream` answer read through the client.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '../../src/mock';
import { bannerOf, firstLine, spawnGroup, stopGroup } from './consumer-processes';
import { fencedBlock, installedNames, ROOT, run, seedLock } from './consumer-project';
import { CLIENT_TYPE_CHECKS, LARGE_MOCK_JS, MOCK_TYPE_CHECKS, READ_STREAM_JS } from './consumer-sources';

const ROOT_MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string; engines: Record<string, string>; dependencies: Record<string, string> };
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string> }> };
/** Packages of the server that must never come with the client. */
const SERVER_PACKAGES = ['express', 'express-openapi-validator', 'pino', 'undici', 'fast-xml-parser', 'yaml', 'qs'];
const ACCOUNT = '62f44730-dd91-461e-bd6a-aedd9e0ad79d';
const MiB = 1024 * 1024;

interface Packed { tarball: string; files: string[]; manifest: Record<string, unknown> }

function packed(name: string): Packed {
  const tarball = join(ROOT, 'dist', 'packs', `${name}-${ROOT_MANIFEST.version}.tgz`);
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, '')).sort();
  const manifest = JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
  return { tarball, files, manifest };
}

/** A fresh project: `npm init -y`, an ES module one when asked. */
async function freshProject(dir: string, esm = false): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await run('npm', ['init', '-y'], dir);
  if (esm) await run('npm', ['pkg', 'set', 'type=module'], dir);
  return dir;
}

const npmInstall = (dir: string, args: string[]) => run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...args], dir, { timeout: 240_000 });

describe('the client and server packages, installed offline into fresh projects', () => {
  const work = mkdtempSync(join(tmpdir(), 'mdm-users-packages-'));
  let client: Packed;
  let server: Packed;
  let mock: MockServer;

  beforeAll(async () => {
    await run('npm', ['run', 'pack:client'], ROOT, { timeout: 240_000 });
    await run('npm', ['run', 'pack:server'], ROOT, { timeout: 240_000 });
    client = packed('mdm-users-client');
    server = packed('mdm-users-server');
    mock = await startMockServer();
  }, 300_000);

  afterAll(async () => {
    await mock?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('packs the client as built JS, declarations, the spec and the README, depending on openapi-fetch only', () => {
    const allowed = (f: string) => /^dist\/.+\.(js|d\.ts)$/.test(f) || ['package.json', 'README.md', 'openapi/mdm-users.yaml'].includes(f);
    expect(client.files.filter((f) => !allowed(f))).toEqual([]);
    expect(client.files).toEqual(expect.arrayContaining([
      'dist/src/client/index.js', 'dist/src/client/index.d.ts', 'dist/src/client/transport.js', 'dist/generated/mdm-users.d.ts',
      'openapi/mdm-users.yaml', 'README.md', 'package.json',
    ]));
    expect(client.files.filter((f) => /\/(server|jamf|mock)\//.test(f))).toEqual([]);
    expect(client.manifest).toMatchObject({ name: 'mdm-users-client', version: ROOT_MANIFEST.version, dependencies: { 'openapi-fetch': '0.17.0' } });
    expect(client.manifest).toMatchObject({ license: ROOT_MANIFEST.license, engines: ROOT_MANIFEST.engines });
    expect(Object.keys(client.manifest.dependencies as object)).toEqual(['openapi-fetch']);
    expect(client.manifest).not.toHaveProperty('private');
    expect(client.manifest).not.toHaveProperty('devDependencies');
    expect(client.manifest).not.toHaveProperty('scripts');
  });

  it('packs the server as built JS, declarations, the spec, its docs page and the README, with the server\'s runtime dependencies', () => {
    const allowed = (f: string) => /^dist\/.+\.(js|d\.ts)$/.test(f) || ['package.json', 'README.md', 'openapi/mdm-users.yaml', 'build/docs/index.html'].includes(f);
    expect(server.files.filter((f) => !allowed(f))).toEqual([]);
    expect(server.files).toEqual(expect.arrayContaining([
      'dist/src/main.js', 'dist/src/mock/bin.js', 'dist/src/mock/index.js', 'dist/src/mock/index.d.ts', 'dist/src/server/start.js',
      'openapi/mdm-users.yaml', 'build/docs/index.html', 'README.md',
    ]));
    expect(server.files.filter((f) => /(^|\/)(test|bench|scripts)\//.test(f))).toEqual([]);
    expect(server.manifest).toMatchObject({ name: 'mdm-users-server', bin: { 'mdm-users': 'dist/src/mock/bin.js' } });
    expect(server.manifest).toMatchObject({ version: ROOT_MANIFEST.version, license: ROOT_MANIFEST.license, engines: ROOT_MANIFEST.engines });
    expect(server.manifest.dependencies).toEqual(ROOT_MANIFEST.dependencies);
    expect(Object.values(ROOT_MANIFEST.dependencies).every((v) => /^\d+\.\d+\.\d+$/.test(v))).toBe(true);
    expect(server.manifest).not.toHaveProperty('devDependencies');
    expect(execFileSync('tar', ['-xOzf', server.tarball, 'package/dist/src/mock/bin.js'], { encoding: 'utf8' })).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  describe.each([
    { kind: 'CommonJS', esm: false },
    { kind: 'ES module', esm: true },
  ])('the client in a fresh $kind project', ({ esm }) => {
    let dir: string;

    it('installs without any server package: npm ls --all lists openapi-fetch and its own dependencies only', async () => {
      dir = await freshProject(join(work, esm ? 'client-esm' : 'client-cjs'), esm);
      seedLock(dir, ['typescript', '@types/node'], ['openapi-fetch']);
      await npmInstall(dir, [client.tarball]);
      const names = installedNames((await run('npm', ['ls', '--all', '--json'], dir)).stdout);
      expect(names.filter((n) => SERVER_PACKAGES.includes(n.name))).toEqual([]);
      const underClient = names.filter((n) => n.path[0] === 'mdm-users-client' && n.path.length > 1).map((n) => n.name);
      expect(underClient).toContain('openapi-fetch');
      const openapiFetchDeps = Object.keys(LOCK.packages['node_modules/openapi-fetch']?.dependencies ?? {});
      expect(underClient.filter((n) => n !== 'openapi-fetch' && !openapiFetchDeps.includes(n))).toEqual([]);
      console.log(`client consumer (${esm ? 'ESM' : 'CJS'}): ${names.length} packages in npm ls --all, ${new Set(underClient).size + 1} from the client`);
    }, 240_000);

    it('type-checks the README example (copied from README.md) and checks of the package types, then runs the example', async () => {
      writeFileSync(join(dir, 'tsconfig.json'), fencedBlock('README.md', 'client-tsconfig'));
      writeFileSync(join(dir, 'index.ts'), fencedBlock('README.md', 'client-example'));
      writeFileSync(join(dir, 'checks.ts'), CLIENT_TYPE_CHECKS);
      await run('npx', ['--no', '--', 'tsc'], dir);
      const emitted = readFileSync(join(dir, 'dist', 'index.js'), 'utf8');
      expect(emitted).toContain(esm ? 'from \'mdm-users-client\'' : 'require("mdm-users-client")');
      const { stdout } = await run('node', ['dist/index.js'], dir, { env: { MDM_USERS_URL: mock.url, MDM_API_TOKEN: mock.token } });
      expect(stdout.trim()).toBe('John Doe jdoe2');
      expect(mock.jamf.storedUser('23423523')).toMatchObject({ name: 'jdoe2', email: 'john.doe@example.com' });
    }, 180_000);

    it('loads with require and with import, the types entry too, and exports the spec file', async () => {
      const spec = `require('fs').readFileSync(require.resolve('mdm-users-client/openapi.yaml'), 'utf8').split('\\n')[0]`;
      const viaRequire = `const c = require('mdm-users-client'); const t = require('mdm-users-client/types');
        console.log(JSON.stringify([typeof c.createMdmUsersClient, Object.getPrototypeOf(c.ConflictError) === c.MdmUsersError, typeof t, ${spec}]))`;
      const viaImport = `import { createMdmUsersClient, ConflictError, MdmUsersError } from 'mdm-users-client'; import * as t from 'mdm-users-client/types';
        import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
        console.log(JSON.stringify([typeof createMdmUsersClient, Object.getPrototypeOf(ConflictError) === MdmUsersError, typeof t, ${spec}]))`;
      for (const [flag, code] of [['--input-type=commonjs', viaRequire], ['--input-type=module', viaImport]] as const) {
        const { stdout } = await run('node', [flag, '-e', code], dir);
        expect(JSON.parse(stdout)).toEqual(['function', true, 'object', 'openapi: 3.1.0']);
      }
    }, 60_000);
  });

  describe('the server package in a fresh project (with the client and jest)', () => {
    let dir: string;

    it('installs offline with jest', async () => {
      dir = await freshProject(join(work, 'server-consumer'));
      seedLock(dir, ['jest', 'typescript', '@types/node'], Object.keys(ROOT_MANIFEST.dependencies));
      await npmInstall(dir, ['--save-dev', server.tarball, client.tarball]);
      const names = installedNames((await run('npm', ['ls', '--depth=0', '--json'], dir)).stdout).map((n) => n.name);
      expect(names).toEqual(expect.arrayContaining(['mdm-users-server', 'mdm-users-client', 'jest']));
    }, 300_000);

    it('runs the consumer jest test of docs/usage.md against startMockServer(), and type-checks the mock API', async () => {
      writeFileSync(join(dir, 'users.test.js'), fencedBlock('docs/usage.md', 'consumer-test'));
      const { stderr } = await run('npx', ['--no', '--', 'jest', '--ci'], dir, { timeout: 180_000 });
      expect(stderr).toMatch(/Tests:\s+2 passed, 2 total/);
      writeFileSync(join(dir, 'tsconfig.json'), fencedBlock('README.md', 'client-tsconfig'));
      writeFileSync(join(dir, 'mock-types.ts'), MOCK_TYPE_CHECKS);
      await run('npx', ['--no', '--', 'tsc', '--noEmit'], dir);
    }, 240_000);

    it('`npx mdm-users` starts on loopback on a free port and answers the reference request, its docs and its spec', async () => {
      const child = spawnGroup('npx', ['--no', '--', 'mdm-users'], dir, { PORT: '0', LOG_LEVEL: 'warn' });
      try {
        const { url, token } = await bannerOf(child);
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const query = `integrated_account_id=${ACCOUNT}&truto_response_format=unified&truto_exclude_fields[]=id&truto_exclude_fields[]=name&remote_query[foo]=bar`;
        const response = await fetch(`${url}/unified/mdm/users/23423523?${query}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'jdoe2', emails: [{ email: 'john.doe@example.com', type: 'work', is_primary: true }] }),
        });
        const body = (await response.json()) as Record<string, unknown>;
        expect(response.status).toBe(200);
        expect(body).not.toHaveProperty('id');
        expect(body).not.toHaveProperty('name');
        expect(body).toMatchObject({ first_name: 'John', last_name: 'Doe', remote_data: { id: 23423523, name: 'jdoe2' } });
        const docs = await fetch(`${url}/docs`);
        expect(docs.status).toBe(200);
        expect(await docs.text()).toContain('Update a user');
        expect(await (await fetch(`${url}/openapi.yaml`)).text()).toMatch(/^openapi: 3\.1\.0/);
      } finally {
        await stopGroup(child);
      }
    }, 120_000);

    // What holds the client to streaming is the ArrayBuffer bound: a client that buffered the body kept 55 MiB of
    // ArrayBuffers here while its RSS grew only 31 MiB (the warm-up had left freed pages resident for the copy to
    // reuse), under the RSS bound. The streaming client: under 4 MiB of ArrayBuffers; RSS +0 to +18 MiB over three runs.
    // Garbage is collected every 16 chunks (see READ_STREAM_JS), so what is measured is what the client holds on to,
    // not how soon V8 frees chunks already read.
    it('reads a 50 MB stream answer through the client as it arrives: it holds under 16 MB of buffers at any time, and the reader\'s RSS grows by less than 32 MB', async () => {
      writeFileSync(join(dir, 'large-mock.js'), LARGE_MOCK_JS);
      writeFileSync(join(dir, 'read-stream.js'), READ_STREAM_JS);
      const child = spawnGroup('node', ['large-mock.js'], dir);
      try {
        const mocks = await firstLine(child);
        const { stdout } = await run('node', ['--expose-gc', 'read-stream.js', mocks], dir, { timeout: 120_000 });
        type Read = { before: number; peak: number; peakBuffers: number; bytes: number; chunks: number };
        const { warmUp, measured } = JSON.parse(stdout) as { warmUp: Read; measured: Read };
        const growth = (r: Read) => `${(r.before / MiB).toFixed(1)} → ${(r.peak / MiB).toFixed(1)} MiB (+${((r.peak - r.before) / MiB).toFixed(1)})`;
        console.log(`50 MB stream read through the client: ${measured.bytes} bytes in ${measured.chunks} chunks; reader RSS, 8 MB answer ${growth(warmUp)}, 50 MB answer ${growth(measured)}, ArrayBuffers at most ${(measured.peakBuffers / MiB).toFixed(1)} MiB`);
        expect(measured.bytes).toBeGreaterThanOrEqual(50 * MiB);
        expect(measured.chunks).toBeGreaterThan(100);
        expect(measured.peak - measured.before).toBeLessThan(32 * MiB);
        expect(measured.peakBuffers).toBeLessThan(16 * MiB); // a buffered body would hold all 50 MB at once
      } finally {
        await stopGroup(child);
      }
    }, 180_000);
  });
});
