import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** Runs a binary from node_modules/.bin in `cwd`; answers its exit code and output. */
export function runBin(bin: string, args: readonly string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', bin), args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
