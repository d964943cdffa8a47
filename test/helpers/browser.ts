/**
 * Headless Chromium for browser tests, driven by playwright-core. The browser is the system's
 * (Debian's `chromium`; CHROMIUM_PATH overrides), not one Playwright downloads: CI installs it
 * (.ci/run) and the tests need no network. Missing, it fails the suite with what to do, never skips.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `browser tests need Chromium at ${CHROMIUM_PATH}, which is missing: install it (apt-get install -y chromium) or point CHROMIUM_PATH at one`,
    );
  }
  // --no-sandbox: CI and containers run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}
