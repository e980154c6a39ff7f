// The chaos run at small N, as part of the suite (`npm run chaos -- --runs 50` is the full one): concurrent sagas
// while the worker is SIGKILLed, Temporal is restarted on its SQLite file and Graph throttles, fails and lags.

import { describe, expect, it } from 'vitest';
import { duplicatedCreations, formatReport } from '../../chaos/report.js';
import { runChaos } from '../../chaos/run-chaos.js';

describe('chaos', () => {
  it('counts creations nobody owns as duplicates', () => {
    const routes = { 'POST /v1.0/users': { '201': 3, '429': 2 }, 'POST /v1.0/groups': { '201': 2 } };
    const owned = [
      { kind: 'user' as const, id: 'u1', name: 'a', created: true },
      { kind: 'user' as const, id: 'u2', name: 'b', created: true },
      { kind: 'user' as const, id: 'u3', name: 'c', created: false },
      { kind: 'group' as const, id: 'g1', name: 'g', created: true },
      { kind: 'group' as const, id: 'g2', name: 'h', created: true },
    ];
    expect(duplicatedCreations(routes, owned)).toBe(1);
  });

  it('ends every run in a known state with nothing leaked, duplicated or stuck', async () => {
    const report = await runChaos({ runs: 6, workerKills: 2, throttleRate: 0.05, unavailableRate: 0.05, lagMs: 500, seed: 7 });
    console.log(formatReport(report));
    expect(report.stuck).toBe(0);
    expect(report.leaked).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.completed + report.compensated).toBe(report.runs);
    expect(report.workerKills + report.serverRestarts).toBeGreaterThanOrEqual(2);
    expect(report.injectedFaults).toBeGreaterThan(0);
  }, 600_000);
});
