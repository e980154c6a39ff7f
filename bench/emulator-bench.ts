// Benchmark (not a test) of the Graph emulator through the official client and @azure/identity, the way the
// worker calls it: requests per second and per-call latency (p50, p99) for a read (GET /users/{id}) and a write
// (POST /groups), sequentially (latency) and with several calls in flight (throughput), in memory and with a
// data file (every write persisted). Throttling is off and latencyMs is 0, so the numbers are the emulator's own
// cost plus the client's.
//
//   npm run bench:emulator -- [--reads 2000] [--writes 1000] [--concurrency 16]

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { Agent } from 'undici';
import { startEmulator, type RunningEmulator } from '../emulator/index.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const reads = option('reads', 2000);
const writes = option('writes', 1000);
const concurrency = option('concurrency', 16);

interface Result {
  name: string;
  calls: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(name: string, calls: number, parallel: number, call: () => Promise<unknown>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < calls) {
        next++;
        const t0 = performance.now();
        await call();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    name,
    calls,
    perSecond: Math.round((calls / elapsed) * 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

function graphClient(emulator: RunningEmulator): Client {
  const { info } = emulator;
  const ca = readFileSync(info.caCertPath, 'utf8');
  const credential = new ClientSecretCredential(info.tenantId, info.clientId, info.clientSecret, {
    authorityHost: info.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca },
  });
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, {
      scopes: ['https://graph.microsoft.com/.default'],
    }),
    baseUrl: info.graphBaseUrl.replace(/\/v1\.0$/, ''),
    customHosts: new Set([new URL(info.graphBaseUrl).hostname]),
    fetchOptions: { dispatcher: new Agent({ connect: { ca }, connections: concurrency }) },
  });
}

async function suite(
  label: string,
  dataFile: string | undefined,
  stateDir: string,
  writeCalls: number,
): Promise<Result[]> {
  const emulator = await startEmulator({ port: 0, stateDir, throttleScale: 0, ...(dataFile ? { dataFile } : {}) });
  try {
    const graph = graphClient(emulator);
    const user = (await graph.api('/users').post({
      accountEnabled: true,
      displayName: 'Bench',
      mailNickname: 'bench',
      userPrincipalName: `bench@${emulator.info.domain}`,
      passwordProfile: { password: 'Contoso1234!', forceChangePasswordNextSignIn: false },
    })) as { id: string };
    const read = () => graph.api(`/users/${user.id}`).get();
    let written = 0;
    const write = () => {
      const n = written++;
      return graph.api('/groups').post({
        displayName: `Bench ${label} ${n}`,
        mailEnabled: false,
        mailNickname: `bench${n}`,
        securityEnabled: true,
      });
    };
    for (let i = 0; i < 300; i++) await read(); // warm up connections, token cache and JIT
    return [
      await measure(`read, ${label}, sequential`, reads, 1, read),
      await measure(`read, ${label}, ${concurrency} in flight`, reads, concurrency, read),
      await measure(`write, ${label}, sequential`, writeCalls, 1, write),
      await measure(`write, ${label}, ${concurrency} in flight`, writeCalls, concurrency, write),
    ];
  } finally {
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'graph-emulator-bench-'));
  try {
    const stateDir = join(dir, 'state');
    const results = [
      ...(await suite('memory', undefined, stateDir, writes)),
      ...(await suite('data file', join(dir, 'data.json'), stateDir, Math.max(1, Math.floor(writes / 4)))),
    ];
    const cpu = cpus();
    console.log(
      `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`,
    );
    console.log('');
    console.log('| operation | calls | requests/s | p50 (ms) | p99 (ms) |');
    console.log('|---|---:|---:|---:|---:|');
    for (const r of results)
      console.log(`| ${r.name} | ${r.calls} | ${r.perSecond} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
