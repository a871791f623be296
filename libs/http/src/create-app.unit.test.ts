import { request, type Server } from 'node:http';
import express from 'express';
import { createApp, finishApp } from './create-app';

let server: Server;
let port: number;

beforeAll(async () => {
  const app = createApp(async () => ({ store: true }));
  const pages = express.Router();
  pages.get('/page', (_req, res) => void res.send('page'));
  pages.post('/page', (_req, res) => void res.send('posted'));
  pages.delete('/items/:id', (_req, res) => void res.status(204).end());
  app.use(pages);
  finishApp(app, (_error, _req, res, _next) => void res.status(500).end());
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** node:http, since fetch refuses to send TRACE. */
function send(method: string, path: string): Promise<{ status: number; allow?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, method, path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, allow: response.headers.allow, body }));
    });
    sent.once('error', reject);
    sent.end();
  });
}

describe('finishApp: the fallbacks after every route', () => {
  it('answers 405 with Allow for a known path under another method (RFC 9110 §15.5.6)', async () => {
    expect(await send('TRACE', '/healthz')).toEqual({
      status: 405,
      allow: 'GET, HEAD',
      body: '{"error":"method_not_allowed"}',
    });
    expect(await send('PUT', '/page')).toMatchObject({ status: 405, allow: 'GET, HEAD, POST' });
    expect(await send('GET', '/items/abc')).toMatchObject({ status: 405, allow: 'DELETE' });
  });

  it('answers 404 for a path no route has', async () => {
    expect(await send('TRACE', '/nowhere')).toEqual({ status: 404, allow: undefined, body: '{"error":"not_found"}' });
    expect(await send('GET', '/items')).toMatchObject({ status: 404 });
  });

  it('still serves the methods a route has', async () => {
    expect(await send('GET', '/page')).toMatchObject({ status: 200, body: 'page' });
    expect(await send('DELETE', '/items/abc')).toMatchObject({ status: 204 });
  });
});
