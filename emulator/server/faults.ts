// Scripted faults (POST /_emulator/faults). Rules are tried in order; the first whose method and path pattern
// match and which has firings left is the candidate, and it fires with its probability drawn from the seeded RNG
// (a run with the same seed and the same calls replays the same faults). A fired rule first waits `delayMs`, then:
//   status < 400               the call is handled and its own answer goes out;
//   status ≥ 400               the call is not handled: the rule's error is the answer;
//   status ≥ 400, `applied`    the call is handled (its effect stands) and the rule's error replaces its answer,
//                              as Graph does when it applies a write and still answers 5xx.
// In every case the answer is then held back `answerDelayMs`: a write that lands at once is answered late, past the
// client's timeout. The caller handles the call and holds the answer; this module only decides.

import { setTimeout as sleep } from 'node:timers/promises';
import type { SeededRandom } from '../rng.js';

export interface FaultRuleInput {
  method?: string;
  path: string;
  /** A regular expression the request's body must match, e.g. `"originSystem":\s*"AadApplication"`. */
  body?: string;
  status: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  /** Before the call is handled. */
  delayMs?: number;
  /** After the call is handled, before its answer is written. */
  answerDelayMs?: number;
  /** With a status ≥ 400: handle the call first, then answer the error. */
  applied?: boolean;
  times?: number;
  probability?: number;
}

interface ActiveRule extends FaultRuleInput {
  pattern: RegExp;
  bodyPattern?: RegExp;
  remaining: number;
  fired: number;
}

interface InjectedError {
  status: number;
  code: string | undefined;
  message: string | undefined;
  retryAfterSeconds: number | undefined;
}

export interface FiredFault {
  /** The answer to give instead of the call's own, or undefined to give its own. */
  error: InjectedError | undefined;
  /** Whether the call is handled (its effect stands), whatever the answer. */
  handled: boolean;
  answerDelayMs: number;
}

export class FaultRuleError extends Error {
  override readonly name = 'FaultRuleError';
}

const ruleKeys = new Set([
  'method',
  'path',
  'body',
  'status',
  'code',
  'message',
  'retryAfterSeconds',
  'delayMs',
  'answerDelayMs',
  'applied',
  'times',
  'probability',
]);

function validate(raw: unknown, index: number): ActiveRule {
  const where = `rules[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new FaultRuleError(`${where} must be an object`);
  const rule = raw as Record<string, unknown>;
  for (const key of Object.keys(rule))
    if (!ruleKeys.has(key)) throw new FaultRuleError(`${where}.${key} is not a fault rule field`);
  if (typeof rule.path !== 'string')
    throw new FaultRuleError(`${where}.path is required (a regular expression on the request path)`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(rule.path);
  } catch (error) {
    throw new FaultRuleError(`${where}.path is not a valid regular expression: ${(error as Error).message}`);
  }
  let bodyPattern: RegExp | undefined;
  if (rule.body !== undefined) {
    try {
      if (typeof rule.body !== 'string') throw new Error('it is not a string');
      bodyPattern = new RegExp(rule.body);
    } catch (error) {
      throw new FaultRuleError(`${where}.body is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  if (!Number.isInteger(rule.status) || (rule.status as number) < 100 || (rule.status as number) > 599)
    throw new FaultRuleError(`${where}.status must be an HTTP status code`);
  const optionalNumber = (key: string, check: (n: number) => boolean, what: string) => {
    if (rule[key] !== undefined && (typeof rule[key] !== 'number' || !check(rule[key])))
      throw new FaultRuleError(`${where}.${key} must be ${what}`);
  };
  optionalNumber('retryAfterSeconds', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer');
  optionalNumber('delayMs', (n) => n >= 0, 'a non-negative number');
  optionalNumber('answerDelayMs', (n) => n >= 0, 'a non-negative number');
  optionalNumber('times', (n) => Number.isInteger(n) && n > 0, 'a positive integer');
  optionalNumber('probability', (n) => n >= 0 && n <= 1, 'between 0 and 1');
  for (const key of ['method', 'code', 'message']) {
    if (rule[key] !== undefined && typeof rule[key] !== 'string')
      throw new FaultRuleError(`${where}.${key} must be a string`);
  }
  if (rule.applied !== undefined) {
    if (typeof rule.applied !== 'boolean') throw new FaultRuleError(`${where}.applied must be a boolean`);
    if ((rule.status as number) < 400)
      throw new FaultRuleError(
        `${where}.applied needs an error status (400 or above); with a lower status the call is always handled`,
      );
  }
  const input = rule as unknown as FaultRuleInput;
  return {
    ...input,
    pattern,
    ...(bodyPattern ? { bodyPattern } : {}),
    remaining: input.times ?? Number.POSITIVE_INFINITY,
    fired: 0,
  };
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: SeededRandom) {}

  /** Replaces the rules; throws FaultRuleError naming the first invalid field. */
  set(rules: unknown): void {
    if (!Array.isArray(rules)) throw new FaultRuleError('rules must be a list');
    this.rules = rules.map(validate);
  }

  clear(): void {
    this.rules = [];
  }

  describe(): unknown[] {
    return this.rules.map(({ pattern: _pattern, bodyPattern: _body, remaining, fired, ...rule }) => ({
      ...rule,
      remaining: Number.isFinite(remaining) ? remaining : null,
      fired,
    }));
  }

  /** Waits the fired rule's `delayMs` and says how to handle and answer the call; undefined when no rule fires. */
  async apply(method: string, path: string, body = ''): Promise<FiredFault | undefined> {
    const rule = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        (!r.method || r.method.toUpperCase() === method) &&
        r.pattern.test(path) &&
        (!r.bodyPattern || r.bodyPattern.test(body)),
    );
    if (!rule) return undefined;
    if ((rule.probability ?? 1) < 1 && this.random.next() >= (rule.probability ?? 1)) return undefined;
    rule.remaining -= 1;
    rule.fired += 1;
    if (rule.delayMs) await sleep(rule.delayMs);
    const answerDelayMs = rule.answerDelayMs ?? 0;
    if (rule.status < 400) return { error: undefined, handled: true, answerDelayMs };
    return {
      error: { status: rule.status, code: rule.code, message: rule.message, retryAfterSeconds: rule.retryAfterSeconds },
      handled: rule.applied ?? false,
      answerDelayMs,
    };
  }
}
