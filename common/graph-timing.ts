// How long Graph may take, in one place: the activities' retry policies (workflows/activity-proxies.ts) and the
// activities' own waits (activities/) are set from these, and the README explains them.

/**
 * The longest one Graph write is awaited. Graph has been seen to answer a write after 20 s and more (a 503 after 21 s
 * that had been applied), so a write is given 90 s: a slow answer is still an answer, not an unknown outcome.
 */
export const writeAnswerTimeoutMs = 90_000;

/**
 * A create that was sent but whose answer was never seen (the worker died, the answer timed out, a 5xx or a broken
 * connection) may still take effect: it is looked for by its key until this long after it was sent — its answer
 * timeout plus time for it to replicate — and taken as never made only after that.
 */
export const writeLandingWindowMs = writeAnswerTimeoutMs + 30_000;

/** How long a just-created object may stay invisible before a 404 is believed. Entra publishes no SLA. */
export const replicationLagWindowMs = 5 * 60_000;

/** A running activity reports that it is alive this often; one silent for `heartbeatTimeoutMs` is retried elsewhere. */
export const heartbeatIntervalMs = 2_000;
export const heartbeatTimeoutMs = 10_000;
