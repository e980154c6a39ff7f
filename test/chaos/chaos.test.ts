// The chaos run at small N, as part of the suite (`npm run chaos -- --runs 50` is the full one): runs that share a
// group and a package, started together, while the worker is SIGKILLed, Temporal is restarted on its SQLite file and
// Graph lags, throttles, fails, lands writes late, answers them late and applies writes it answers 503.

import { describe, expect, it } from 'vitest';
import { type DirectoryObjects, keysHeldTwice } from '../../chaos/directory.js';
import { drawRules, faultKinds } from '../../chaos/faults.js';
import { formatReport } from '../../chaos/report.js';
import { runChaos } from '../../chaos/run-chaos.js';

const emptyDirectory: DirectoryObjects = {
  catalogs: [{ id: 'c1', displayName: 'General' }],
  users: [],
  groups: [],
  catalogResources: [],
  accessPackages: [],
  resourceRoleScopes: [],
  assignmentPolicies: [],
  assignments: [],
};

describe('chaos', () => {
  it('names each key two live objects hold, unless both were there before the run', () => {
    const directory: DirectoryObjects = {
      ...emptyDirectory,
      users: [
        { id: 'u1', userPrincipalName: 'A@contoso.onmicrosoft.com' },
        { id: 'u2', userPrincipalName: 'a@contoso.onmicrosoft.com' },
      ],
      groups: [
        { id: 'g1', mailNickname: 'seeded' },
        { id: 'g2', mailNickname: 'seeded' },
        { id: 'g3', mailNickname: 'other' },
      ],
      accessPackages: [
        { id: 'p1', catalogId: 'c1', displayName: 'Sales' },
        { id: 'p2', catalogId: 'c1', displayName: 'sales' },
      ],
      assignmentPolicies: [
        { id: 'x1', accessPackageId: 'p1', displayName: 'Policy for a' },
        { id: 'x2', accessPackageId: 'p2', displayName: 'Policy for a' },
      ],
    };
    const held = keysHeldTwice(directory, new Set(['groups/g1', 'groups/g2']));
    expect(Object.fromEntries(held)).toEqual({
      'user a@contoso.onmicrosoft.com': ['users/u1', 'users/u2'],
      'access package General/sales': ['accessPackages/p1', 'accessPackages/p2'],
    });
  });

  it('puts one fault on each class of call per slice, write faults on writes only, at the sum of their rates', () => {
    const rates = { throttled: 0.05, unavailable: 0.05, lateWrite: 0.1, lateAnswer: 0.1, appliedError: 0.1 };
    let seed = 0;
    const drawn = Array.from({ length: 2000 }, () =>
      drawRules(rates, 20_000, () => (seed = (seed * 16807 + 12345) % 2147483647) / 2147483647),
    );
    for (const rules of drawn) {
      expect(rules.map((r) => r.rule.method)).toEqual(['POST', 'DELETE', undefined]);
      expect(rules.map((r) => r.rule.probability)).toEqual([0.4, 0.4, 0.1]);
      expect(['throttled', 'unavailable']).toContain(rules[2]?.kind);
    }
    const posts = drawn.map((rules) => rules[0]?.kind);
    for (const kind of faultKinds)
      expect(posts.filter((k) => k === kind).length / drawn.length).toBeCloseTo(rates[kind] / 0.4, 1);
  });

  it('ends every run rolled forward or back with nothing leaked, held twice or stuck, every condition met', async () => {
    const report = await runChaos({
      runs: 6,
      share: 3,
      workerKills: 2,
      lagMs: 3_000,
      throttleRate: 0.05,
      unavailableRate: 0.05,
      lateWriteRate: 0.05,
      lateAnswerRate: 0.05,
      appliedErrorRate: 0.05,
      lateMs: 16_000,
      seed: 7,
    });
    console.log(formatReport(report));
    expect(report.failures).toEqual([]);
    expect(report.stuck).toBe(0);
    expect(report.openCoordinators).toEqual([]);
    expect(report.leakedObjects).toEqual([]);
    expect(report.duplicatedKeys).toEqual([]);
    expect(report.completed + report.compensated).toBe(report.runs);
    expect(report.workerKills).toBe(2);
    expect(report.serverRestarts).toBe(1);
    expect(report.samples).toBeGreaterThan(10);
    for (const kind of faultKinds) expect(report.faultsFired[kind], kind).toBeGreaterThan(0);
  }, 900_000);
});
