import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { createLogger } from '@grantline/lib-http';
import { oauthErrorHandler } from './express-oauth';
import { jsonBody } from './json-body';

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express()
    .post('/echo', jsonBody({ limit: '1kb' }), (req, res) => {
      res.json({ received: req.body as unknown });
    })
    .use(oauthErrorHandler(createLogger('test', 'silent')));
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function post(
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/echo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('jsonBody', () => {
  it.each([
    ['at the top level', '{"name":"a","name":"secret-value"}', "JSON member 'name' is repeated"],
    ['in a nested object', '{"scopes":["read"],"x":{"a":1,"a":2}}', "JSON member 'a' is repeated"],
    ['under a name not fit to repeat', '{"<b>\\n":1,"<b>\\n":2}', 'A JSON member name is repeated'],
  ])('refuses a repeated member %s, as a repeated form parameter is', async (_case, text, description) => {
    // RFC 7493 §2.3: member names MUST NOT repeat.
    const { status, body } = await post(text);
    expect([status, body]).toEqual([400, { error: 'invalid_request', error_description: description }]);
    expect(JSON.stringify(body)).not.toContain('secret-value');
  });

  it('refuses a __proto__ member', async () => {
    const { status, body } = await post('{"scopes":["read"],"x":{"__proto__":{"admin":true}}}');
    expect([status, body]).toEqual([
      400,
      { error: 'invalid_request', error_description: "JSON member '__proto__' is not allowed" },
    ]);
  });

  it('looks inside a compressed body', async () => {
    const { status } = await post(gzipSync('{"name":"a","name":"b"}'), { 'Content-Encoding': 'gzip' });
    expect(status).toBe(400);
  });

  it.each([
    ['utf-16le', Buffer.from('{"name":"a","name":"b"}', 'utf16le')],
    // Read as express.json reads it: big-endian, found by its byte order mark or without one.
    ['utf-16', Buffer.from('{"name":"a","name":"b"}', 'utf16le').swap16()],
    ['utf-16', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('{"name":"a","name":"b"}', 'utf16le').swap16()])],
  ])('looks inside a body in %s', async (charset, text) => {
    const { status } = await post(text, { 'Content-Type': `application/json; charset=${charset}` });
    expect(status).toBe(400);
  });

  it.each([
    ['an object', '{"name":"ci","scopes":["read","write"],"x":{"a":1},"y":{"a":2}}'],
    ['a body in UTF-16', Buffer.from('{"name":"ci"}', 'utf16le')],
  ])('passes %s on as express.json would', async (_case, text) => {
    const headers = Buffer.isBuffer(text) ? { 'Content-Type': 'application/json; charset=utf-16le' } : undefined;
    const { status, body } = await post(text, headers);
    expect(status).toBe(200);
    expect(body.received).toEqual(JSON.parse(Buffer.from(text).toString(Buffer.isBuffer(text) ? 'utf16le' : 'utf8')));
  });

  it.each([
    ['malformed', '{"a":', 400, 'The request body is malformed'],
    ['too large', JSON.stringify({ a: 'x'.repeat(2048) }), 413, 'The request body is too large'],
  ])('still answers a body that is %s as before', async (_case, text, status, description) => {
    const answer = await post(text);
    expect([answer.status, answer.body]).toEqual([
      status,
      { error: 'invalid_request', error_description: description },
    ]);
  });
});
