import express, { type RequestHandler } from 'express';
import iconv from 'iconv-lite';
import { refusedJsonMember, type RefusedMember } from '@grantline/lib-http';
import { invalidRequest } from '@grantline/lib-oauth';

/** A name short and plain enough to repeat back in a description. */
const PLAIN_NAME = /^[\w.-]{1,64}$/;

/**
 * The one JSON body parser of every route that reads JSON: express.json, plus a look at the
 * text before it is parsed that refuses a repeated member name (RFC 7493 §2.3: names MUST NOT
 * repeat; JSON.parse would keep the last copy where a proxy in front may act on the first)
 * and a `__proto__` member, as 400 invalid_request, the answer to a repeated form parameter.
 * Malformed, too large and unknown-charset bodies are refused by express.json as before
 * (docs/decisions/0030-one-json-body-parser.md).
 */
export function jsonBody({ limit }: { limit: string }): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, body, charset) => {
      // Decoded as express.json decodes it (it also guesses the byte order of UTF-16), after
      // any Content-Encoding is undone: a scan of another reading could miss what it parses.
      const refused = refusedJsonMember(iconv.decode(body, charset));
      if (refused) throw invalidRequest(describe(refused));
    },
  });
}

/** Names the member only when that cannot carry anything odd back to the caller. */
function describe({ name, reason }: RefusedMember): string {
  if (reason === 'forbidden') return `JSON member '${name}' is not allowed`;
  return PLAIN_NAME.test(name) ? `JSON member '${name}' is repeated` : 'A JSON member name is repeated';
}
