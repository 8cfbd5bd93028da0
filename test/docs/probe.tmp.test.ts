import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer } from '../../src/server/start';
import { readConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { CHROMIUM_ARGS, freshUserDataDir } from './chromium';
it('probe', async () => {
  const running = await startServer(readConfig({ PORT: '0', LOG_LEVEL: 'silent' }), createLogger('silent'));
  const ctx = await chromium.launchPersistentContext(freshUserDataDir(), { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const page = ctx.pages()[0] ?? await ctx.newPage(); page.setDefaultTimeout(5000); try {
  await page.goto(`${running.url}/docs#/users/updatemdmuser`, { waitUntil: 'load' });
  await page.waitForTimeout(2000);
  const buttons = page.getByRole('button', { name: 'Expand all', exact: true });
  for (let i = 0; i < 10 && (await buttons.count()) > 0; i += 1) await buttons.first().click();
  await page.waitForTimeout(500);
  writeFileSync('/tmp/dd/lines.txt', await page.innerText('body'));
  const el = page.getByText('is_primary').first();
  writeFileSync('/tmp/dd/el.html', await el.evaluate((e) => (e as unknown as {parentElement: {parentElement: {outerHTML: string}}}).parentElement.parentElement.outerHTML));
  } finally { await ctx.close(); await running.close(); }
}, 90000);
