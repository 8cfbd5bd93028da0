/**
 * What scripts/pack-client.mjs and scripts/pack-server.mjs share: each builds its package into
 * dist/packages/<name>/ (built JS and declarations, the spec, the README, a manifest made from its
 * template in scripts/packages/<name>/package.json) and, unless `--no-pack`, packs it into dist/packs/.
 *
 * A template value "$root" is taken from this project's package.json: `version`, `license` and
 * `engines` as they are; a dependency's version from its `dependencies`; `"dependencies": "$root"`
 * all of them. Every dependency must be pinned to an exact version.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKS = join(ROOT, 'dist', 'packs');
const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** Runs a command, failing with its output when it fails; answers its stdout. */
export function run(command, args, cwd = ROOT) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}) in ${cwd}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/** Compiles a TypeScript project with this project's TypeScript. */
export function tsc(project) {
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project]);
}

/** An empty staging folder for the package `name` (dist/packages/<name>). */
function cleanStage(name) {
  const dir = join(ROOT, 'dist', 'packages', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Copies a file of this project (path relative to the root) into the stage, under `to` (default the same path). */
export function copyInto(stage, from, to = from) {
  const target = join(stage, to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(ROOT, from), target);
}

function exactDependencies(names, rootDependencies) {
  const out = {};
  for (const name of names) {
    const version = rootDependencies[name];
    if (!version) throw new Error(`The package template names dependency '${name}', which package.json does not list.`);
    if (!EXACT.test(version)) throw new Error(`Dependency '${name}' is '${version}' in package.json; packages pin exact versions (npm i -E).`);
    out[name] = version;
  }
  return out;
}

/** The package's manifest: its template with every "$root" filled from this project's package.json. */
function manifestFor(name) {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const template = JSON.parse(readFileSync(join(ROOT, 'scripts', 'packages', name, 'package.json'), 'utf8'));
  const manifest = { ...template };
  for (const key of ['version', 'license', 'engines']) if (manifest[key] === '$root') manifest[key] = root[key];
  const deps = template.dependencies === '$root' ? Object.keys(root.dependencies) : Object.keys(template.dependencies ?? {});
  manifest.dependencies = exactDependencies(deps, root.dependencies ?? {});
  const left = JSON.stringify(manifest).includes('"$root"');
  if (left) throw new Error(`scripts/packages/${name}/package.json has a "$root" this script does not fill.`);
  return manifest;
}

/** Writes the manifest and the package's README (scripts/packages/<name>/README.md) into the stage. */
function writeManifest(stage, name) {
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifestFor(name), null, 2)}\n`);
  copyInto(stage, join('scripts', 'packages', name, 'README.md'), 'README.md');
}

/** `npm pack` of the stage into dist/packs/; answers the tarball's path and npm's file list. */
function pack(stage) {
  mkdirSync(PACKS, { recursive: true });
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', PACKS], stage));
  return { tarball: join(PACKS, info.filename), files: info.files.map((f) => f.path), size: info.size, unpackedSize: info.unpackedSize };
}

/** Builds with `build(stage)`, then packs unless `--no-pack` was given; prints where the result is. */
export function main(name, build) {
  try {
    const stage = cleanStage(name);
    build(stage);
    writeManifest(stage, name);
    if (process.argv.includes('--no-pack')) {
      process.stdout.write(`${name}: built in ${relative(ROOT, stage)}\n`);
      return;
    }
    const packed = pack(stage);
    process.stdout.write(`${name}: ${relative(ROOT, packed.tarball)} (${packed.files.length} files, ${packed.size} bytes)\n`);
  } catch (err) {
    process.stderr.write(`pack ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
