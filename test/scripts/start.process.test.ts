import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/run';
import { logLines, spawnServer, waitFor, within } from '../helpers/server-process';

/** Whether a process with this pid still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts connections on `port` of 127.0.0.1. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('stops the server gracefully on %s to the npm process, leaving nothing listening, and skips an up-to-date build', async (signal) => {
    const npm = spawnServer({ PORT: '0', LOG_LEVEL: 'info', HOME: process.env.HOME ?? ROOT }, 'npm', ['start']);
    let server: number | undefined;
    try {
      await waitFor(npm.output, /"msg":"listening"/, 150_000);
      const line = logLines(npm.output()).find((l) => l.msg === 'listening') as { pid: number; port: number };
      server = line.pid;
      expect((await fetch(`http://127.0.0.1:${line.port}/healthz`)).status).toBe(200);
      npm.child.kill(signal);
      // npm waits for its script's output to close: a server left running would keep it waiting.
      expect(await within(npm.exited, 15_000)).toBe(0);
      expect(logLines(npm.output()).find((l) => l.msg === 'shutting down')).toMatchObject({ signal });
      expect(alive(line.pid)).toBe(false);
      expect(await listening(line.port)).toBe(false);
      // The first run may have built; by the second nothing has changed since that build.
      if (signal === 'SIGINT') expect(npm.stderr()).toMatch(/the build is up to date; skipping it/);
    } finally {
      npm.child.kill('SIGKILL');
      if (server !== undefined && alive(server)) process.kill(server, 'SIGKILL');
    }
  }, 180_000);
});

describe('scripts/start.js without devDependencies', () => {
  /** A package laid out as after `npm prune --omit=dev`: the launcher, a source file, and (if `built`) a build that prints a line. */
  function prunedPackage(built: boolean): string {
    const root = mkdtempSync(join(tmpdir(), 'mdm-pruned-'));
    mkdirSync(join(root, 'scripts'));
    copyFileSync(join(ROOT, 'scripts', 'start.js'), join(root, 'scripts', 'start.js'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.ts'), '');
    utimesSync(join(root, 'src', 'main.ts'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    utimesSync(join(root, 'src'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    if (built) {
      mkdirSync(join(root, 'dist', 'src'), { recursive: true });
      writeFileSync(join(root, 'dist', 'src', 'main.js'), "process.stdout.write('the server ran\\n');\n");
    }
    return root;
  }
  const run = (root: string) => spawnSync(process.execPath, [join(root, 'scripts', 'start.js')], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });

  it('starts an up-to-date build without building', () => {
    const result = run(prunedPackage(true));
    expect([result.status, result.stdout, result.stderr]).toEqual([0, 'the server ran\n', 'mdm-users: the build is up to date; skipping it\n']);
  });

  it('starts the existing build, with a warning, when sources are newer and nothing can build', () => {
    const root = prunedPackage(true);
    utimesSync(join(root, 'src', 'main.ts'), new Date(), new Date(Date.now() + 60_000));
    const result = run(root);
    expect(result.stdout).toBe('the server ran\n');
    expect(result.stderr).toMatch(/^mdm-users: sources are newer than the build, and it cannot be rebuilt here \(devDependencies are not installed\); starting the existing build\.\n$/);
  });

  it('refuses with exit 2 and how to build when there is no build and nothing can build', () => {
    const result = run(prunedPackage(false));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^mdm-users: dist\/src\/main\.js is missing and cannot be built here \(devDependencies are not installed\): run npm ci && npm run build before npm prune --omit=dev/);
  });
});
