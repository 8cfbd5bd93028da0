import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/run';

describe('the rendered docs', () => {
  it('show the Operations tag with /healthz, /readyz and /metrics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdm-docs-'));
    try {
      const out = join(dir, 'index.html');
      const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-docs.js'), '--out', out], { cwd: ROOT, encoding: 'utf8' });
      expect(build.status).toBe(0);
      const html = readFileSync(out, 'utf8');
      for (const text of ['Operations', '/healthz', '/readyz', '/metrics', 'getReadiness', 'X-Mdm-Backend']) expect(html).toContain(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
