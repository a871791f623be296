import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Bearer authentication for the admin API with one shared admin token, compared in constant time. */
export function requireAdminToken(adminToken: string) {
  const expected = createHash('sha256').update(adminToken).digest();
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    const digest = createHash('sha256').update(presented).digest();
    if (presented !== '' && timingSafeEqual(digest, expected)) {
      next();
      return;
    }
    res.status(401).set('WWW-Authenticate', 'Bearer realm="grantline-admin"').json({ error: 'invalid_token' });
  };
}
