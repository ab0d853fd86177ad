/**
 * Headless Chromium for the browser suites: Debian's `chromium` driven by
 * playwright-core. Absent, the suites are skipped on a developer's machine
 * and fail in CI (CI=true), where .ci/run installs it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);

/** `describe`, or `describe.skip` when there is no browser and this is not CI. */
export const describeInBrowser: jest.Describe = HAVE_CHROMIUM || process.env.CI === 'true' ? describe : describe.skip;

export async function launchChromium(): Promise<Browser> {
  if (!HAVE_CHROMIUM)
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (CI=true needs it).`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const root = join(__dirname, '../..');

/**
 * Where a screenshot goes: docs/ when UPDATE_SCREENSHOTS=1 (the README shows
 * those), a scratch folder otherwise, so a test run leaves the tree as it was.
 */
export function screenshotPath(name: string): string {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs') : join(root, '.tmp', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
