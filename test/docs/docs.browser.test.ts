/**
 * The API reference page as a reader sees it: Debian's headless Chromium (driven by playwright-core)
 * opens /docs on a running server and reads what is rendered. Without CI and without Chromium this
 * suite is skipped with a message; with CI set, a missing Chromium fails it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { readConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { startServer, type RunningServer } from '../../src/server/start';
import { ROOT } from '../helpers/run';
import { CHROMIUM, CHROMIUM_ARGS, IN_CI, MISSING_MESSAGE, chromiumAvailable, freshUserDataDir } from './chromium';
import { BODY_FIELDS, ERROR_RESPONSES, OK_SHAPES, OPERATION, PARAMETERS } from './spec-reader';

const SCREENSHOT_DIR = join(ROOT, 'test-results', 'docs');
const available = chromiumAvailable();
if (!available && !IN_CI) {
  console.warn(`Skipping the docs browser test: ${MISSING_MESSAGE}`);
}
const suite = available || IN_CI ? describe : describe.skip;

/**
 * The visible text lines of the page, trimmed, empty ones dropped, zero-width spaces removed (the page
 * puts one after the dot of `emails[].email`). Scrolls through the page first, as a reader would:
 * Redoc renders sections only when they come near the viewport.
 */
async function lines(page: Page): Promise<string[]> {
  const step = page.viewportSize()?.height ?? 800;
  for (let y = 0, i = 0; i < 200; i += 1, y += step) {
    const height = await page.evaluate('document.documentElement.scrollHeight');
    if (y > Number(height)) break;
    await page.mouse.wheel(0, step);
    await page.waitForTimeout(30);
  }
  const text = await page.innerText('body');
  return text.replace(/\u200b/g, '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** The lines after the first line equal to `start` (after `from`), up to the first line equal to `end`. */
function section(all: string[], start: string, end?: string, from = 0): string[] {
  const at = all.indexOf(start, from);
  if (at === -1) return [];
  const stop = end === undefined ? -1 : all.indexOf(end, at + 1);
  return all.slice(at + 1, stop === -1 ? undefined : stop);
}

/** Clicks every "Expand all" button shown (each becomes "Collapse all"), so nested fields are rendered. */
async function expandAll(page: Page): Promise<void> {
  const buttons = page.getByRole('button', { name: 'Expand all', exact: true });
  for (let i = 0; i < 10 && (await buttons.count()) > 0; i += 1) await buttons.first().click();
}

/**
 * Picks a shape of the 200's "Any of": its tab, or its item in the dropdown Redoc shows instead of tabs when it
 * measured their labels as not fitting (as it may when it laid them out before the panel had its width).
 * False when neither is shown yet.
 */
async function chooseShape(page: Page, title: string): Promise<boolean> {
  const tab = page.getByRole('tab', { name: title, exact: true });
  if (await tab.isVisible()) {
    await tab.click();
    return true;
  }
  const dropdown = page.locator('[data-section-id="switcher"]').filter({ hasText: 'Any of:' }).first().getByRole('button', { name: /User/ });
  if (!(await dropdown.isVisible())) return false;
  await dropdown.click();
  await page.getByRole('menuitem', { name: title, exact: true }).click();
  return true;
}

const isLoopback = (url: string): boolean => {
  if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
  const { hostname } = new URL(url);
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
};

suite('the API docs page in a browser (/docs)', () => {
  let running: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!available) throw new Error(`${MISSING_MESSAGE} CI is set, so the docs browser test fails instead of skipping.`);
    running = await startServer(readConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MDM_RESPONSE_VALIDATION: 'fail' }), createLogger('silent'));
    context = await chromium.launchPersistentContext(freshUserDataDir(), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(10_000);
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`console.error: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    // The first request may build the page from the spec (build/docs/index.html missing or stale).
    const response = await page.goto(`${running.url}/docs`, { waitUntil: 'load', timeout: 90_000 });
    expect(response?.status()).toBe(200);
    // Hydrated once Redoc has rendered the sidebar with the operation's tag (the overview's list of operations
    // may be below the first screen, where Redoc has not rendered it yet: the API description is long).
    await page.locator('[data-component-name="Menu/MenuItem"]').filter({ hasText: /^Users$/ }).first().waitFor({ timeout: 30_000 });
  }, 150_000);

  afterAll(async () => {
    await context?.close();
    await running?.close();
  });

  it(`finds Debian's Chromium at ${CHROMIUM}`, () => {
    expect(available).toBe(true);
  });

  it(`opens "${OPERATION.summary}" (${OPERATION.id}) from the sidebar: the tag, then the operation`, async () => {
    const menu = page.locator('[data-component-name="Menu/MenuItem"]');
    await menu.filter({ hasText: /^Users$/ }).first().click();
    await menu.filter({ hasText: OPERATION.summary }).last().click();
    await page.waitForURL((url) => url.hash.toLowerCase().endsWith(`/${OPERATION.id.toLowerCase()}`));
    await page.getByRole('heading', { name: OPERATION.summary }).filter({ visible: true }).first().waitFor();
    const text = await lines(page);
    expect(text).toContain(OPERATION.method);
    expect(text).toContain(OPERATION.path);
    await expandAll(page);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'update-a-user.png'), fullPage: true });
  }, 90_000);

  it('shows every parameter of the spec under Path, Query and Headers', async () => {
    const request = section(await lines(page), OPERATION.summary, 'Responses');
    const where: Record<string, string> = { path: 'Path', query: 'Query', header: 'Headers' };
    for (const { name, in: location } of PARAMETERS) {
      expect(section(request, where[location] ?? location)).toContain(name);
    }
    expect(PARAMETERS.length).toBeGreaterThanOrEqual(6);
  }, 90_000);

  it('shows every field of the request body, those of emails[] included', async () => {
    const body = section(section(await lines(page), OPERATION.summary, 'Responses'), 'Body');
    expect(body).toContain('application/json');
    for (const field of BODY_FIELDS) expect(body).toContain(field);
    expect(BODY_FIELDS).toEqual(expect.arrayContaining(['name', 'emails', 'emails[].email', 'emails[].type', 'emails[].is_primary', 'remote_data']));
  }, 90_000);

  it('shows every field of each 200 response shape', async () => {
    const okTab = page.getByRole('tab', { name: '200', exact: true });
    await okTab.click();
    expect(OK_SHAPES.map((s) => s.title)).toEqual(expect.arrayContaining(['User', 'NormalizedUser']));
    for (const shape of OK_SHAPES) {
      // On a loaded machine the 200 panel may not be up yet (or a click may land before Redoc listens): click it again until it is selected.
      let chosen = await chooseShape(page, shape.title);
      for (let i = 0; i < 20 && !chosen; i += 1) {
        if ((await okTab.getAttribute('aria-selected')) !== 'true') await okTab.click();
        await page.waitForTimeout(500);
        chosen = await chooseShape(page, shape.title);
      }
      expect({ shape: shape.title, chosen }).toEqual({ shape: shape.title, chosen: true });
      await expandAll(page);
      const responses = section(await lines(page), 'Responses');
      for (const field of shape.fields) expect({ shape: shape.title, field, shown: responses.includes(field) }).toEqual({ shape: shape.title, field, shown: true });
    }
  }, 90_000);

  it('shows every error response with its description and the error envelope fields', async () => {
    expect(ERROR_RESPONSES.map((r) => r.status)).toEqual(expect.arrayContaining(['400', '401', '404', '409', '429', '500', '502', '503', '504']));
    for (const error of ERROR_RESPONSES) {
      await page.getByRole('tab', { name: error.status, exact: true }).click();
      const responses = section(await lines(page), 'Responses');
      const text = responses.join(' ');
      expect({ status: error.status, description: text.includes(error.descriptionStart) }).toEqual({ status: error.status, description: true });
      for (const field of error.fields) expect({ status: error.status, field, shown: responses.includes(field) }).toEqual({ status: error.status, field, shown: true });
    }
    await page.getByRole('tab', { name: '400', exact: true }).click();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'error-400.png'), fullPage: true });
  }, 90_000);

  it('shows the reference request body as the request example, exactly (no remote_data)', async () => {
    const viewer = page.locator('[data-testid="json-viewer"]').filter({ hasText: '"name": "jdoe2"' }).filter({ hasNotText: '"id"' }).first();
    for (let i = 0; i < 20; i += 1) {
      const collapsed = viewer.locator('button[aria-label="collapse"]:not(.expanded)');
      if ((await collapsed.count()) === 0) break;
      await collapsed.first().click();
    }
    expect(JSON.parse(await viewer.locator('pre').innerText())).toEqual({ name: 'jdoe2', emails: [{ email: 'john.doe@example.com', type: 'work', is_primary: true }] });
  }, 90_000);

  it('shows the reference\'s own example of truto_exclude_fields, in its bracket form', async () => {
    const query = section(section(await lines(page), OPERATION.summary, 'Responses'), 'Query', 'Headers');
    const parameter = section(query, 'truto_exclude_fields', 'remote_query');
    expect(parameter).toContain('Example: truto_exclude_fields[]=id&truto_exclude_fields[]=name');
    expect(parameter).not.toContain('truto_exclude_fields=id&truto_exclude_fields=name');
  }, 90_000);

  it('logged no console error and threw no page error', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('made every request to the server on loopback, none elsewhere', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => !isLoopback(url))).toEqual([]);
    expect(requests[0]).toBe(`${running?.url}/docs`);
  });
});
