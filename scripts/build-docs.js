#!/usr/bin/env node
/**
 * `npm run docs:build`: builds the API reference page (Redoc) from the spec into one self-contained
 * HTML file, build/docs/index.html by default, that makes no request off the server it is served from.
 *
 *   node scripts/build-docs.js [--out <file>] [--spec <file>]
 *
 * - `redocly build-docs --inlineBundle` puts Redoc's script into the page (no CDN for the script);
 * - REDOCLY_TELEMETRY=off writes `disableTelemetry: true` into the page (Redoc would otherwise send
 *   usage traces to Redocly's collector) and keeps the CLI itself from reporting;
 * - the browser's favicon request is answered in the page (an empty inline icon);
 * - Redoc's "API docs by Redocly" logo is an <img> loaded from Redocly's CDN, with no option to hide
 *   it: its two URLs are replaced by inline SVG data URIs. Any other address on Redocly's CDN or
 *   collector hosts that remains in the bundle (icon sets the page does not use) is neutralised too.
 * The result is checked (no Redocly host left, telemetry off) and written atomically (temp + rename),
 * so a server reading it never sees half a file.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const DEFAULT_SPEC = join(ROOT, 'openapi', 'mdm-users.yaml');
const DEFAULT_OUT = join(ROOT, 'build', 'docs', 'index.html');

/** Hosts the built page must never name: Redocly's CDNs and its telemetry collector. */
const FORBIDDEN_HOSTS = ['cdn.redoc.ly', 'cdn.redocly.com', 'otel.cloud.redocly.com'];

const svg = (width, text) =>
  'data:image/svg+xml,' +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" viewBox="0 0 ${width} 20">` +
      `<text x="0" y="15" font-family="Helvetica,Arial,sans-serif" font-size="14" font-weight="600" fill="#ff5b4e">${text}</text></svg>`,
  );

/** The logo <img> URLs, each with the inline image that replaces it. */
const LOGOS = {
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg': svg(64, 'Redocly'),
  'https://cdn.redoc.ly/redoc/logo-mini.svg': svg(14, 'R'),
};

/** Rewrites the built page so that it makes no request off the server that serves it. */
function neutralise(html) {
  // No favicon request either (the API server has none): an empty inline icon.
  let out = html.includes('rel="icon"') ? html : html.replace(/<head>/i, '<head>\n  <link rel="icon" href="data:," />');
  for (const [url, replacement] of Object.entries(LOGOS)) out = out.split(url).join(replacement);
  // Anything else on those hosts (icon-set bases, the telemetry collector): a URL that fetches nothing.
  const others = new RegExp(`https?://(?:${FORBIDDEN_HOSTS.map((h) => h.replace(/\./g, '\\.')).join('|')})(?=[/\`'"\\s)]|$)`, 'g');
  return out.replace(others, 'data:,');
}

/** Why the page is not fit to serve, or undefined when it is. */
function problems(html) {
  const found = [];
  for (const host of FORBIDDEN_HOSTS) if (html.includes(host)) found.push(`it still names ${host}`);
  if (!html.includes('<link rel="icon" href="data:," />')) found.push('the inline favicon is missing');
  if (!/__redoc_options = \{[^;]*"disableTelemetry":true/.test(html)) found.push('Redoc telemetry is not disabled');
  if (!html.includes('updateMdmUser') && !html.includes('Update a user')) found.push('the operation is not in the page');
  return found;
}

function parseArgs(argv) {
  const args = { out: DEFAULT_OUT, spec: DEFAULT_SPEC };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === '--out' || flag === '--spec') && value) {
      args[flag.slice(2)] = resolve(value);
      i += 1;
    } else {
      throw new Error(`Unknown argument '${flag}'. Usage: node scripts/build-docs.js [--out <file>] [--spec <file>]`);
    }
  }
  return args;
}

function main() {
  const { out, spec } = parseArgs(process.argv.slice(2));
  const cli = require.resolve('@redocly/cli/bin/cli.js', { paths: [ROOT] });
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  const started = Date.now();
  const result = spawnSync(process.execPath, [cli, 'build-docs', spec, '--inlineBundle', '-o', tmp], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  try {
    if (result.status !== 0) {
      process.stderr.write(result.stdout + result.stderr);
      throw new Error(`redocly build-docs failed (exit ${result.status ?? result.signal}).`);
    }
    const html = neutralise(readFileSync(tmp, 'utf8'));
    const found = problems(html);
    if (found.length > 0) throw new Error(`The built docs page is not fit to serve: ${found.join('; ')}.`);
    writeFileSync(tmp, html);
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
  const kib = Math.round(Buffer.byteLength(readFileSync(out)) / 1024);
  process.stdout.write(`docs: ${out} (${kib} KiB, ${Date.now() - started} ms)\n`);
}

module.exports = { neutralise, problems, FORBIDDEN_HOSTS };

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`docs:build: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
