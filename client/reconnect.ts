// Rides the CLI through Temporal being unreachable for a while — a frontend restarted by a deploy, a dev server
// restarted on its database — instead of reading a dropped connection as the run's end.
//
// Every gRPC call of the CLI passes through one interceptor. A call that fails because Temporal cannot be reached is
// sent again, byte for byte, until Temporal answers or until the reconnect timeout has passed since the connection
// was lost; then every waiting call ends with UNAVAILABLE and the CLI exits 3, naming the timeout. Sending the
// identical request is what makes a retried write safe: a start, signal or cancellation carries a request id that the
// server deduplicates, so a start whose answer was lost returns the run it made — even one that has already ended —
// and never starts a second run.

import { InterceptingCall, type Interceptor, Metadata, type NextCall, type StatusObject, status } from '@grpc/grpc-js';
import { isGrpcServiceError, isRetryableError } from '@temporalio/client';
import { CliError, ExitCode } from './exit-codes.js';
import { formatSeconds } from './reconnect-timeout.js';

/**
 * What a call's status says about Temporal:
 * - `answered`: Temporal answered (a result, or an error of its own such as NOT_FOUND or INVALID_ARGUMENT);
 * - `unreachable`: the call did not reach a working Temporal, and sending it again may succeed;
 * - `busy`: Temporal answered but asks to be called again (rate limited, aborted): a few retries, as the SDK does;
 * - `expired`: the caller's own deadline passed or the caller cancelled: says nothing about Temporal.
 */
type Reading = 'answered' | 'unreachable' | 'busy' | 'expired';

export function readStatus(
  { code, details }: Pick<StatusObject, 'code' | 'details'>,
  method: string,
  ownDeadlinePassed: boolean,
): Reading {
  switch (code) {
    case status.OK:
      return 'answered';
    case status.UNAVAILABLE:
      return 'unreachable';
    case status.DEADLINE_EXCEEDED:
      if (ownDeadlinePassed) return 'expired';
      // A query waits for a worker to answer it: a server that gives up on that has answered. Any other call the CLI
      // makes sets no deadline, so the server's own (a frontend that cannot reach its history service) is an outage.
      return method.endsWith('/QueryWorkflow') ? 'answered' : 'unreachable';
    case status.CANCELLED:
      // The CLI cancels none of its calls; a cancellation it did not make is a server or proxy going away.
      return /Cancelled on client/i.test(details) ? 'expired' : 'unreachable';
    case status.INTERNAL:
      // HTTP/2 streams reset by a proxy or a closing connection; the SDK's own classifier knows which (not TLS).
      return isRetryableError({ code, details, metadata: new Metadata() }) ? 'unreachable' : 'answered';
    default:
      return isRetryableError({ code, details, metadata: new Metadata() }) ? 'busy' : 'answered';
  }
}

/** The gRPC status under an error of the SDK's (a ServiceError's cause), if any. */
function grpcStatusOf(error: unknown): Pick<StatusObject, 'code' | 'details'> | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (isGrpcServiceError(current)) return current;
  }
  return undefined;
}

const codeNames = Object.fromEntries(Object.entries(status).map(([name, code]) => [code, name]));

/** One call of the CLI, while it is under way: what giving up must end. */
interface PendingCall {
  abandon(details: string): void;
}

export interface ReachabilityOptions {
  /** Temporal's address, for the messages. */
  address: string;
  timeoutSeconds: number;
  /** Receives the lines "lost the connection" and "reconnected" (the CLI writes them to stderr). */
  notify(line: string): void;
  now?: () => number;
}

/** Retries after an unreachable answer: quick at first, then every 3 s, so that a return is noticed within 3 s. */
function reconnectDelayMs(attempt: number): number {
  return Math.min(3_000, 250 * 1.6 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
}

/** Retries of a busy answer: as the SDK's default (10 attempts), longer for RESOURCE_EXHAUSTED. */
function busyDelayMs(attempt: number, code: status): number {
  const initial = code === status.RESOURCE_EXHAUSTED ? 1_000 : 100;
  return Math.min(5_000, initial * 1.7 ** attempt) * (0.8 + Math.random() * 0.4);
}
const busyAttempts = 10;

/**
 * Whether the CLI can reach Temporal, shared by all its calls: one line when the connection is lost, one when it is
 * back, and the end of every waiting call once the timeout has passed.
 */
export class Reachability {
  #state: 'connecting' | 'connected' | 'lost' | 'gaveUp' | 'closed' = 'connecting';
  #lostAt = 0;
  #gaveUp = false;
  #giveUpTimer: NodeJS.Timeout | undefined;
  readonly #pending = new Set<PendingCall>();
  readonly #listeners = new Set<() => void>();
  #probe: (() => Promise<unknown>) | undefined;
  #workflowId: string | undefined;
  #hint = '';
  readonly #now: () => number;

  constructor(private readonly options: ReachabilityOptions) {
    this.#now = options.now ?? Date.now;
  }

  get timeoutSeconds(): number {
    return this.options.timeoutSeconds;
  }

  /** The first connection is made: from now on an unreachable Temporal is waited for (before, it fails at once). */
  connected(): void {
    if (this.#state === 'connecting') this.#state = 'connected';
  }

  /**
   * A call that only Temporal's history can answer, made while the connection is lost, so that its return is noticed
   * even when the CLI's only other call is a long poll that answers only when the run ends.
   */
  setProbe(probe: () => Promise<unknown>): void {
    this.#probe = probe;
  }

  /** The run the CLI is about, and what to tell the operator about it if the CLI stops waiting. */
  about(workflowId: string, hint: string): void {
    this.#workflowId = workflowId;
    this.#hint = hint;
  }

  get workflowId(): string | undefined {
    return this.#workflowId;
  }

  /** Called just before each line "lost" or "reconnected", to make room for it (a live view starts anew below it). */
  onNotice(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The error to exit with when a transport failure reached the command once connected: Temporal stayed unreachable
   * past the timeout, or kept answering "busy" (rate limited). Exit 3, never the run's outcome, which the CLI did not
   * see.
   */
  explain(error: unknown): CliError | undefined {
    const failure = grpcStatusOf(error);
    if (!failure) return undefined;
    // The interceptor hands an unreachable status to a command only once it has given up (a query's own deadline
    // aside, which follow() ignores); before that, a DEADLINE_EXCEEDED is a query no worker answered, not an outage.
    const reading = readStatus(failure, '', false);
    if (this.#gaveUp && reading !== 'answered') {
      return new CliError(this.#giveUpMessage(), ExitCode.CannotConnect, this.#workflowId);
    }
    if (reading !== 'busy') return undefined;
    return new CliError(
      `Temporal at ${this.options.address} kept answering ${codeNames[failure.code] ?? failure.code} (${failure.details.split('\n')[0]?.slice(0, 200) ?? ''}); try again later`,
      ExitCode.CannotConnect,
      this.#workflowId,
    );
  }

  /**
   * For a call whose failure the command may ignore (a progress query no worker answered): ignored, unless Temporal
   * could not be reached, which ends the command with exit 3 rather than showing a run without its progress.
   */
  ignoreUnlessUnreachable(error: unknown): undefined {
    const unreachable = this.explain(error);
    if (unreachable) throw unreachable;
    return undefined;
  }

  /** Why the CLI stopped waiting, for the one line it exits with. */
  #giveUpMessage(): string {
    const s = this.options.timeoutSeconds;
    const since = this.#lostAt ? ` since ${new Date(this.#lostAt).toISOString()}` : '';
    return (
      `Temporal at ${this.options.address} stayed unreachable${since} past the reconnect timeout of ${formatSeconds(s)} ` +
      `(--reconnect-timeout or ENTRA_SAGA_RECONNECT_TIMEOUT)${this.#hint ? `; ${this.#hint}` : ''}`
    );
  }

  /** Stops waiting for anything: the CLI is done. */
  close(): void {
    this.#state = 'closed';
    clearTimeout(this.#giveUpTimer);
    for (const call of [...this.#pending]) call.abandon('the CLI closed its connection');
  }

  #notify(line: string): void {
    for (const listener of this.#listeners) listener();
    this.options.notify(line);
  }

  #answered(): void {
    if (this.#state !== 'lost') return;
    this.#state = 'connected';
    clearTimeout(this.#giveUpTimer);
    const seconds = Math.max(0, Math.round((this.#now() - this.#lostAt) / 1000));
    this.#notify(`entra-saga: reconnected to Temporal at ${this.options.address} after ${seconds} s`);
  }

  #unreachable(failure: Pick<StatusObject, 'code' | 'details'>): void {
    if (this.#state !== 'connected') return;
    this.#state = 'lost';
    this.#lostAt = this.#now();
    const s = this.options.timeoutSeconds;
    const reason = `${codeNames[failure.code] ?? failure.code}: ${failure.details.split('\n')[0]?.slice(0, 120) ?? ''}`;
    this.#notify(
      `entra-saga: lost the connection to Temporal at ${this.options.address} (${reason}); reconnecting for up to ` +
        `${formatSeconds(s)}, until ${new Date(this.#lostAt + s * 1000).toISOString()}`,
    );
    this.#giveUpTimer = setTimeout(() => this.#giveUp(), s * 1000);
    // Unreferenced: waiting calls keep the CLI alive; this timer alone must not.
    this.#giveUpTimer.unref();
    this.#probe?.().catch(() => undefined);
  }

  #giveUp(): void {
    if (this.#state !== 'lost') return;
    this.#state = 'gaveUp';
    this.#gaveUp = true;
    const details = `Temporal unreachable past the reconnect timeout of ${formatSeconds(this.options.timeoutSeconds)}`;
    for (const call of [...this.#pending]) call.abandon(details);
  }

  /** How long to wait before sending a failed call again, or undefined to hand its status to the caller. */
  #retryDelay(failure: StatusObject, method: string, attempt: number, ownDeadlinePassed: boolean): number | undefined {
    const reading = readStatus(failure, method, ownDeadlinePassed);
    if (reading === 'answered') {
      this.#answered();
      return undefined;
    }
    if (reading === 'busy') {
      this.#answered();
      return attempt < busyAttempts ? busyDelayMs(attempt, failure.code) : undefined;
    }
    if (reading === 'expired') return undefined;
    this.#unreachable(failure);
    return this.#state === 'lost' ? reconnectDelayMs(attempt) : undefined;
  }

  /** The interceptor for the CLI's Connection: it replaces the SDK's default retry interceptor. */
  interceptor(): Interceptor {
    return (options, nextCall: NextCall) => {
      const method = options.method_definition.path;
      const deadline = options.deadline === undefined ? undefined : new Date(options.deadline).getTime();
      let outer: { onReceiveMessage(message: unknown): void; onReceiveStatus(status: StatusObject): void };
      let metadata: Metadata;
      let request: unknown;
      let attempt = 1;
      let retry: ReturnType<typeof nextCall> | undefined;
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      let cancelled = false;

      const finish = (final: StatusObject, response?: { value: unknown }) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.#pending.delete(pending);
        if (final.code === status.OK && response) outer.onReceiveMessage(response.value);
        outer.onReceiveStatus(final);
      };
      const pending: PendingCall = {
        abandon: (details) => {
          const current = retry;
          finish({ code: status.UNAVAILABLE, details, metadata: new Metadata() });
          // The attempt in flight (if any) is cut; its status comes after finish() and is dropped.
          current?.cancelWithStatus(status.CANCELLED, details);
          if (!current) first.cancelWithStatus(status.CANCELLED, details);
        },
      };
      const settle = (failure: StatusObject, response: { value: unknown } | undefined) => {
        if (finished) return;
        const ownDeadlinePassed = deadline !== undefined && this.#now() >= deadline;
        const delay =
          cancelled || this.#state === 'closed'
            ? undefined
            : this.#retryDelay(failure, method, attempt, ownDeadlinePassed);
        if (delay === undefined) {
          finish(failure, response);
          return;
        }
        const wait = deadline === undefined ? delay : Math.min(delay, Math.max(0, deadline - this.#now()));
        timer = setTimeout(sendAgain, wait);
      };
      const sendAgain = () => {
        attempt += 1;
        let response: { value: unknown } | undefined;
        const call = nextCall(options);
        retry = call;
        call.start(metadata, {
          onReceiveMessage: (value: unknown) => void (response = { value }),
          onReceiveStatus: (received: StatusObject) => {
            if (retry === call) settle(received, response);
          },
        });
        call.sendMessage(request);
        call.halfClose();
      };

      const first = new InterceptingCall(nextCall(options), {
        start: (md, listener, next) => {
          metadata = md;
          outer = listener;
          this.#pending.add(pending);
          let response: { value: unknown } | undefined;
          next(md, {
            onReceiveMetadata: (received: Metadata) => listener.onReceiveMetadata(received),
            onReceiveMessage: (value: unknown) => void (response = { value }),
            onReceiveStatus: (received: StatusObject) => {
              if (!retry) settle(received, response);
            },
          });
        },
        sendMessage: (message, next) => {
          request = message;
          next(message);
        },
        cancel: (next) => {
          cancelled = true;
          if (retry) {
            retry.cancelWithStatus(status.CANCELLED, 'Cancelled on client');
          } else if (timer) {
            finish({ code: status.CANCELLED, details: 'Cancelled on client', metadata: new Metadata() });
          }
          next();
        },
      });
      return first;
    };
  }
}
