// The entra-saga CLI: operators start, watch, list, tear down and cancel provisioning runs.

import { parseArgs } from 'node:util';
import { inputLimits } from './bounded-file.js';
import { bulkLimits, defaultConcurrency } from '../common/bulk.js';
import { CliError, ExitCode } from './exit-codes.js';
import { inputFromFlags } from './input-from-flags.js';
import type { Connected } from './connect.js';
import type { Reachability } from './reconnect.js';
import { reconnectTimeoutSeconds } from './reconnect-timeout.js';
import type { Output } from './render.js';
import { usage } from './usage.js';

const options = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  spec: { type: 'string' },
  'requestor-upn': { type: 'string' },
  'requestor-name': { type: 'string' },
  'group-name': { type: 'string' },
  'group-mail-nickname': { type: 'string' },
  'package-name': { type: 'string' },
  catalog: { type: 'string' },
  'policy-name': { type: 'string' },
  'duration-days': { type: 'string' },
  cleanup: { type: 'string' },
  'delivery-timeout': { type: 'string' },
  'dry-run': { type: 'boolean' },
  query: { type: 'string' },
  limit: { type: 'string' },
  'no-wait': { type: 'boolean' },
  concurrency: { type: 'string' },
  resource: { type: 'string', multiple: true },
  'requested-by': { type: 'string' },
  'request-timeout-hours': { type: 'string' },
  approver: { type: 'string', multiple: true },
  'fallback-approver': { type: 'string' },
  'escalate-to': { type: 'string' },
  'escalate-after-days': { type: 'string' },
  'deny-after-days': { type: 'string' },
  'remind-every-hours': { type: 'string' },
  justification: { type: 'string' },
  mine: { type: 'boolean' },
  admin: { type: 'boolean' },
  'reconnect-timeout': { type: 'string' },
} as const;

const commands = [
  'run',
  'start',
  'status',
  'list',
  'result',
  'teardown',
  'cancel',
  'bulk',
  'request',
  'approvals',
  'approve',
  'deny',
  'cancel-request',
] as const;
type Command = (typeof commands)[number];
const provisioningFlags = [
  'spec',
  'requestor-upn',
  'requestor-name',
  'group-name',
  'group-mail-nickname',
  'package-name',
  'catalog',
  'policy-name',
  'duration-days',
  'cleanup',
  'delivery-timeout',
  'dry-run',
  'resource',
  'requested-by',
  'request-timeout-hours',
  'approver',
  'fallback-approver',
  'escalate-to',
  'escalate-after-days',
  'deny-after-days',
  'remind-every-hours',
];

/** Flags of the people's commands, and the commands they apply to. */
const peopleFlags: Record<string, readonly Command[]> = {
  justification: ['request', 'approve', 'deny'],
  mine: ['approvals'],
  admin: ['cancel-request'],
};

/**
 * Every argument within inputLimits.argumentChars before anything parses, echoes or sends it: validation bounds the
 * provisioning names, but an unknown command, a --cleanup or --duration-days value, a workflow id or a --query would
 * otherwise be echoed whole in an error or sent to Temporal.
 */
function checkArgumentLengths(argv: readonly string[]): void {
  for (const [i, arg] of argv.entries()) {
    if (arg.length <= inputLimits.argumentChars) continue;
    const previous = argv[i - 1] ?? '';
    const takesValue = (options as Record<string, { type: string }>)[previous.slice(2)]?.type === 'string';
    const name = arg.startsWith('--')
      ? arg.split('=', 1)[0]!.slice(0, 40)
      : previous.startsWith('--') && takesValue
        ? previous
        : `argument ${i + 1}`;
    throw new CliError(
      `${name} is ${arg.length.toLocaleString('en-US')} characters long; the limit is ${inputLimits.argumentChars.toLocaleString('en-US')}`,
      ExitCode.BadInput,
    );
  }
}

function parse(argv: string[]) {
  checkArgumentLengths(argv);
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's message goes on to explain "--" for positionals; the first sentence is what an operator needs.
    const first = (error as Error).message.split('. ')[0];
    throw new CliError(`${first}; see \`entra-saga --help\``, ExitCode.BadInput);
  }
}

/** Runs the CLI; resolves with the exit code. Exported so that `npm start` and tests run it in-process. */
export async function main(
  argv: string[],
  out: Output,
  err: Output = { write: (t) => process.stderr.write(t), isTTY: false },
  env = process.env,
): Promise<number> {
  let json = argv.includes('--json');
  let reach: Reachability | undefined;
  try {
    const { values, positionals } = parse(argv);
    json = values.json === true;
    const [command, ...rest] = positionals;
    if (values.help || command === 'help' || command === undefined) {
      out.write(usage);
      return command === undefined && !values.help ? ExitCode.BadInput : ExitCode.Ok;
    }
    if (!commands.includes(command as Command))
      throw new CliError(`unknown command "${command}"; see \`entra-saga --help\``, ExitCode.BadInput);
    const takesId = [
      'status',
      'result',
      'teardown',
      'cancel',
      'bulk',
      'request',
      'approve',
      'deny',
      'cancel-request',
    ].includes(command);
    if (takesId && rest.length !== 1)
      throw new CliError(`${command} takes one ${command === 'bulk' ? 'file' : 'workflow id'}`, ExitCode.BadInput);
    if (!takesId && rest.length) throw new CliError(`unexpected argument "${rest[0]}"`, ExitCode.BadInput);
    const provisioning = command === 'run' || command === 'start';
    const misplaced = Object.keys(values).find((k) => provisioningFlags.includes(k) && !provisioning);
    if (misplaced) throw new CliError(`--${misplaced} applies to run and start only`, ExitCode.BadInput);
    for (const [flag, allowed] of Object.entries(peopleFlags)) {
      if (flag in values && !allowed.includes(command as Command))
        throw new CliError(`--${flag} applies to ${allowed.join(', ')} only`, ExitCode.BadInput);
    }
    const decision = command === 'approve' || command === 'deny';
    if (decision && !values.justification?.trim())
      throw new CliError(
        `${command} needs --justification "why", which the requestor and the audit log see`,
        ExitCode.BadInput,
      );
    const concurrency = values.concurrency === undefined ? defaultConcurrency : Number(values.concurrency);
    const { min, max } = bulkLimits.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < min || concurrency > max) {
      throw new CliError(`--concurrency must be a whole number from ${min} to ${max}`, ExitCode.BadInput);
    }
    if (values.concurrency !== undefined && command !== 'bulk')
      throw new CliError('--concurrency applies to bulk only', ExitCode.BadInput);
    // A bulk file is read and checked once, before connecting, like flags: the run starts from what was checked.
    const bulkFile = command === 'bulk' ? (await import('./bulk-file.js')).readBulkFile(rest[0] ?? '') : undefined;
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new CliError('--limit must be a whole number from 1 to 1000', ExitCode.BadInput);
    // Validate before connecting: bad input is reported even when Temporal is down, and nothing starts.
    const input = provisioning ? inputFromFlags(values, env) : undefined;
    const timeoutSeconds = reconnectTimeoutSeconds(values['reconnect-timeout'], env);
    const id = rest[0] ?? '';
    /** The command that runs, its module loaded (and no other command's: `run` never loads the people's sign-in). */
    const load = async (): Promise<(connected: Connected) => Promise<number>> => {
      switch (command as Command) {
        case 'run':
        case 'start': {
          const { runCommand } = await import('./commands/run.js');
          return (c) => runCommand(c, input!, { json, wait: command === 'run' }, out);
        }
        case 'status':
        case 'list':
        case 'result': {
          const inspect = await import('./commands/inspect.js');
          if (command === 'status') return (c) => inspect.statusCommand(c, id, json, out);
          if (command === 'list') return (c) => inspect.listCommand(c, { query: values.query, limit, json }, out);
          return (c) => inspect.resultCommand(c, id, json, out);
        }
        case 'teardown':
        case 'cancel': {
          const { teardownCommand, cancelCommand } = await import('./commands/teardown.js');
          return command === 'teardown'
            ? (c) => teardownCommand(c, id, json, out)
            : (c) => cancelCommand(c, id, { json, wait: !values['no-wait'] }, out);
        }
        case 'bulk': {
          const { bulkCommand } = await import('./commands/bulk.js');
          return (c) => bulkCommand(c, id, bulkFile!, { concurrency, json }, out);
        }
        case 'request':
        case 'approve':
        case 'deny':
        case 'cancel-request':
        case 'approvals': {
          const people = await import('./commands/people.js');
          const signIn = { json, prompt: err, env };
          if (command === 'request') return (c) => people.requestCommand(c, id, values.justification, signIn, out);
          if (command === 'cancel-request')
            return (c) => people.cancelRequestCommand(c, id, values.admin === true, signIn, out);
          if (command === 'approvals') return (c) => people.approvalsCommand(c, values.mine === true, signIn, out);
          const decision = {
            reviewResult: command === 'approve' ? ('Approve' as const) : ('Deny' as const),
            justification: values.justification ?? '',
          };
          return (c) => people.decideCommand(c, id, decision, signIn, out);
        }
      }
    };
    // The Temporal client and the command load only now: `--help` and bad input answer without them.
    const [{ connect }, execute] = await Promise.all([import('./connect.js'), load()]);
    // Lines about the connection go to stderr: with --json, stdout stays one JSON object.
    const connected = await connect(env, {
      reconnectTimeoutSeconds: timeoutSeconds,
      notify: (line) => err.write(`${line}\n`),
    });
    reach = connected.reach;
    try {
      return await execute(connected);
    } finally {
      await connected.close();
    }
  } catch (thrown) {
    const error = reach?.explain(thrown) ?? thrown;
    if (error instanceof CliError) {
      const workflowId = error.workflowId ? { workflowId: error.workflowId } : {};
      if (json)
        out.write(
          `${JSON.stringify({ status: 'error', error: error.message, exitCode: error.exitCode, ...workflowId })}\n`,
        );
      else err.write(`entra-saga: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (json) out.write(`${JSON.stringify({ status: 'error', error: message, exitCode: ExitCode.RunFailed })}\n`);
    else err.write(`entra-saga: ${message}\n`);
    return ExitCode.RunFailed;
  }
}
