// Port checks for the local stack: a clear error before a child process fails on a busy port.

import { createServer } from 'node:net';

/** Resolves true when `port` on `host` can be bound now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port that was free a moment ago, picked by the OS. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** An error naming the busy port, what wanted it and how to choose another. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    what: string,
    setting: string,
  ) {
    super(`port ${port} (${what}) is already in use. Stop whatever listens there, or set ${setting} to another port.`);
  }
}

export async function assertPortFree(port: number, what: string, setting: string, host = '127.0.0.1'): Promise<void> {
  if (!(await isPortFree(port, host))) throw new PortInUseError(port, what, setting);
}
