import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../helpers/run';

/**
 * Loads src/server/stores in a fresh Node process (TypeScript compiled on require by @swc/core), calls
 * `createSharedStores(url)` and answers which Redis modules that process then holds.
 */
function redisModulesLoadedBy(url: string | undefined): string[] {
  const script = `
    const { readFileSync } = require('node:fs');
    const { transformSync } = require('@swc/core');
    require.extensions['.ts'] = (module, file) => module._compile(transformSync(readFileSync(file, 'utf8'),
      { filename: file, module: { type: 'commonjs' }, jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }).code, file);
    const stores = require(${JSON.stringify(join(ROOT, 'src', 'server', 'stores'))}).createSharedStores(${JSON.stringify(url)});
    const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](ioredis|redis-semaphore)[\\\\/]|stores[\\\\/]redis[\\\\/]/.test(file));
    console.log(JSON.stringify([...new Set(loaded.map((file) => file.replace(/.*node_modules[\\\\/]([^\\\\/]+).*/, '$1').replace(/.*stores[\\\\/]redis[\\\\/].*/, 'stores/redis')))]));
    stores.close().then(() => process.exit(0));`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '[]') as string[];
}

describe('createSharedStores (which modules it loads)', () => {
  it('keeps everything in this process without a Redis URL, loading no Redis module', () => {
    expect(redisModulesLoadedBy(undefined)).toEqual([]);
  });

  it('loads the Redis stores, ioredis and redis-semaphore only when given a Redis URL', () => {
    // Port 1 on loopback: nothing listens, which is enough to see what gets loaded.
    expect(redisModulesLoadedBy('redis://127.0.0.1:1').sort()).toEqual(['ioredis', 'redis-semaphore', 'stores/redis']);
  });
});
