// The worker's structured logger: JSON lines when stdout is not a terminal (for log shippers), short readable lines
// on a terminal. Temporal passes the workflow id, activity type and attempt as metadata; activities add the Graph
// request-id. Keys that could carry a secret are dropped, whatever their value.

import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';

const levels: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const secretKey = /secret|password|passwd|token|authorization|credential|api[-_]?key|private/i;

function redact(meta: LogMetadata | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta ?? {})) {
    if (secretKey.test(key)) continue;
    out[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return out;
}

/**
 * The SDK warns that a worker without workflows does not poll for workflow tasks. The Graph-writes worker has none on
 * purpose (its queue carries only the rate-limited writes), so on a terminal the line would read like a fault.
 */
function expected(message: string, meta: LogMetadata | undefined): boolean {
  return message.startsWith('No workflows registered') && String(meta?.taskQueue ?? '').endsWith('-graph-writes');
}

export interface StructuredLoggerOptions {
  level?: LogLevel;
  /** JSON lines; default: when stdout is not a TTY. */
  json?: boolean;
  write?: (line: string) => void;
}

export class StructuredLogger implements Logger {
  readonly #min: number;
  readonly #json: boolean;
  readonly #write: (line: string) => void;

  constructor(options: StructuredLoggerOptions = {}) {
    this.#min = levels[options.level ?? 'INFO'];
    this.#json = options.json ?? !process.stdout.isTTY;
    this.#write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (levels[level] < this.#min || expected(message, meta)) return;
    const fields = redact(meta);
    if (this.#json) {
      this.#write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields }));
      return;
    }
    const context = ['workflowId', 'activityType', 'step', 'graphRequestId']
      .filter((k) => fields[k] !== undefined)
      .map((k) => `${k}=${String(fields[k])}`)
      .join(' ');
    this.#write(
      `${new Date().toISOString().slice(11, 19)} ${level.padEnd(5)} ${message}${context ? ` ${context}` : ''}`,
    );
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
