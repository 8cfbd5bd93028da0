/**
 * The Arazzo workflow test/workflow/update-user.arazzo.yaml run by `redocly respect` against a live
 * server started here on port 0: the original reference example request (byte for byte) and error
 * cases, their responses checked by respect against the spec. The server's URL and token reach respect
 * through its --server and --input options.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { startServer, type RunningServer } from '../../src/server/start';
import { ROOT } from '../helpers/run';

const WORKFLOW = join('test', 'workflow', 'update-user.arazzo.yaml');
const REDOCLY = require.resolve('@redocly/cli/bin/cli.js', { paths: [ROOT] });
const TOKEN = 'respect-token-0123456789abcdef';
const ORIGINAL_QUERY =
  'integrated_account_id=62f44730-dd91-461e-bd6a-aedd9e0ad79d&truto_response_format=unified&truto_exclude_fields[]=id&truto_exclude_fields[]=name&remote_query[foo]=bar';
const SDK_QUERY =
  'integrated_account_id=62f44730-dd91-461e-bd6a-aedd9e0ad79d&truto_response_format=unified&truto_exclude_fields%5B0%5D=id&truto_exclude_fields%5B1%5D=name&remote_query%5Bfoo%5D=bar';

interface Check { name: string; passed: boolean; condition?: string }
interface Step { stepId: string; status: string; request: { method: string; url: string; headers: Record<string, string> }; response?: { statusCode: number }; checks: Check[] }
interface Report { status: string; files: Record<string, { totalRequests: number; executedWorkflows: Array<{ workflowId: string; status: string; executedSteps: Step[] }> }> }

/** Runs `redocly respect` on the workflow (asynchronously: the server under test lives in this process). */
function respect(serverUrl: string, token: string, jsonOutput: string): Promise<{ code: number | null; output: string }> {
  const args = [
    REDOCLY, 'respect', WORKFLOW,
    '--server', `mdmUsers=${serverUrl}`,
    '--input', `token=${token}`,
    '--input', `server_url=${serverUrl}`,
    '--json-output', jsonOutput,
    '--max-fetch-timeout', '15000',
    '--execution-timeout', '60000',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

function steps(report: Report): Step[] {
  return Object.values(report.files).flatMap((file) => file.executedWorkflows.flatMap((w) => w.executedSteps));
}

describe('redocly respect: the Update Users workflow against the running server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdm-users-respect-'));
  let running: RunningServer;
  let run: { code: number | null; output: string };
  let report: Report;

  beforeAll(async () => {
    running = await startServer(
      readConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MDM_RESPONSE_VALIDATION: 'fail', MDM_API_TOKENS: TOKEN, MDM_RATE_LIMIT_PER_TOKEN: 'off' }),
      createLogger('silent'),
    );
    run = await respect(running.url, TOKEN, join(dir, 'respect.json'));
    report = JSON.parse(readFileSync(join(dir, 'respect.json'), 'utf8')) as Report;
  }, 120_000);

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes: every workflow, every step, every check', () => {
    if (run.code !== 0) throw new Error(`redocly respect failed (exit ${run.code}):\n${run.output.slice(-6000)}`);
    expect(report.status).toBe('success');
    const all = steps(report);
    expect(all.map((s) => s.stepId)).toEqual(['originalExample', 'trutoSdkShape', 'commaForm', 'normalizedUpdate', 'unknownAccount', 'missingName', 'wrongToken']);
    for (const step of all) {
      expect({ step: step.stepId, failed: step.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.condition ?? ''}`) }).toEqual({ step: step.stepId, failed: [] });
    }
  });

  it('sent the original example request exactly: PATCH, the query string as the reference writes it, the body with name', () => {
    const original = steps(report).find((s) => s.stepId === 'originalExample');
    expect(original?.request.method.toUpperCase()).toBe('PATCH');
    expect(original?.request.url).toBe(`${running.url}/unified/mdm/users/23423523?${ORIGINAL_QUERY}`);
    expect(original?.response?.statusCode).toBe(200);
  });

  it('sent Truto\'s SDK shape (brackets percent-encoded) and the comma form as written', () => {
    const sent = (id: string) => steps(report).find((s) => s.stepId === id)?.request.url;
    expect(sent('trutoSdkShape')).toBe(`${running.url}/unified/mdm/users/23423523?${SDK_QUERY}`);
    expect(sent('commaForm')).toBe(`${running.url}/unified/mdm/users/23423523?integrated_account_id=62f44730-dd91-461e-bd6a-aedd9e0ad79d&truto_exclude_fields=id,name`);
  });

  it('had respect check the spec-described steps against the spec (status code, content type, schema)', () => {
    for (const step of steps(report).filter((s) => !['originalExample', 'trutoSdkShape', 'commaForm'].includes(s.stepId))) {
      const names = step.checks.map((c) => c.name);
      expect({ step: step.stepId, names }).toEqual({ step: step.stepId, names: expect.arrayContaining(['status code check', 'content-type check', 'schema check']) });
    }
    expect(steps(report).map((s) => s.response?.statusCode)).toEqual([200, 200, 200, 200, 404, 400, 401]);
  });

  it('masks the token in what respect records', () => {
    expect(run.output).not.toContain(TOKEN);
    expect(readFileSync(join(dir, 'respect.json'), 'utf8')).not.toContain(TOKEN);
  });
});

describe('redocly respect: the same workflow against a server that breaks the contract', () => {
  it('fails, naming the broken checks (ids not excluded, errors answered 200)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdm-users-respect-broken-'));
    // Answers everything 200 with id and name present: exclusions ignored, no errors ever.
    const broken: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: '23423523', name: 'jdoe2', first_name: 'John', remote_data: { id: 23423523, name: 'jdoe2' } }));
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
      const result = await respect(url, TOKEN, join(dir, 'respect.json'));
      expect(result.code).not.toBe(0);
      const report = JSON.parse(readFileSync(join(dir, 'respect.json'), 'utf8')) as Report;
      const failed = steps(report).filter((s) => s.status !== 'success').map((s) => s.stepId);
      // A failed step ends its workflow: the first step of each fails.
      expect(failed).toEqual(['originalExample', 'unknownAccount']);
      const original = steps(report).find((s) => s.stepId === 'originalExample');
      expect(original?.checks.filter((c) => !c.passed).map((c) => c.condition)).toEqual(['$[?(!@.id && !@.name && @.remote_data)]']);
    } finally {
      broken.closeAllConnections();
      await new Promise<void>((resolve) => broken.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
