// Headless Chromium that trusts the emulator's CA the way a person's machine trusts an enterprise root: the CA is
// added to the NSS certificate database Chromium reads on Linux ($HOME/.pki/nssdb), in a home folder of its own, so
// the emulator's HTTPS pages are verified as any site's are (no certificate error is ignored).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../devstack/browser.js';

export interface TrustingChromium {
  browser: Browser;
  close(): Promise<void>;
}

function certutil(args: string[]): void {
  try {
    execFileSync('certutil', args, { stdio: 'pipe' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'certutil is not installed; the sign-in page test adds the emulator CA to Chromium with it: ' +
          '`sudo apt-get update && sudo apt-get install -y libnss3-tools`',
        { cause: error },
      );
    }
    throw error;
  }
}

/** Launches Debian's Chromium with a fresh home whose NSS database trusts `caPem` to identify servers. */
export async function launchChromiumTrusting(caPem: string): Promise<TrustingChromium> {
  const home = mkdtempSync(join(tmpdir(), 'entra-saga-chromium-home-'));
  try {
    const nssdb = join(home, '.pki', 'nssdb');
    mkdirSync(nssdb, { recursive: true });
    const caFile = join(home, 'emulator-ca.pem');
    writeFileSync(caFile, caPem);
    certutil(['-d', `sql:${nssdb}`, '-N', '--empty-password']);
    // "C,," : a trusted CA for TLS servers, and for nothing else (mail, code signing).
    certutil(['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'Graph emulator CA', '-i', caFile]);
    // devstack's launcher starts Chromium with this process's environment; Chromium finds its NSS database through
    // HOME, so HOME points at the fresh home for the launch only.
    const ownHome = process.env.HOME;
    process.env.HOME = home;
    let browser: Browser;
    try {
      browser = await launchChromium();
    } finally {
      if (ownHome === undefined) delete process.env.HOME;
      else process.env.HOME = ownHome;
    }
    return {
      browser,
      async close() {
        await browser.close();
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
}
