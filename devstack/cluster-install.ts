// Installs what the local Temporal cluster runs, once, into .cluster/ (nothing global): the Temporal server and its
// SQL schema tool (`go install go.temporal.io/server/cmd/{server,tools/sql}`), the Web UI server the Temporal CLI's
// dev server embeds (`github.com/temporalio/ui-server/v2`, the version CLI 1.9.1 carries, run here on its own), and
// the PostgreSQL schemas that ship in the server's module. The go command fetches the pinned Go toolchain itself
// (GOTOOLCHAIN); its module and build caches live in .cluster/go while it builds and are removed once the binaries
// and schemas are in place. A build takes minutes on two cores, so it is done once: a later call finds the binaries of the pinned
// versions and returns at once. Two installs at the same time (a cluster and the cluster tests) take turns.

import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { projectRoot } from '../config/project.js';

const temporalServerVersion = 'v1.32.2';
const uiServerVersion = 'v2.54.1';
const goToolchain = 'go1.27.3';

/** Where the cluster's binaries, schemas and Go caches are: ENTRA_SAGA_CLUSTER_HOME, else .cluster/. */
function clusterHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.ENTRA_SAGA_CLUSTER_HOME?.trim() || join(projectRoot, '.cluster');
}

export interface ClusterBinaries {
  /** `temporal-server` (go.temporal.io/server/cmd/server). */
  server: string;
  /** `temporal-sql-tool` (go.temporal.io/server/cmd/tools/sql). */
  sqlTool: string;
  /** `temporal-ui-server` (github.com/temporalio/ui-server/v2/cmd/server). */
  uiServer: string;
  /** schema/postgresql/v12 of the server's module: `temporal/` and `visibility/`, each with `versioned/`. */
  postgresSchema: string;
}

/** A problem with the machine the operator can fix; the message says what to do. */
export class ClusterSetupError extends Error {
  override name = 'ClusterSetupError';
}

interface Stamp {
  server: string;
  uiServer: string;
  toolchain: string;
}

const wanted: Stamp = { server: temporalServerVersion, uiServer: uiServerVersion, toolchain: goToolchain };

function binaries(home: string): ClusterBinaries {
  return {
    server: join(home, 'bin/temporal-server'),
    sqlTool: join(home, 'bin/temporal-sql-tool'),
    uiServer: join(home, 'bin/temporal-ui-server'),
    postgresSchema: join(home, 'schema/postgresql/v12'),
  };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function installed(home: string): boolean {
  const stampFile = join(home, 'bin/versions.json');
  if (!existsSync(stampFile)) return false;
  let stamp: Partial<Stamp>;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Partial<Stamp>;
  } catch {
    return false;
  }
  const b = binaries(home);
  return (
    stamp.server === wanted.server &&
    stamp.uiServer === wanted.uiServer &&
    [b.server, b.sqlTool, b.uiServer].every(isExecutable) &&
    existsSync(join(b.postgresSchema, 'temporal/versioned')) &&
    existsSync(join(b.postgresSchema, 'visibility/versioned'))
  );
}

/** The go command: GO_BINARY, else `go` on PATH, else /usr/local/go/bin/go. */
function findGo(env: NodeJS.ProcessEnv): string {
  const candidates = [
    env.GO_BINARY?.trim(),
    ...(env.PATH ?? '').split(delimiter).map((dir) => (dir ? join(dir, 'go') : undefined)),
    '/usr/local/go/bin/go',
  ];
  const go = candidates.find((path): path is string => Boolean(path) && isExecutable(path!));
  if (!go) {
    throw new ClusterSetupError(
      'the local cluster builds the Temporal server from source and needs the go command (Go 1.21 or newer; it ' +
        `fetches ${goToolchain} itself): install Go (https://go.dev/dl/) or set GO_BINARY to its go command.`,
    );
  }
  const version = spawnSync(go, ['version'], { encoding: 'utf8', env: { ...env, GOTOOLCHAIN: 'local' } });
  const [, minor = '0'] = /go1\.(\d+)/.exec(version.stdout ?? '') ?? [];
  if (version.status !== 0 || Number(minor) < 21) {
    throw new ClusterSetupError(
      `${go} is not a usable go command (Go 1.21 or newer is needed to fetch ${goToolchain}): ${(version.stdout || version.stderr || '').trim()}`,
    );
  }
  return go;
}

/**
 * Takes turns with another install of the same folder: a lock directory holding the owner's pid, taken over when that
 * process is gone.
 */
async function withLock<T>(home: string, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const lock = join(home, 'install.lock');
  mkdirSync(home, { recursive: true });
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const owner = Number(readFileSync(join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      let alive: boolean;
      try {
        alive = owner > 0 && process.kill(owner, 0);
      } catch {
        alive = false;
      }
      if (!alive) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!waited) log(`another install (pid ${owner}) is building into ${home}; waiting for it`);
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Runs one `go install`, passing on go's own progress lines and saying every 30 s that it is still building. */
function goInstall(
  go: string,
  packages: string[],
  gobin: string,
  home: string,
  log: (line: string) => void,
): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOTOOLCHAIN: goToolchain,
    GOBIN: gobin,
    GOMODCACHE: join(home, 'go/mod'),
    GOCACHE: join(home, 'go/build-cache'),
    // -modcacherw: the module cache stays removable with rm -rf; -buildvcs=false: no VCS stamping outside a repo.
    GOFLAGS: '-modcacherw -buildvcs=false',
    CGO_ENABLED: '0',
  };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(go, ['install', ...packages], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let downloads = 0;
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        // "go: downloading <module> <version>" comes by the hundred: count them, show every 50th.
        if (line.startsWith('go: downloading')) {
          downloads += 1;
          if (downloads === 1 || downloads % 50 === 0) log(`  downloading modules (${downloads}): ${line.slice(16)}`);
        } else {
          log(`  ${line}`);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const ticker = setInterval(
      () => log(`  still building (${Math.round((Date.now() - started) / 1000)} s)`),
      30_000,
    ).unref();
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(new ClusterSetupError(`cannot run ${go}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearInterval(ticker);
      if (code === 0) {
        log(`  built in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve();
      } else {
        reject(
          new ClusterSetupError(
            `go install ${packages.join(' ')} failed (${code ?? signal}); the Go module proxy must be reachable ` +
              `(GOPROXY). Its last lines:\n${tail.join('\n')}`,
          ),
        );
      }
    });
  });
}

/**
 * The cluster's binaries and schemas, installed into `home` (default .cluster/) the first time and found there
 * after. `log` receives progress lines.
 */
export async function ensureClusterBinaries(
  options: { home?: string; log?: (line: string) => void } = {},
): Promise<ClusterBinaries> {
  const home = options.home ?? clusterHome();
  const log = options.log ?? ((line: string) => console.error(`[cluster] ${line}`));
  if (installed(home)) return binaries(home);
  return withLock(home, log, async () => {
    if (installed(home)) return binaries(home);
    const go = findGo(process.env);
    const bin = join(home, 'bin');
    const staging = join(home, 'go/bin');
    mkdirSync(bin, { recursive: true });
    mkdirSync(staging, { recursive: true });
    log(
      `installing the local cluster's binaries into ${home} — once; later starts reuse them. ` +
        `Building from source with ${goToolchain} takes several minutes on two cores.`,
    );
    log(`[1/2] Temporal server ${temporalServerVersion} and its SQL schema tool`);
    await goInstall(
      go,
      [
        `go.temporal.io/server/cmd/server@${temporalServerVersion}`,
        `go.temporal.io/server/cmd/tools/sql@${temporalServerVersion}`,
      ],
      join(staging, 'temporal'),
      home,
      log,
    );
    log(`[2/2] Temporal Web UI server ${uiServerVersion} (the UI the Temporal CLI's dev server embeds)`);
    await goInstall(
      go,
      [`github.com/temporalio/ui-server/v2/cmd/server@${uiServerVersion}`],
      join(staging, 'ui'),
      home,
      log,
    );

    const b = binaries(home);
    renameSync(join(staging, 'temporal/server'), b.server);
    renameSync(join(staging, 'temporal/sql'), b.sqlTool);
    renameSync(join(staging, 'ui/server'), b.uiServer);
    const moduleSchema = join(home, `go/mod/go.temporal.io/server@${temporalServerVersion}/schema/postgresql/v12`);
    rmSync(b.postgresSchema, { recursive: true, force: true });
    cpSync(moduleSchema, b.postgresSchema, { recursive: true });
    // The Go caches (the toolchain, the modules' sources, the build cache: gigabytes) are only needed to build again,
    // and a new version would fetch and build anew anyway.
    rmSync(join(home, 'go'), { recursive: true, force: true });
    writeFileSync(join(bin, 'versions.json'), `${JSON.stringify(wanted, null, 2)}\n`);
    log(`installed: ${b.server}, ${b.sqlTool}, ${b.uiServer}`);
    return b;
  });
}
