// Baseline for the benchmark only: the seed's naive design. node:http, a Set of
// responses, and for each event one JSON.stringify and one res.write per client;
// the broadcast answers after the loop. Same paths as the product.
import http from 'node:http';

const STREAM = '/api/v1/sso/stream';
const BROADCAST = '/api/v1/sso/broadcast';
const clients = new Set();

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function subscribe(req, res) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  res.flushHeaders();
  clients.add(res);
  req.on('close', () => clients.delete(res));
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
    const msg = { message: parsed.message };
    for (const client of clients) client.write('data: ' + JSON.stringify(msg) + '\n\n');
    return json(res, 202, { success: true, code: 202 });
  });
}

const server = http.createServer((req, res) => {
  const url = req.url.split('?')[0];
  if (url === STREAM && req.method === 'GET') return subscribe(req, res);
  if (url === BROADCAST && req.method === 'POST') return broadcast(req, res);
  return json(res, 404, { success: false, code: 404, message: 'not found' });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 8104), process.env.HOST ?? '127.0.0.1');

const stop = () => {
  for (const client of clients) client.end();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
