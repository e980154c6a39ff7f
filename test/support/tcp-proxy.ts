// A TCP proxy between a client and Temporal that a test can break the way a network does: drop the server's answers
// while requests still arrive (a start that lands but whose answer is lost), cut every connection and refuse new
// ones (a frontend gone), and forward again.

import { type Server, type Socket, connect, createServer } from 'node:net';

export interface TcpProxy {
  /** host:port to give the client instead of the server's. */
  address: string;
  /** Requests still reach the server; its answers are dropped. */
  dropAnswers(): void;
  /** Closes every connection and refuses new ones until forward(). */
  cut(): void;
  /** Forwards both ways again. */
  forward(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const separator = target.lastIndexOf(':');
  const host = target.slice(0, separator);
  const port = Number(target.slice(separator + 1));
  let mode: 'forward' | 'dropAnswers' | 'cut' = 'forward';
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect({ host, port });
    track(upstream);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (mode === 'forward') client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no TCP address');
  return {
    address: `127.0.0.1:${address.port}`,
    dropAnswers: () => void (mode = 'dropAnswers'),
    cut() {
      mode = 'cut';
      for (const socket of sockets) socket.destroy();
    },
    forward: () => void (mode = 'forward'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
