import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Response } from 'express';
import { ApiError } from '../../errors';
import { packageRoot, specPath } from '../spec';
import { requestOrigin, specJsonFor, specYamlFor } from './served-spec';

/**
 * The Content-Security-Policy of the docs page: everything from this server only (Redoc's script and
 * styles are inline, images may be inline `data:`). A browser refuses any request the page would
 * make elsewhere, so the page cannot reach a CDN or a telemetry collector even if a later Redoc adds one.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface DocsOptions {
  /** The built page; `build/docs/index.html` of the package by default (`npm run docs:build`). */
  file?: string;
  /**
   * Build the page on the first request when it is missing or older than the spec (needs the dev
   * dependency @redocly/cli). Default: true when the build script and Redocly's CLI are installed.
   */
  buildOnDemand?: boolean;
}

/** Where `npm run docs:build` writes the page. */
function defaultDocsFile(): string {
  return join(packageRoot(), 'build', 'docs', 'index.html');
}

const BUILD_SCRIPT = (): string => join(packageRoot(), 'scripts', 'build-docs.js');

function canBuild(): boolean {
  if (!existsSync(BUILD_SCRIPT())) return false;
  try {
    require.resolve('@redocly/cli/package.json', { paths: [packageRoot()] });
    return true;
  } catch {
    return false;
  }
}

/** Whether the built page exists and is newer than the spec and the script that builds it. */
function isFresh(file: string): boolean {
  if (!existsSync(file)) return false;
  const built = statSync(file).mtimeMs;
  return [specPath(), BUILD_SCRIPT()].every((source) => !existsSync(source) || statSync(source).mtimeMs <= built);
}

/** Runs scripts/build-docs.js into `file`; rejects with its output when it fails. */
function buildDocs(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILD_SCRIPT(), '--out', file], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`docs build failed (exit ${code}): ${output.trim().slice(-2000)}`));
    });
  });
}

function noCache(res: Response): void {
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/**
 * Public routes (no token) for readers of the API: `GET /docs` the Redoc reference page built from the
 * spec, `GET /openapi.yaml` the spec as written, `GET /openapi.json` the same as JSON; both copies name
 * this server (the origin the request was sent to) as their one `servers` entry.
 * Mount before the bearer auth; these paths are outside request validation (UNVALIDATED_PATHS).
 */
export function docsRouter(options: DocsOptions = {}): Router {
  const file = options.file ?? defaultDocsFile();
  const buildOnDemand = options.buildOnDemand ?? canBuild();
  let building: Promise<void> | undefined;
  let page: { html: Buffer; mtimeMs: number } | undefined;

  /** The page, built first when needed; cached in memory while the file does not change. */
  async function docsPage(): Promise<Buffer> {
    if (buildOnDemand && !isFresh(file)) {
      building ??= buildDocs(file).finally(() => { building = undefined; });
      await building;
    }
    if (!existsSync(file)) {
      throw new ApiError(503, 'The API docs page has not been built. Run `npm run docs:build` (part of `npm run build`), then reload.');
    }
    const { mtimeMs } = statSync(file);
    if (!page || page.mtimeMs !== mtimeMs) page = { html: readFileSync(file), mtimeMs };
    return page.html;
  }

  const router = Router();
  router.get(['/docs', '/docs/', '/docs/index.html'], async (_req, res) => {
    const html = await docsPage();
    noCache(res);
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('text/html; charset=utf-8').send(html);
  });
  router.get('/openapi.yaml', (req, res) => {
    noCache(res);
    res.vary('Host');
    res.type('application/yaml; charset=utf-8').send(specYamlFor(requestOrigin(req)));
  });
  router.get('/openapi.json', (req, res) => {
    noCache(res);
    res.vary('Host');
    res.type('application/json; charset=utf-8').send(specJsonFor(requestOrigin(req)));
  });
  return router;
}
