import { describe, expect, it } from 'vitest';
import { StructuredLogger } from '../../worker/logger.js';

describe('StructuredLogger', () => {
  it('writes one JSON object per line with the metadata, dropping keys that could hold a secret', () => {
    const lines: string[] = [];
    const logger = new StructuredLogger({ json: true, write: (l) => lines.push(l) });
    logger.info('Graph POST /v1.0/users → 201', {
      workflowId: 'provision/x',
      graphRequestId: 'req-1',
      password: 'Secr3t!',
      clientSecret: 'abc',
      accessToken: 'eyJ...',
      authorization: 'Bearer x',
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 'INFO',
      msg: 'Graph POST /v1.0/users → 201',
      workflowId: 'provision/x',
      graphRequestId: 'req-1',
    });
    expect(lines[0]).not.toMatch(/Secr3t|abc|eyJ|Bearer/);
  });

  it('filters by level and writes readable lines on a terminal', () => {
    const lines: string[] = [];
    const logger = new StructuredLogger({ json: false, level: 'WARN', write: (l) => lines.push(l) });
    logger.info('quiet');
    logger.warn('throttled', { workflowId: 'w1', activityType: 'createUser' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARN +throttled workflowId=w1 activityType=createUser$/);
  });

  it("leaves out the SDK's warning that the Graph-writes worker polls no workflow tasks, which it is built not to", () => {
    const lines: string[] = [];
    const logger = new StructuredLogger({ json: false, write: (l) => lines.push(l) });
    logger.warn('No workflows registered, not polling for workflow tasks', { taskQueue: 'entra-saga-graph-writes' });
    logger.warn('No workflows registered, not polling for workflow tasks', { taskQueue: 'entra-saga' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/No workflows registered/);
  });
});
