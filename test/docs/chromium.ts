import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Chromium (`apt-get install chromium`); never a browser downloaded by Playwright. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Whether this run is CI's (`CI` set to anything but false/0): there a missing browser fails. */
export const IN_CI = Boolean(process.env.CI) && !/^(?:false|0)$/i.test(String(process.env.CI));

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Belt and braces: no host name resolves except loopback, so nothing could leave the machine;
  // a request that tries is still recorded by the test and fails it.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** A fresh, empty profile directory for one browser run. */
export function freshUserDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'mdm-users-chromium-'));
}

export const MISSING_MESSAGE =
  `Chromium is not installed at ${CHROMIUM}. Install Debian's package: apt-get update && apt-get install -y chromium ` +
  '(or set CHROMIUM_PATH).';
