// `npm run cluster` as a person runs it in a terminal: it starts, prints how to reach the cluster, the CLI runs the
// tutorial through the printed settings (envconfig variables in the file it names), the Web UI reads the run from
// the cluster over mTLS and is wired to the codec server, which decrypts the run's payloads for the UI's origin;
// then Ctrl-C (SIGINT to the whole process group, as a terminal sends it) stops everything, and no process of it is
// left behind.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../config/project.js';
import { isPortFree } from '../../devstack/ports.js';
import { cli } from '../support/cli.js';

let dir: string;
let child: ChildProcess | undefined;
let output = '';
let exited: Promise<number | null>;

/** A port base whose ports (base+32 … base+90) are all free now, below 32768 (Temporal keeps them in a smallint). */
async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = Array.from({ length: 59 }, (_, i) => base + 32 + i);
    if ((await Promise.all(ports.map((port) => isPortFree(port)))).every(Boolean)) return base;
  }
}

/** The environment in the `export NAME='value'` file the command names. */
function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^export ([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (match) env[match[1]!] = match[2]!.replace(/'\\''/g, "'");
  }
  return env;
}

/** Processes whose command line or environment names the cluster's folder: what the command started. */
function processesOf(folder: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (cmdline.includes(folder) || environ.includes(folder)) found.push(`${pid} ${cmdline.replace(/\0/g, ' ')}`);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'entra-saga-npm-run-cluster-'));
  const base = await freePortBase();
  child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'scripts/cluster.ts')], {
    cwd: projectRoot,
    // Its own process group, as a command in a terminal: Ctrl-C signals the whole group.
    detached: true,
    env: { ...process.env, ENTRA_SAGA_CLUSTER_DIR: dir, ENTRA_SAGA_CLUSTER_PORT_BASE: String(base) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  exited = new Promise((resolve) => child?.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 280_000;
  while (!output.includes('Ctrl-C stops everything.')) {
    if (child.exitCode !== null) throw new Error(`npm run cluster exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm run cluster did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, 300_000);

afterAll(() => {
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run cluster', () => {
  it('prints how to reach it: every service, PostgreSQL, the Web UI and the envconfig settings', () => {
    for (const name of ['history-1', 'history-2', 'matching-1', 'matching-2', 'frontend', 'worker', 'PostgreSQL'])
      expect(output).toContain(`  ${name}`);
    expect(output).toMatch(/Temporal Web UI +http:\/\/localhost:\d+/);
    expect(output).toContain(`TEMPORAL_TLS_CLIENT_CERT_PATH=${join(dir, 'tls/client.pem')}`);
    expect(output).toContain(`. ${join(dir, 'cluster.env')} && npx entra-saga run`);
  });

  it('runs the tutorial with the printed settings; the Web UI reads it over mTLS and decrypts it via the codec server', async () => {
    const env = readEnvFile(join(dir, 'cluster.env'));
    const result = await cli(['run', '--json'], { ...process.env, ...env });
    expect(result.code, result.stderr).toBe(0);
    const run = result.json();
    expect(run.status).toBe('completed');

    const ui = env.TEMPORAL_UI_URL!;
    const settings = (await (await fetch(`${ui}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    const codecEndpoint = settings.Codec?.Endpoint ?? '';
    expect(codecEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const query = encodeURIComponent(`WorkflowId = "${String(run.workflowId)}"`);
    const listed = (await (
      await fetch(`${ui}/api/v1/namespaces/${env.TEMPORAL_NAMESPACE}/workflows?query=${query}`)
    ).json()) as { executions?: { execution: { runId: string } }[] };
    expect(listed.executions).toHaveLength(1);
    const history = (await (
      await fetch(
        `${ui}/api/v1/namespaces/${env.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(String(run.workflowId))}/history?execution.runId=${listed.executions![0]!.execution.runId}`,
      )
    ).json()) as {
      history: { events: { workflowExecutionStartedEventAttributes?: { input: { payloads: unknown[] } } }[] };
    };
    const input = history.history.events[0]?.workflowExecutionStartedEventAttributes?.input.payloads;
    // Temporal holds ciphertext; the codec server, asked from the UI's origin, gives the run's input back.
    expect(JSON.stringify(input)).not.toContain('Requestor1');
    const decoded = await fetch(`${codecEndpoint}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(ui).origin },
      body: JSON.stringify({ payloads: input }),
    });
    expect(decoded.status).toBe(200);
    const { payloads } = (await decoded.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(payloads[0]!.data, 'base64').toString()).toContain('Requestor1@contoso.onmicrosoft.com');
  });

  it('stops everything on Ctrl-C and leaves no process behind', async () => {
    expect(processesOf(dir).length).toBeGreaterThanOrEqual(11);
    process.kill(-child!.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGINT: stopping the local cluster');
    expect(processesOf(dir)).toEqual([]);
  }, 120_000);
});
