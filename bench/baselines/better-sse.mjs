// Baseline for the benchmark only: better-sse 0.16 as its README shows it. One
// session per stream registered on one channel; each event is one
// channel.broadcast. Heartbeats off (as for the product in the bench). Same paths.
import http from 'node:http';
import { createChannel, createSession } from 'better-sse';

const STREAM = '/api/v1/sso/stream';
const BROADCAST = '/api/v1/sso/broadcast';
const channel = createChannel();

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function subscribe(req, res) {
  const session = await createSession(req, res, { keepAlive: null });
  channel.register(session);
}

function broadcast(req, res) {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      return json(res, 400, { success: false, code: 400, message: 'body is not JSON' });
    }
    if (parsed === null || typeof parsed !== 'object' || !('message' in parsed))
      return json(res, 400, { success: false, code: 400, message: 'message is required' });
    channel.broadcast({ message: parsed.message });
    return json(res, 202, { success: true, code: 202 });
  });
}

const server = http.createServer((req, res) => {
  const url = req.url.split('?')[0];
  if (url === STREAM && req.method === 'GET') {
    subscribe(req, res).catch(() => res.destroy());
    return undefined;
  }
  if (url === BROADCAST && req.method === 'POST') return broadcast(req, res);
  return json(res, 404, { success: false, code: 404, message: 'not found' });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 8105), process.env.HOST ?? '127.0.0.1');

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
