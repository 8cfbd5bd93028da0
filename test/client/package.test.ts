/**
 * The client as a consumer gets it: `npm pack` of this project, the tarball installed offline into a
 * fresh project (from npm's cache only), a consumer written in TypeScript that imports the package by
 * name, type-checked with this project's TypeScript, then run against a server on port 0.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { DEMO_ACCOUNT_ID, startServer, type RunningServer } from '../../src/server/start';
import { ROOT } from '../helpers/run';

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const ROOT_PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string; version: string; license: string; dependencies: Record<string, string>; engines?: Record<string, string>;
};

/** The environment for nested npm: without the npm_* variables of an enclosing `npm test`. */
const npmEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

function run(command: string, args: string[], cwd: string, timeout = 120_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: { ...npmEnv(), NO_COLOR: '1' }, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

interface PackInfo { filename: string; size: number; unpackedSize: number; entryCount: number; files: Array<{ path: string; size: number }> }

/**
 * A package-lock for the consumer: the tarball, and this project's locked production packages
 * (same versions, same `resolved` and `integrity`), so `npm install --offline` needs no registry
 * metadata, only the tarballs `npm ci` left in npm's cache.
 */
function consumerLock(name: string, tarballFile: string, tarballBytes: Buffer): Record<string, unknown> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  const packages: Record<string, unknown> = {
    '': { name, version: '1.0.0', dependencies: { [ROOT_PACKAGE.name]: `file:${tarballFile}` } },
    [`node_modules/${ROOT_PACKAGE.name}`]: {
      version: ROOT_PACKAGE.version,
      resolved: `file:${tarballFile}`,
      integrity: `sha512-${createHash('sha512').update(tarballBytes).digest('base64')}`,
      license: ROOT_PACKAGE.license,
      dependencies: ROOT_PACKAGE.dependencies,
      ...(ROOT_PACKAGE.engines ? { engines: ROOT_PACKAGE.engines } : {}),
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith('node_modules/') && !entry.dev && !entry.devOptional) packages[path] = entry;
  }
  return { name, version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

const CONSUMER_TS = `
import { createMdmUsersClient, MdmUsersError, NotFoundError, type UpdateUserData } from 'mdm-users';
import type { components, paths } from 'mdm-users/types';

type User = components['schemas']['User'];
const path: keyof paths = '/unified/mdm/users/{id}';

async function main(): Promise<void> {
  const [baseUrl, token, account] = process.argv.slice(2) as [string, string, string];
  const client = createMdmUsersClient({ baseUrl, token, timeoutMs: 10_000 });

  const example = await client.updateUser({
    id: '23423523',
    query: { integrated_account_id: account, truto_response_format: 'unified', truto_exclude_fields: ['id', 'name'], remote_query: { foo: 'bar' } },
    body: { name: 'jdoe2' },
  });
  const user: UpdateUserData<'unified'> = example.data;

  const raw = await client.PATCH(path, { params: { path: { id: '23423523' }, query: { integrated_account_id: account } }, body: { name: 'jdoe2' } });
  const named: User['name'] | undefined = typeof raw.data === 'object' && 'name' in raw.data ? raw.data.name : undefined;

  let notFound: { status: number; message: string; isError: boolean } | undefined;
  try {
    await client.updateUser({ id: '1', query: { integrated_account_id: '00000000-0000-4000-8000-000000000000' }, body: { name: 'x' } });
  } catch (err) {
    if (err instanceof NotFoundError) notFound = { status: err.status, message: err.envelope.message, isError: err instanceof MdmUsersError };
  }

  // The types are the spec's: these must not compile.
  // @ts-expect-error the body needs a name
  if (process.env.NEVER) await client.updateUser({ id: '1', query: { integrated_account_id: account }, body: {} });
  // @ts-expect-error the package exposes no server internals
  if (process.env.NEVER) await import('mdm-users/dist/package/src/client/transport');

  process.stdout.write(JSON.stringify({ user, named, notFound, status: raw.response.status }));
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
`;

const CONSUMER_MJS = `
import { createMdmUsersClient, MdmUsersError, TooManyRequestsError } from 'mdm-users';
import * as types from 'mdm-users/types';
import pkg from 'mdm-users/package.json' with { type: 'json' };
const client = createMdmUsersClient({ baseUrl: 'http://127.0.0.1:1', token: 't' });
process.stdout.write(JSON.stringify({
  factory: typeof createMdmUsersClient, patch: typeof client.PATCH, updateUser: typeof client.updateUser,
  errors: typeof MdmUsersError === 'function' && Object.getPrototypeOf(TooManyRequestsError) === MdmUsersError,
  types: typeof types, name: pkg.name,
}));
`;

describe('the npm package: packed, installed offline, used by a TypeScript consumer', () => {
  const work = mkdtempSync(join(tmpdir(), 'mdm-users-package-'));
  const consumer = join(work, 'consumer');
  let pack: PackInfo;
  let running: RunningServer;
  const timings: Record<string, number> = {};

  async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await step();
    } finally {
      timings[what] = Date.now() - started;
    }
  }

  beforeAll(async () => {
    await timed('build:package', () => run(process.execPath, [TSC, '-p', join('scripts', 'tsconfig.package.json')], ROOT));
    const { stdout } = await timed('npm pack', () => run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT));
    pack = (JSON.parse(stdout) as PackInfo[])[0] as PackInfo;
    running = await startServer(
      readConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MDM_RESPONSE_VALIDATION: 'fail', MDM_RATE_LIMIT_PER_TOKEN: 'off' }),
      createLogger('silent'),
    );
  }, 180_000);

  afterAll(async () => {
    await running?.close();
    rmSync(work, { recursive: true, force: true });
    console.log(`package test timings (ms): ${JSON.stringify(timings)}; tarball ${pack?.size} bytes, ${pack?.entryCount} files`);
  });

  it('packs the built client (JS and .d.ts), the generated types and the spec, and no TypeScript source or server code', () => {
    const files = pack.files.map((f) => f.path).sort();
    expect(files).toEqual(expect.arrayContaining([
      'package.json',
      'dist/package/src/client/index.js', 'dist/package/src/client/index.d.ts',
      'dist/package/src/client/errors.js', 'dist/package/src/client/transport.js', 'dist/package/src/client/query-serializer.js',
      'dist/package/generated/mdm-users.d.ts',
      'openapi/mdm-users.yaml',
    ]));
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(server|jamf|test|bench|scripts)\//.test(f) || f.endsWith('.map'))).toEqual([]);
    expect(pack.size).toBeLessThan(200_000);
  });

  it('installs offline into a fresh project from npm\'s cache, bringing openapi-fetch along', async () => {
    mkdirSync(consumer, { recursive: true });
    const tarball = join(work, pack.filename);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'mdm-users-consumer', version: '1.0.0', private: true, dependencies: { [ROOT_PACKAGE.name]: `file:../${pack.filename}` } }, null, 2));
    writeFileSync(join(consumer, 'package-lock.json'), JSON.stringify(consumerLock('mdm-users-consumer', `../${pack.filename}`, readFileSync(tarball)), null, 2));
    await timed('npm install --offline', () => run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], consumer, 170_000)).catch((err: Error) => {
      if (/ENOTCACHED/.test(err.message)) {
        throw new Error(`npm's cache lacks a tarball of this project's dependencies; \`npm ci\` fills it (CI runs it first). ${err.message}`);
      }
      throw err;
    });
    const installed = JSON.parse(readFileSync(join(consumer, 'node_modules', 'mdm-users', 'package.json'), 'utf8')) as { dependencies: Record<string, string>; exports: Record<string, unknown> };
    expect(installed.dependencies['openapi-fetch']).toBe(ROOT_PACKAGE.dependencies['openapi-fetch']);
    expect(Object.keys(installed.exports)).toEqual(expect.arrayContaining(['.', './types']));
    expect(existsSync(join(consumer, 'node_modules', 'openapi-fetch', 'package.json'))).toBe(true);
    expect(existsSync(join(consumer, 'node_modules', 'mdm-users', 'src'))).toBe(false);
  }, 180_000);

  it('type-checks a consumer importing "mdm-users" and "mdm-users/types" by name (strict, library checks on)', async () => {
    writeFileSync(join(consumer, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, lib: ['ES2023', 'DOM'], types: [],
        skipLibCheck: false, noEmitOnError: true, outDir: 'out', rootDir: '.',
      },
      files: ['consumer.ts'],
    }, null, 2));
    // `process` without @types/node: the consumer declares the little it uses.
    writeFileSync(join(consumer, 'env.d.ts'), 'declare const process: { argv: string[]; env: Record<string, string | undefined>; stdout: { write(s: string): void }; exit(code: number): never };\n');
    const tsconfig = JSON.parse(readFileSync(join(consumer, 'tsconfig.json'), 'utf8')) as { files: string[] };
    tsconfig.files.push('env.d.ts');
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    await timed('tsc consumer', () => run(process.execPath, [TSC, '-p', 'tsconfig.json'], consumer));
    expect(existsSync(join(consumer, 'out', 'consumer.js'))).toBe(true);
  }, 120_000);

  it('runs the consumer against the server: the reference example, the raw call and a typed 404', async () => {
    const { stdout } = await timed('run consumer', () => run(process.execPath, [join('out', 'consumer.js'), running.url, String(running.tokens[0]), DEMO_ACCOUNT_ID], consumer, 60_000));
    const result = JSON.parse(stdout) as { user: Record<string, unknown>; named: string; notFound: { status: number; message: string; isError: boolean }; status: number };
    expect(result.user).not.toHaveProperty('id');
    expect(result.user).not.toHaveProperty('name');
    expect(result.user).toMatchObject({ remote_data: { id: 23423523, name: 'jdoe2' } });
    expect(result.status).toBe(200);
    expect(result.named).toBe('jdoe2');
    expect(result.notFound).toEqual({ status: 404, message: expect.stringContaining('00000000-0000-4000-8000-000000000000'), isError: true });
  }, 60_000);

  it('loads in an ES module consumer too, with named imports', async () => {
    writeFileSync(join(consumer, 'consumer.mjs'), CONSUMER_MJS);
    const { stdout } = await run(process.execPath, ['consumer.mjs'], consumer);
    expect(JSON.parse(stdout)).toEqual({ factory: 'function', patch: 'function', updateUser: 'function', errors: true, types: 'object', name: 'mdm-users' });
  });
});
