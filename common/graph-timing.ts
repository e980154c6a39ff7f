// How long Graph may take, in one place: the activities' retry policies (workflows/activity-proxies.ts) and the
// activities' own waits (activities/) are set from these, and the README explains them.

/**
 * The longest one Graph write is awaited. Graph has been seen to answer a write after 20 s and more (a 503 after 21 s
 * that had been applied), so a write is given 90 s: a slow answer is still an answer, not an unknown outcome.
 */
export const writeAnswerTimeoutMs = 90_000;

/**
 * How long an object a write made may take to show in Graph's reads. Entra publishes no replication SLA; new users
 * and groups are seen missing for seconds. A create answered with a 5xx (which Graph may have applied) is looked for
 * by its key this long after the answer before it is created again; should a copy show later still, it is a stray
 * that the removal of the object finds by the key and deletes.
 */
export const replicationAllowanceMs = 10_000;

/**
 * A create that was sent but whose answer was never seen (the worker died, or the answer timed out) may still take
 * effect: it is looked for by its key until this long after it was sent — its answer timeout plus the replication
 * allowance — and taken as never made only after that.
 */
export const writeLandingWindowMs = writeAnswerTimeoutMs + replicationAllowanceMs;

/** How long a just-created object may stay invisible before a 404 is believed. Entra publishes no SLA. */
export const replicationLagWindowMs = 5 * 60_000;

/** A running activity reports that it is alive this often; one silent for `heartbeatTimeoutMs` is retried elsewhere. */
export const heartbeatIntervalMs = 2_000;
export const heartbeatTimeoutMs = 10_000;
