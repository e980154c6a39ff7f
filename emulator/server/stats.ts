// Call counts for GET /_emulator/stats: per "METHOD route-template" (e.g. "GET /v1.0/users/{id}"), per status,
// and per route and status, plus throttled and injected-fault totals.

export interface StatsSnapshot {
  total: number;
  calls: Record<string, number>;
  statuses: Record<string, number>;
  routes: Record<string, Record<string, number>>;
  throttled: number;
  faultsInjected: number;
}

export class CallStats {
  private snapshotData: StatsSnapshot = CallStats.empty();

  private static empty(): StatsSnapshot {
    return { total: 0, calls: {}, statuses: {}, routes: {}, throttled: 0, faultsInjected: 0 };
  }

  record(key: string, status: number): void {
    const s = this.snapshotData;
    s.total += 1;
    s.calls[key] = (s.calls[key] ?? 0) + 1;
    s.statuses[String(status)] = (s.statuses[String(status)] ?? 0) + 1;
    const route = (s.routes[key] ??= {});
    route[String(status)] = (route[String(status)] ?? 0) + 1;
  }

  countThrottled(): void {
    this.snapshotData.throttled += 1;
  }

  countFault(): void {
    this.snapshotData.faultsInjected += 1;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.snapshotData);
  }

  clear(): void {
    this.snapshotData = CallStats.empty();
  }
}
