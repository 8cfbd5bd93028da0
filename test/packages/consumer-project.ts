/**
 * Fresh consumer projects for the package tests: `npm init -y`, then packages installed with
 * `npm install --offline`, from npm's cache only (filled by this project's `npm ci`).
 *
 * Offline, npm can fetch a tarball from its cache by integrity but cannot resolve a package name
 * without the registry's metadata, which `npm ci` does not cache. So before installing, a
 * package-lock.json is seeded with what the registry would have answered: this project's locked
 * entries (same versions and integrity) of every package the install needs (the tarballs'
 * dependencies, and the registry packages the project adds, written to package.json as
 * `npm install -D <name>@<version>` writes them). The tarballs themselves are then installed with
 * the README's own command, `npm install <tarball>`.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** The environment for nested npm and jest: without the npm_* variables of an enclosing `npm test`, nor its jest worker id. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|JEST_WORKER_ID$)/i.test(key)));
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs a command; rejects with its output when it fails. */
export function run(command: string, args: string[], cwd: string, options: { env?: Record<string, string>; timeout?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: cleanEnv(options.env), timeout: options.timeout ?? 180_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/**
 * The registry URL of a locked package's tarball (this project's lock leaves `resolved` out). Given it,
 * npm takes the tarball from its cache by integrity without asking for the package's metadata.
 */
function tarballUrl(path: string, entry: LockEntry): string {
  const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  return `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
}

/** Where `name` resolves from the package at `from` (a lock path, '' for the root), as Node would look. */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ; ) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at < 0 ? '' : dir.slice(0, at);
  }
}

/** The lock paths of `roots` and of everything they need, in this project's lock. */
function closure(packages: Record<string, LockEntry>, roots: string[]): Set<string> {
  const found = new Set<string>();
  const queue: Array<[string, string, boolean]> = roots.map((name) => ['', name, false]);
  while (queue.length > 0) {
    const [from, name, optional] = queue.shift() as [string, string, boolean];
    const path = resolveIn(packages, from, name);
    if (!path) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${from || 'the consumer'}) is not in package-lock.json`);
    }
    if (found.has(path)) continue;
    found.add(path);
    const entry = packages[path] as LockEntry;
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([path, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([path, dep, true]);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) queue.push([path, dep, entry.peerDependenciesMeta?.[dep]?.optional === true]);
  }
  return found;
}

/**
 * Adds registry packages to the consumer (as `npm install -D name@version` would write them) and seeds
 * its lock with them and with `needed` (the tarballs' dependencies), all at this project's locked versions.
 */
export function seedLock(dir: string, devDependencies: string[], needed: string[]): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const dev: Record<string, string> = {};
  for (const name of devDependencies) dev[name] = String(lock.packages[`node_modules/${name}`]?.version);
  if (devDependencies.length > 0) manifest.devDependencies = dev;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const packages: Record<string, unknown> = { '': { name: manifest.name, version: manifest.version, ...(devDependencies.length > 0 ? { devDependencies: dev } : {}) } };
  for (const path of closure(lock.packages, [...devDependencies, ...needed])) {
    const { dev: _dev, devOptional: _devOptional, ...entry } = lock.packages[path] as LockEntry;
    packages[path] = { ...entry, resolved: entry.resolved ?? tarballUrl(path, entry) };
  }
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}

/** Every package name in `npm ls --all --json` output, with its path of names from the root. */
export function installedNames(lsJson: string): Array<{ name: string; path: string[] }> {
  const out: Array<{ name: string; path: string[] }> = [];
  const walk = (deps: Record<string, { dependencies?: Record<string, unknown> }> | undefined, path: string[]): void => {
    for (const [name, node] of Object.entries(deps ?? {})) {
      out.push({ name, path: [...path, name] });
      walk(node.dependencies as Record<string, { dependencies?: Record<string, unknown> }> | undefined, [...path, name]);
    }
  };
  walk((JSON.parse(lsJson) as { dependencies?: Record<string, { dependencies?: Record<string, unknown> }> }).dependencies, []);
  return out;
}

/** The fenced code block that follows `<!-- marker -->` in a Markdown file, as written. */
export function fencedBlock(markdownFile: string, marker: string): string {
  const text = readFileSync(join(ROOT, markdownFile), 'utf8');
  const at = text.indexOf(`<!-- ${marker} -->`);
  if (at < 0) throw new Error(`${markdownFile} has no <!-- ${marker} --> marker`);
  const match = /```[a-z]*\n([\s\S]*?)\n```/.exec(text.slice(at));
  if (!match?.[1]) throw new Error(`${markdownFile}: no fenced block after <!-- ${marker} -->`);
  return `${match[1]}\n`;
}
