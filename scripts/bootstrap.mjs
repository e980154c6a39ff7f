// Set-up shared by `npm start`, `npm test`, `npm run stack` and `.ci/run`: installs the npm dependencies from the
// lockfile when they are missing or stale, and finds (or installs) the Temporal CLI and the time-skipping test
// server. Quick and silent when everything
// is already there. Exits non-zero with one short message when something cannot be fixed automatically.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SetupError,
  ensureTemporalCli,
  projectRoot,
  temporalCliVersion,
  temporalTestServer,
} from '../devstack/temporal-cli.mjs';

const log = (/** @type {string} */ line) => console.error(`[bootstrap] ${line}`);

function checkNode() {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new SetupError(`Node.js ${process.versions.node} is too old: entra-saga needs Node.js 20.19 or newer.`);
  }
}

/** Runs `npm ci` when node_modules is missing or was installed from another lockfile. */
function ensureNpmDependencies() {
  const lockfile = join(projectRoot, 'package-lock.json');
  const stamp = join(projectRoot, 'node_modules', '.entra-saga-lock-sha256');
  const want = createHash('sha256').update(readFileSync(lockfile)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  log('installing npm dependencies from package-lock.json (npm ci)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    throw new SetupError('`npm ci` failed (see above). Check that the npm registry is reachable, then run it again.');
  }
  writeFileSync(stamp, `${want}\n`);
}

try {
  checkNode();
  ensureNpmDependencies();
  const cli = ensureTemporalCli({ install: true, log });
  const version = temporalCliVersion(cli);
  // The time-skipping test server runs the fast tier of workflow tests (test/workflows).
  const testServer = ensureTemporalCli({ install: true, log, tool: temporalTestServer });
  if (process.argv.includes('--verbose')) log(`Temporal CLI: ${cli} (${version}); test server: ${testServer}`);
} catch (error) {
  if (error instanceof SetupError) {
    console.error(`entra-saga set-up: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
