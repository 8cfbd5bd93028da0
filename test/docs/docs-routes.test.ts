/**
 * The public routes for readers (/docs, /openapi.yaml, /openapi.json) over HTTP, and the docs build:
 * the page is built from the spec, self-contained, and names no host it could fetch from.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { parse } from 'yaml';
import { readConfig } from '../../src/server/config';
import { docsRouter, DOCS_CSP } from '../../src/server/docs/routes';
import { errorHandler } from '../../src/server/middleware/error-handler';
import { createLogger } from '../../src/server/logger';
import { specPath } from '../../src/server/spec';
import { startServer, type RunningServer } from '../../src/server/start';
import { listen } from '../helpers/listen';
import { ROOT } from '../helpers/run';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JS build script without declarations
const buildScript = require('../../scripts/build-docs.js') as {
  neutralise(html: string): string;
  problems(html: string): string[];
  FORBIDDEN_HOSTS: string[];
};

const specYaml = readFileSync(specPath(), 'utf8');

/** The spec file's text without its top-level `servers:` block. */
const withoutServers = (yaml: string): string => yaml.replace(/^servers:\n(?: .*\n)*/m, '');

/** GET `path` with a chosen Host header (fetch does not let a caller set Host). */
function getWithHost(url: string, path: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the public reader routes of the running server', () => {
  let running: RunningServer;
  beforeAll(async () => {
    running = await startServer(readConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MDM_API_TOKENS: 'secret-token-for-docs-tests' }), createLogger('silent'));
  }, 120_000);
  afterAll(() => running.close());

  const served = (url: string) => [{ url, description: 'This server: the one that served this copy of the spec.' }];

  it('serves /openapi.yaml without a token: the spec file as written, its servers naming this server', async () => {
    const res = await fetch(`${running.url}/openapi.yaml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
    const text = await res.text();
    expect(withoutServers(text)).toBe(withoutServers(specYaml));
    expect(parse(text)).toEqual({ ...parse(specYaml), servers: served(running.url) });
  });

  it('serves /openapi.json without a token: the same document as JSON', async () => {
    const res = await fetch(`${running.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ...parse(specYaml), servers: served(running.url) });
  });

  it('names the origin each request was sent to (its Host), never a fixed address', async () => {
    const json = JSON.parse(await getWithHost(running.url, '/openapi.json', 'api.example.test:8443')) as { servers: unknown };
    expect(json.servers).toEqual(served('http://api.example.test:8443'));
    expect((parse(await getWithHost(running.url, '/openapi.yaml', 'localhost:3000')) as { servers: unknown }).servers).toEqual(served('http://localhost:3000'));
    expect(JSON.stringify(json)).not.toContain('127.0.0.1:3000');
  });

  it('falls back to the address the connection reached when the Host header is not a host name', async () => {
    const json = JSON.parse(await getWithHost(running.url, '/openapi.json', 'evil.test/"><script>')) as { servers: unknown };
    expect(json.servers).toEqual(served(running.url));
  });

  it('serves /docs without a token: the HTML reference page of the spec, kept on this server by its CSP', async () => {
    const res = await fetch(`${running.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect(DOCS_CSP).toContain("default-src 'self'");
    expect(DOCS_CSP).toContain("connect-src 'self'");
    const html = await res.text();
    expect(html).toContain('Unified MDM Users API (Jamf Pro)');
    expect(html).toContain('"operationId":"updateMdmUser"');
    expect(buildScript.problems(html)).toEqual([]);
    for (const host of buildScript.FORBIDDEN_HOSTS) expect(html).not.toContain(host);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href="https?:/i);
  }, 90_000);

  it('still asks a token for the API itself', async () => {
    const res = await fetch(`${running.url}/unified/mdm/users/1?integrated_account_id=62f44730-dd91-461e-bd6a-aedd9e0ad79d`, {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}',
    });
    expect(res.status).toBe(401);
  });
});

describe('docsRouter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdm-users-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function get(options: Parameters<typeof docsRouter>[0]): Promise<{ status: number; body: string }> {
    const app = express();
    app.use(docsRouter(options));
    app.use(errorHandler(createLogger('silent')));
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/docs`);
      return { status: res.status, body: await res.text() };
    } finally {
      await server.close();
    }
  }

  it('answers 503 in the error envelope, saying how to build, when the page is missing and cannot be built', async () => {
    const { status, body } = await get({ file: join(dir, 'missing', 'index.html'), buildOnDemand: false });
    expect(status).toBe(503);
    expect(JSON.parse(body)).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringContaining('npm run docs:build') });
  });

  it('builds the page on the first request when it is missing, then serves the built file', async () => {
    const file = join(dir, 'on-demand', 'index.html');
    const { status, body } = await get({ file, buildOnDemand: true });
    expect(status).toBe(200);
    expect(body).toBe(readFileSync(file, 'utf8'));
    expect(statSync(file).mtimeMs).toBeGreaterThanOrEqual(statSync(specPath()).mtimeMs);
    expect(buildScript.problems(body)).toEqual([]);
  }, 90_000);
});

describe('scripts/build-docs.js', () => {
  it('replaces the Redocly logo URLs with inline images and neutralises any other Redocly CDN or collector URL', () => {
    const given = [
      '<html><head><title>t</title></head><body>',
      'src:e?`https://cdn.redoc.ly/redoc/logo-mini-full.svg`:`https://cdn.redoc.ly/redoc/logo-mini.svg`',
      '{"font-awesome":`https://cdn.redocly.com/icons/fa/7.0.0`,code:"https://cdn.redocly.com/icons/code/5.24.0"}',
      "lce=`https://otel.cloud.redocly.com/v1/traces`",
      '<a href="https://redocly.com/redoc/">API docs by</a>',
      '</body></html>',
    ].join('\n');
    const out = buildScript.neutralise(given);
    for (const host of buildScript.FORBIDDEN_HOSTS) expect(out).not.toContain(host);
    expect(out).toContain('src:e?`data:image/svg+xml,');
    expect(out).toContain('`data:,/icons/fa/7.0.0`');
    expect(out).toContain('<link rel="icon" href="data:," />');
    expect(out).toContain('href="https://redocly.com/redoc/"'); // a link a reader may follow, never fetched
  });

  it('refuses a page that still names a CDN host or has telemetry on', () => {
    expect(buildScript.problems('<script>const __redoc_options = {"disableTelemetry":false};</script> https://cdn.redoc.ly/x updateMdmUser'))
      .toEqual(['it still names cdn.redoc.ly', 'the inline favicon is missing', 'Redoc telemetry is not disabled']);
  });

  it('is what npm run docs:build runs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['docs:build']).toBe('node scripts/build-docs.js');
  });
});
