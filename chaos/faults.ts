// The Graph faults of the chaos run, and how they are put to the emulator.
//
// The emulator draws only the first rule that matches a call (emulator/server/faults.ts): a rule that does not fire
// leaves the call alone, later rules are not tried. So rules for the same calls cannot be stacked. Instead the run
// rotates them: every slice (a second by default) it picks, for each class of call (reads, POSTs, DELETEs), one kind
// of fault among those that reach that class, weighted by the kinds' rates, and installs it with the sum of those
// rates as its probability. Over the run each call meets each kind with that kind's own rate.

import type { FaultRuleInput } from '../emulator/server/faults.js';

export const faultKinds = ['throttled', 'unavailable', 'lateWrite', 'lateAnswer', 'appliedError'] as const;
export type FaultKind = (typeof faultKinds)[number];
/** The probability that one Graph call (for the write kinds: one write) meets each kind of fault. */
export type FaultRates = Record<FaultKind, number>;

/** Every fault kind: which calls it reaches, what it does to them, and how the report names it. */
const faultShapes: Record<
  FaultKind,
  { writesOnly: boolean; label: string; rule(lateMs: number): Omit<FaultRuleInput, 'method' | 'path'> }
> = {
  throttled: {
    writesOnly: false,
    label: '429 (Retry-After 1 s)',
    rule: () => ({
      status: 429,
      code: 'TooManyRequests',
      message: 'Throttled by the chaos run.',
      retryAfterSeconds: 1,
    }),
  },
  unavailable: {
    writesOnly: false,
    label: '503',
    rule: () => ({ status: 503, code: 'serviceNotAvailable', message: 'Unavailable during the chaos run.' }),
  },
  // The write is held before it is handled: it lands late, and is answered then.
  lateWrite: { writesOnly: true, label: 'landed late', rule: (lateMs) => ({ status: 200, delayMs: lateMs }) },
  // The write lands at once; its answer is held back.
  lateAnswer: { writesOnly: true, label: 'answered late', rule: (lateMs) => ({ status: 200, answerDelayMs: lateMs }) },
  appliedError: {
    writesOnly: true,
    label: 'applied, answered 503',
    rule: () => ({
      status: 503,
      applied: true,
      code: 'serviceNotAvailable',
      message: 'Applied, then answered 503 by the chaos run.',
    }),
  },
};

/** How the report names the kind, and whether it reaches writes only. */
export function faultScope(kind: FaultKind): { label: string; writesOnly: boolean } {
  return { label: faultShapes[kind].label, writesOnly: faultShapes[kind].writesOnly };
}

/** The calls a rule reaches: Graph's reads (and any other method), and its two kinds of write. */
const callClasses = [
  { method: 'POST', writes: true },
  { method: 'DELETE', writes: true },
  { method: undefined, writes: false },
] as const;

const graphPath = '^/v1\\.0/';

/** One slice's rules, and the kind of each, drawn with `rand`. */
export function drawRules(
  rates: FaultRates,
  lateMs: number,
  rand: () => number,
): { kind: FaultKind; rule: FaultRuleInput }[] {
  const drawn: { kind: FaultKind; rule: FaultRuleInput }[] = [];
  for (const calls of callClasses) {
    const kinds = faultKinds.filter((kind) => rates[kind] > 0 && (calls.writes || !faultShapes[kind].writesOnly));
    const total = kinds.reduce((sum, kind) => sum + rates[kind], 0);
    let pick = rand() * total;
    let kind: FaultKind | undefined;
    for (const k of kinds) {
      kind = k;
      if ((pick -= rates[k]) < 0) break;
    }
    if (!kind) continue;
    const rule = { ...faultShapes[kind].rule(lateMs), path: graphPath, probability: Math.min(1, total) };
    drawn.push({ kind, rule: calls.method ? { method: calls.method, ...rule } : rule });
  }
  return drawn;
}

/** One call meets at most one fault, so the rates that reach writes (all of them) may sum to 1 at most. */
export function checkRates(rates: FaultRates): string | undefined {
  const total = faultKinds.reduce((sum, kind) => sum + rates[kind], 0);
  return total > 1
    ? `the fault rates sum to ${total}; a write meets at most one fault, so they may sum to 1 at most`
    : undefined;
}

/** The emulator's control plane as far as the rotation uses it. */
export interface FaultControl {
  installed(): Promise<{ fired: number }[]>;
  install(rules: FaultRuleInput[]): Promise<void>;
  clear(): Promise<void>;
}

/**
 * Rotates the rules every `sliceMs` until stopped, and counts how often each kind fired (installing rules resets the
 * emulator's counts, so they are read just before).
 */
export function rotateFaults(
  control: FaultControl,
  options: { rates: FaultRates; lateMs: number; sliceMs: number; rand: () => number },
): { stop(): Promise<FaultRates> } {
  const fired = Object.fromEntries(faultKinds.map((kind) => [kind, 0])) as FaultRates;
  let current: FaultKind[] = [];
  const collect = async () => {
    const rules = await control.installed();
    rules.forEach((rule, i) => {
      if (current[i]) fired[current[i]] += rule.fired;
    });
  };
  const rotate = async () => {
    const next = drawRules(options.rates, options.lateMs, options.rand);
    await collect();
    await control.install(next.map((d) => d.rule));
    current = next.map((d) => d.kind);
  };
  let running = true;
  let wake: () => void = () => undefined;
  const loop = (async () => {
    while (running) {
      await rotate();
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.sliceMs).unref();
      });
    }
  })();
  loop.catch(() => undefined); // surfaced by stop()
  return {
    async stop() {
      running = false;
      wake();
      await loop;
      await collect();
      await control.clear();
      current = [];
      return fired;
    },
  };
}
