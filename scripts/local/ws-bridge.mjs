// The Neon driver speaks Postgres over a WebSocket. In production Neon's proxy terminates it; locally this
// bridge does: ws://127.0.0.1:<port>/v1?address=<host>:<port> → TCP. Loopback only, both ends.

import net from 'node:net';
import { WebSocketServer } from 'ws';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function startWsBridge({ port }) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  wss.on('connection', (ws, req) => {
    const address = new URL(req.url ?? '/', 'http://bridge').searchParams.get('address') ?? '';
    const sep = address.lastIndexOf(':');
    const host = address.slice(0, sep);
    const targetPort = Number(address.slice(sep + 1));
    if (!LOOPBACK.has(host) || !Number.isInteger(targetPort)) {
      ws.close(1008, 'only loopback targets are allowed');
      return;
    }
    const socket = net.connect({ host, port: targetPort });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => ws.readyState === ws.OPEN && ws.send(chunk));
    socket.on('close', () => ws.close());
    socket.on('error', () => ws.close());
    ws.on('message', (data) => socket.write(data));
    ws.on('close', () => socket.destroy());
    ws.on('error', () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => resolve({ url: `127.0.0.1:${port}`, stop: () => new Promise((r) => wss.close(() => r())) }));
  });
}
