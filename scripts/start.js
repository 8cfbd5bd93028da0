#!/usr/bin/env node
/**
 * `npm start` (run as `exec node scripts/start.js`, so that npm's SIGTERM/SIGINT reach this process and no
 * shell stands between): builds when the build is missing or older than its sources, skips the build
 * when nothing changed since the last one, then runs the server (dist/src/main.js) in this same
 * process, which stops gracefully on SIGTERM/SIGINT.
 *
 * Without devDependencies (`npm ci --omit=dev`) nothing can be built: an existing build is started
 * as it is (with a warning when sources are newer); a missing one ends with exit 2 and how to make it.
 */
'use strict';

const { spawn } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
/** What `tsc -p tsconfig.build.json` compiles from: a change to any makes the build stale. */
const SOURCES = ['src', 'generated', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time (ms) of a file or of every file under a folder. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

/** Whether TypeScript (a devDependency) is installed, so that a build can run. */
function canBuild() {
  try {
    require.resolve('typescript/package.json', { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
}

/** `npm run build`, with SIGTERM/SIGINT passed on to it (and the start abandoned). */
function build() {
  return new Promise((resolve) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const forward = (signal) => { child.kill(signal); process.exit(130); };
    process.once('SIGTERM', forward);
    process.once('SIGINT', forward);
    child.on('exit', (code) => {
      process.removeListener('SIGTERM', forward);
      process.removeListener('SIGINT', forward);
      resolve(code ?? 1);
    });
  });
}

async function start() {
  const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  const stale = built === 0 || SOURCES.some((source) => newest(join(ROOT, source)) > built);
  if (stale && canBuild()) {
    process.stderr.write(`mdm-users: ${built === 0 ? 'no build yet' : 'sources changed since the last build'}; building (npm run build)\n`);
    const code = await build();
    if (code !== 0) {
      process.stderr.write(`mdm-users: the build failed (exit ${code}); fix the errors above and run npm start again.\n`);
      process.exit(code);
    }
  } else if (built === 0) {
    process.stderr.write('mdm-users: dist/src/main.js is missing and cannot be built here (devDependencies are not installed): run npm ci && npm run build before npm prune --omit=dev (see README, "Operating").\n');
    process.exit(2);
  } else if (stale) {
    process.stderr.write('mdm-users: sources are newer than the build, and it cannot be rebuilt here (devDependencies are not installed); starting the existing build.\n');
  } else {
    process.stderr.write('mdm-users: the build is up to date; skipping it\n');
  }
  require(MAIN);
}

void start();
