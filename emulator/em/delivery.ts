// Delivery resource by resource. An assignment request delivers each kind of resource its package holds roles in
// (groups, applications, SharePoint sites) after that kind's own delay, and is delivered when the last of them is:
//
//   submitted ─(⅓ of the shortest delay)→ delivering ─(each kind's delay)→ that kind's roles granted
//             ─(the longest delay)→ delivered | partiallyDelivered (some kinds failed) | deliveryFailed (all failed)
//
// A removal takes each kind's roles away after the same delays. Scripted delivery faults either end the whole
// request (a rule without originSystem, as before) or fail or hold one kind of resource.

import type { RuntimeConfig } from '../options.js';
import type {
  AssignmentRecord,
  DeliveryFaultRule,
  DeliveryOutcome,
  EmulatorState,
  OriginSystem,
  ResourceDelivery,
} from '../store/state.js';
import { assignmentView, grantsAccess } from './lifecycle.js';

/** The knob that times each kind of resource; the per-kind ones follow deliveryDelayMs while null. */
const delayKnob: Record<OriginSystem, 'deliveryDelayMs' | 'appDeliveryDelayMs' | 'siteDeliveryDelayMs'> = {
  AadGroup: 'deliveryDelayMs',
  AadApplication: 'appDeliveryDelayMs',
  SharePointOnline: 'siteDeliveryDelayMs',
};

export const originSystems = Object.keys(delayKnob) as OriginSystem[];

function delayOf(config: RuntimeConfig, kind: OriginSystem): number {
  return config[delayKnob[kind]] ?? config.deliveryDelayMs;
}

/** The kinds of resource whose roles the package's role scopes name, in a fixed order. */
export function packageKinds(state: EmulatorState, accessPackageId: string): OriginSystem[] {
  const roleIds = new Set(
    state.roleScopes.filter((rs) => rs.accessPackageId === accessPackageId).map((rs) => rs.roleId),
  );
  const kinds = new Set(state.resourceRoles.filter((r) => roleIds.has(r.id)).map((r) => r.originSystem));
  return originSystems.filter((kind) => kinds.has(kind));
}

interface Timeline {
  deliveringAt: number;
  completesAt: number;
  /** When each kind is done. */
  at: Partial<Record<OriginSystem, number>>;
}

/** A package without role scopes still takes deliveryDelayMs. */
function timeline(now: number, kinds: readonly OriginSystem[], config: RuntimeConfig): Timeline {
  const at = Object.fromEntries(kinds.map((kind) => [kind, now + delayOf(config, kind)]));
  const delays = kinds.length > 0 ? kinds.map((kind) => delayOf(config, kind)) : [config.deliveryDelayMs];
  return {
    deliveringAt: now + Math.round(Math.min(...delays) / 3),
    completesAt: now + Math.max(...delays),
    at,
  };
}

export interface DeliveryPlan {
  deliveringAt: number;
  completesAt: number;
  outcome: DeliveryOutcome;
  deliveries: Partial<Record<OriginSystem, ResourceDelivery>>;
}

/** What an add request will do: `requestOutcome` from a whole-request fault, `kindFaults` from per-kind ones. */
export function planDelivery(
  now: number,
  kinds: readonly OriginSystem[],
  config: RuntimeConfig,
  requestOutcome: DeliveryOutcome,
  kindFaults: Partial<Record<OriginSystem, ResourceDelivery['outcome']>>,
): DeliveryPlan {
  const { deliveringAt, completesAt, at } = timeline(now, kinds, config);
  // A whole-request fault grants nothing (a stuck one grants nothing while it holds).
  const whole: ResourceDelivery['outcome'] | undefined =
    requestOutcome === 'delivered' ? undefined : requestOutcome === 'stuck' ? 'stuck' : 'deliveryFailed';
  const deliveries = Object.fromEntries(
    kinds.map((kind) => [kind, { at: at[kind]!, outcome: whole ?? kindFaults[kind] ?? 'delivered' }]),
  ) as Partial<Record<OriginSystem, ResourceDelivery>>;
  let outcome = requestOutcome;
  if (outcome === 'delivered') {
    const outcomes = kinds.map((kind) => deliveries[kind]!.outcome);
    const failed = outcomes.filter((o) => o === 'deliveryFailed').length;
    if (outcomes.includes('stuck')) outcome = 'stuck';
    else if (failed > 0) outcome = failed === kinds.length ? 'deliveryFailed' : 'partiallyDelivered';
  }
  return { deliveringAt, completesAt, outcome, deliveries };
}

/** When a removal takes each kind's roles away, and when it is done. */
export function planRemoval(
  now: number,
  kinds: readonly OriginSystem[],
  config: RuntimeConfig,
): { deliveringAt: number; completesAt: number; removals: Partial<Record<OriginSystem, number>> } {
  const { deliveringAt, completesAt, at } = timeline(now, kinds, config);
  return { deliveringAt, completesAt, removals: at };
}

const isAdd = (requestType: string) => requestType.endsWith('Add');

/**
 * Takes the scripted delivery faults that apply to a new request: the first whole-request rule for its type, else
 * (add requests only) the first rule for each kind of resource its package holds. Returns the rules left.
 */
export function takeDeliveryFaults(
  rules: readonly DeliveryFaultRule[],
  requestType: string,
  kinds: readonly OriginSystem[],
): {
  outcome: DeliveryOutcome;
  kindFaults: Partial<Record<OriginSystem, ResourceDelivery['outcome']>>;
  remaining: DeliveryFaultRule[];
} {
  const remaining = rules.map((rule) => ({ ...rule }));
  const matches = (rule: DeliveryFaultRule) =>
    rule.times > 0 && (rule.requestType === undefined || rule.requestType === requestType);
  const take = (rule: DeliveryFaultRule) => {
    rule.times -= 1;
    return rule.outcome;
  };
  let outcome: DeliveryOutcome = 'delivered';
  const kindFaults: Partial<Record<OriginSystem, ResourceDelivery['outcome']>> = {};
  const whole = remaining.find((rule) => rule.originSystem === undefined && matches(rule));
  if (whole) {
    outcome = take(whole);
  } else if (isAdd(requestType)) {
    for (const kind of kinds) {
      const rule = remaining.find((r) => r.originSystem === kind && matches(r));
      if (rule) kindFaults[kind] = take(rule) as ResourceDelivery['outcome'];
    }
  }
  return { outcome, kindFaults, remaining: remaining.filter((rule) => rule.times > 0) };
}

/** When the assignment's roles of this kind were (or will be) granted. */
export function deliveredAtFor(assignment: AssignmentRecord, kind: OriginSystem): number {
  return assignment.deliveries?.[kind]?.at ?? assignment.deliveredAt;
}

/**
 * Whether the assignment grants its package's roles of this kind right now: from that kind's delivery (even while
 * other kinds are still delivering) until the removal reaches that kind, the assignment expires, or it ends.
 */
export function grantsResource(assignment: AssignmentRecord, kind: OriginSystem, now: number): boolean {
  const delivery = assignment.deliveries?.[kind];
  // Records from before per-kind delivery, and kinds added to the package later: while the assignment is delivered.
  if (!delivery) return grantsAccess(assignment, now);
  const view = assignmentView(assignment, now);
  if (!view || view.state === 'expired' || view.state === 'deliveryFailed') return false;
  if (delivery.outcome !== 'delivered' || now < delivery.at) return false;
  const removedAt = assignment.removals?.[kind] ?? assignment.removedAt;
  return removedAt === undefined || now < removedAt;
}
