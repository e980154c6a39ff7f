// The local cluster's PostgreSQL: Debian's PostgreSQL 15 binaries, a database cluster of its own in the cluster's
// data directory (initdb on first start), listening on 127.0.0.1 only, with password (SCRAM) authentication: the
// superuser `postgres`, and the role `temporal` that owns Temporal's two databases (persistence and visibility).
// Passwords are generated on first start and kept in the data directory (mode 0600). PostgreSQL refuses to run as
// root, so under root its commands run as the `postgres` system user (setpriv), which owns the database files.

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ClusterSetupError } from './cluster-install.js';
import { ManagedProcess } from './managed-process.js';

interface PostgresSecrets {
  superuserPassword: string;
  temporalPassword: string;
}

export interface ClusterPostgres {
  port: number;
  dataDir: string;
  /** The role Temporal connects as, and its password. */
  user: string;
  password: string;
  readonly process: ManagedProcess;
  /** A fast shutdown (open sessions are ended, as on a routine restart), waiting until it is down. */
  stop(): Promise<void>;
  /** Stops and starts it again on the same files. */
  restart(): Promise<void>;
}

/** PostgreSQL's binaries: ENTRA_SAGA_POSTGRES_BIN, else Debian's PostgreSQL 15. */
function postgresBin(env: NodeJS.ProcessEnv): string {
  const bin = env.ENTRA_SAGA_POSTGRES_BIN?.trim() || '/usr/lib/postgresql/15/bin';
  for (const tool of ['initdb', 'postgres', 'pg_ctl', 'psql']) {
    if (!existsSync(join(bin, tool))) {
      throw new ClusterSetupError(
        `the local cluster needs PostgreSQL 15 (${join(bin, tool)} is missing): on Debian or Ubuntu ` +
          '`apt-get install postgresql-15`, or set ENTRA_SAGA_POSTGRES_BIN to the folder holding initdb, postgres, ' +
          'pg_ctl and psql.',
      );
    }
  }
  return bin;
}

interface RunAs {
  /** Prefix that runs a command as the database's owner (empty: as we are). */
  prefix: string[];
  uid?: number;
  gid?: number;
}

/** `file args` as the database's owner: [command, ...args]. */
function asOwner(as: RunAs, file: string, args: string[]): [string, ...string[]] {
  const [command = file, ...rest] = [...as.prefix, file, ...args];
  return [command, ...rest];
}

/** As root, PostgreSQL's commands run as the `postgres` user (ENTRA_SAGA_POSTGRES_OS_USER); otherwise as we are. */
function runAs(env: NodeJS.ProcessEnv): RunAs {
  if (userInfo().uid !== 0) return { prefix: [] };
  const name = env.ENTRA_SAGA_POSTGRES_OS_USER?.trim() || 'postgres';
  const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
  let uid: number;
  let gid: number;
  try {
    uid = id('-u');
    gid = id('-g');
  } catch {
    throw new ClusterSetupError(
      `PostgreSQL does not run as root, and there is no "${name}" user to run it as: install postgresql-15 (which ` +
        'creates it), set ENTRA_SAGA_POSTGRES_OS_USER to another user, or run the cluster as an ordinary user.',
    );
  }
  return { prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups'], uid, gid };
}

/** The database's owner must reach its folder: every folder above it must let that user through. */
function assertReachable(as: RunAs, dir: string): void {
  if (as.uid === undefined) return;
  for (let folder = resolve(dir); ; folder = dirname(folder)) {
    const { mode, uid, gid } = statSync(folder);
    const through = uid === as.uid ? mode & 0o100 : gid === as.gid ? mode & 0o010 : mode & 0o001;
    if (!through) {
      throw new ClusterSetupError(
        `PostgreSQL runs as another user (uid ${as.uid}) than this root process, and ${folder} does not let it ` +
          `through to ${dir}: make it searchable (chmod o+x) or choose a data directory elsewhere.`,
      );
    }
    if (folder === dirname(folder)) return;
  }
}

function secrets(dir: string): PostgresSecrets {
  const file = join(dir, 'postgres-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PostgresSecrets;
  const created: PostgresSecrets = {
    superuserPassword: randomBytes(18).toString('base64url'),
    temporalPassword: randomBytes(18).toString('base64url'),
  };
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  return created;
}

function run(command: string[], options: { input?: string; env?: NodeJS.ProcessEnv; what: string }): void {
  const [file = '', ...args] = command;
  const result = spawnSync(file, args, {
    input: options.input,
    env: options.env ?? process.env,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    throw new ClusterSetupError(
      `${options.what} failed (${result.status ?? result.signal ?? result.error?.message}): ${(result.stderr || result.stdout || '').trim()}`,
    );
  }
}

export interface PostgresOptions {
  /** The cluster's data directory; PostgreSQL's files go to `<dir>/postgres`. */
  dir: string;
  port: number;
  onLine?: (line: string) => void;
}

/**
 * Starts PostgreSQL on `<dir>/postgres`, creating the database cluster, the `temporal` role and its two databases
 * on first start. Resolves once it accepts connections.
 */
export async function startPostgres(options: PostgresOptions): Promise<ClusterPostgres> {
  const bin = postgresBin(process.env);
  const as = runAs(process.env);
  const dataDir = join(options.dir, 'postgres');
  const marker = join(options.dir, 'postgres.initialized');
  const secret = secrets(options.dir);
  assertReachable(as, options.dir);

  if (!existsSync(marker)) {
    // A database cluster without the marker is one whose first start was cut short: nothing in it is worth keeping.
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // initdb reads the superuser's password from a file only the database's owner can read.
    const pwDir = join(options.dir, 'postgres-init');
    rmSync(pwDir, { recursive: true, force: true });
    mkdirSync(pwDir, { mode: 0o700 });
    const pwfile = join(pwDir, 'password');
    writeFileSync(pwfile, `${secret.superuserPassword}\n`, { mode: 0o600 });
    if (as.uid !== undefined && as.gid !== undefined) {
      for (const path of [dataDir, pwDir, pwfile]) chownSync(path, as.uid, as.gid);
    }
    try {
      run(
        asOwner(as, join(bin, 'initdb'), [
          '-D',
          dataDir,
          '-U',
          'postgres',
          '--auth=scram-sha-256',
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
        ]),
        { what: 'initdb' },
      );
    } finally {
      rmSync(pwDir, { recursive: true, force: true });
    }
  }

  const start = async (): Promise<ManagedProcess> => {
    const [command, ...args] = asOwner(as, join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `port=${options.port}`,
      // TCP only: no socket in a system folder this user may not own.
      '-c',
      'unix_socket_directories=',
      // Six Temporal processes with their connection pools.
      '-c',
      'max_connections=250',
      '-c',
      'log_min_messages=warning',
    ]);
    const server = new ManagedProcess({ name: 'PostgreSQL', command, args, onLine: options.onLine });
    await server.waitForLine(/database system is ready to accept connections/, 60_000);
    return server;
  };
  let server = await start();

  if (!existsSync(marker)) {
    try {
      // The role owns its databases; it is not a superuser. Its password goes through stdin, never argv.
      run([join(bin, 'psql'), '-h', '127.0.0.1', '-p', String(options.port), '-U', 'postgres', '-d', 'postgres'], {
        what: 'creating the temporal role',
        env: { ...process.env, PGPASSWORD: secret.superuserPassword },
        input:
          '\\set ON_ERROR_STOP on\n' +
          `CREATE ROLE temporal LOGIN CREATEDB PASSWORD '${secret.temporalPassword}';\n` +
          'CREATE DATABASE temporal OWNER temporal;\n' +
          'CREATE DATABASE temporal_visibility OWNER temporal;\n',
      });
    } catch (error) {
      await server.stop();
      throw error;
    }
    writeFileSync(marker, `${new Date().toISOString()}\n`);
  }

  const stop = async () => {
    if (!server.running) return;
    // SIGTERM is PostgreSQL's "smart" shutdown, which waits for every client to leave; a fast one ends them.
    const [command, ...args] = asOwner(as, join(bin, 'pg_ctl'), [
      'stop',
      '-D',
      dataDir,
      '-m',
      'fast',
      '-w',
      '-t',
      '30',
    ]);
    spawnSync(command, args, { stdio: 'ignore' });
    await server.stop();
  };
  return {
    port: options.port,
    dataDir,
    user: 'temporal',
    password: secret.temporalPassword,
    get process() {
      return server;
    },
    stop,
    async restart() {
      await stop();
      server = await start();
    },
  };
}
