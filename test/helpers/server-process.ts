import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './run';

/** The built server, as `npm start` runs it (`npm test` builds before jest). */
export const MAIN = join(ROOT, 'dist', 'src', 'main.js');

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Spawns `command args` with only PATH and `env` in its environment, collecting its output. */
export function spawnServer(env: Record<string, string>, command = process.execPath, args: readonly string[] = [MAIN]): ServerProcess {
  const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); stderr += d.toString(); });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return { child, output: () => output, stderr: () => stderr, exited };
}

/** Waits until `read()` matches `pattern` (at most `ms`). */
export async function waitFor(read: () => string, pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
  const until = Date.now() + ms;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > until) throw new Error(`timed out waiting for ${pattern} in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves with `promise`'s value, or with 'still running' after `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still running'> {
  return Promise.race([promise, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms))]);
}

/** The JSON log lines a server process wrote (lines that are not JSON are skipped). */
export function logLines(output: string): Array<Record<string, unknown>> {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Writes an accounts file in a fresh temporary folder; answers its path. */
export function accountsFile(document: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mdm-accounts-')), 'accounts.json');
  writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document));
  return file;
}
