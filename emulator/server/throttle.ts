// Graph's identity-and-access throttling: a token bucket per app and tenant, one for reads (3,500 resource units
// per 10 s, the smallest-tenant limit) and one for writes (3,000 requests per 150 s), both multiplied by
// throttleScale (0 disables). A request costs 1 unit, 3 for groups/{id}/members; $expand adds 1, $select takes 1
// off (never below 1). Buckets refill continuously on the wall clock.

export interface ThrottleDecision {
  allowed: boolean;
  cost: number;
  /** Share of the bucket in use after this call, 0..1. */
  usage: number;
  retryAfterSeconds: number;
  kind: 'read' | 'write';
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const limits = {
  read: { units: 3500, windowMs: 10_000 },
  write: { units: 3000, windowMs: 150_000 },
};

export class Throttle {
  private buckets = new Map<string, Bucket>();

  constructor(private readonly scale: () => number) {}

  reset(): void {
    this.buckets.clear();
  }

  charge(
    appId: string,
    tenantId: string,
    method: string,
    baseCost: number,
    hasExpand: boolean,
    hasSelect: boolean,
  ): ThrottleDecision {
    const kind = method === 'GET' ? 'read' : 'write';
    const cost = kind === 'read' ? Math.max(1, baseCost + (hasExpand ? 1 : 0) - (hasSelect ? 1 : 0)) : 1;
    const scale = this.scale();
    if (scale <= 0) return { allowed: true, cost, usage: 0, retryAfterSeconds: 0, kind };
    const capacity = Math.max(1, limits[kind].units * scale);
    const refillPerMs = capacity / limits[kind].windowMs;
    const key = `${kind}:${appId}:${tenantId}`;
    const now = performance.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedAt) * refillPerMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < cost) {
      const retryAfterSeconds = Math.max(1, Math.ceil((cost - bucket.tokens) / refillPerMs / 1000));
      return { allowed: false, cost, usage: 1, retryAfterSeconds, kind };
    }
    bucket.tokens -= cost;
    return { allowed: true, cost, usage: 1 - bucket.tokens / capacity, retryAfterSeconds: 0, kind };
  }
}
