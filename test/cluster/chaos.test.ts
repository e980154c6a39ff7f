// The chaos run on the local multi-service cluster, at small N (`npm run chaos:cluster -- --runs 30` is the full one):
// runs that share a group and a package, started together, while a history process is SIGKILLed (its shards move to
// the other one), a matching process is SIGKILLed, the frontend and PostgreSQL are restarted and workers are
// SIGKILLed — and Graph lags, throttles, fails, lands writes late, answers them late and applies writes it answers 503.

import { describe, expect, it } from 'vitest';
import { clusterTemporal } from '../../chaos/cluster.js';
import { faultKinds } from '../../chaos/faults.js';
import { formatReport } from '../../chaos/report.js';
import { runChaos } from '../../chaos/run-chaos.js';

describe('chaos on the cluster', () => {
  it('ends every run rolled forward or back with nothing leaked, held twice or stuck, through every disruption', async () => {
    const report = await runChaos({
      runs: 8,
      share: 4,
      workers: 2,
      workerKills: 2,
      temporal: clusterTemporal,
      lagMs: 3_000,
      throttleRate: 0.05,
      unavailableRate: 0.05,
      lateWriteRate: 0.05,
      lateAnswerRate: 0.05,
      appliedErrorRate: 0.05,
      lateMs: 16_000,
      seed: 11,
      log: (line) => console.log(`[chaos] ${line}`),
    });
    console.log(formatReport(report));
    expect(report.failures).toEqual([]);
    expect(report.stuck).toBe(0);
    expect(report.openCoordinators).toEqual([]);
    expect(report.leakedObjects).toEqual([]);
    expect(report.duplicatedKeys).toEqual([]);
    expect(report.completed + report.compensated).toBe(report.runs);
    expect(report.workerKills).toBe(2);
    expect(report.disruptions).toEqual([
      'history-1 SIGKILLed; back once history-2 serves all shards',
      'matching-2 SIGKILLed; back once matching-1 serves',
      'frontend restarted',
      'PostgreSQL restarted',
    ]);
    expect(report.samples).toBeGreaterThan(10);
    // Graph's faults were in play; that each kind fires is the dev server's chaos test's check (test/chaos): at 8 runs
    // a rare write fault may not come up, and what this run is about is the cluster's disruptions.
    expect(faultKinds.reduce((sum, kind) => sum + report.faultsFired[kind], 0)).toBeGreaterThan(0);
  }, 1_200_000);
});
