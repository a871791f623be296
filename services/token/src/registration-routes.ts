import { Router } from 'express';
import { type Logger } from '@grantline/lib-http';
import { jsonBody, oauthErrorHandler, oauthRoute } from '@grantline/lib-runtime';
import {
  deleteRegistrationEndpoint,
  readRegistrationEndpoint,
  registrationEndpoint,
  replaceRegistrationEndpoint,
  type OAuthContext,
} from '@grantline/lib-oauth';
import { methodNotAllowed, requireJson } from './json-route-steps';

const COLLECTION = '/oauth/register';
const ITEM = `${COLLECTION}/:clientId`;

/**
 * POST /oauth/register (RFC 7591) and GET, PUT, DELETE /oauth/register/{client_id} (RFC 7592),
 * the registration client URI, behind the registration access token.
 */
export function registrationRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  const body = [requireJson, jsonBody({ limit: '16kb' })];
  router.post(
    COLLECTION,
    ...body,
    oauthRoute(logger, (req, request) => registrationEndpoint(context, request, req.body)),
  );
  router.get(
    ITEM,
    oauthRoute(logger, (req, request) => readRegistrationEndpoint(context, request, String(req.params.clientId))),
  );
  router.put(
    ITEM,
    ...body,
    oauthRoute(logger, (req, request) =>
      replaceRegistrationEndpoint(context, request, String(req.params.clientId), req.body),
    ),
  );
  router.delete(
    ITEM,
    oauthRoute(logger, (req, request) => deleteRegistrationEndpoint(context, request, String(req.params.clientId))),
  );
  router.all(COLLECTION, methodNotAllowed('POST'));
  router.all(ITEM, methodNotAllowed('GET, PUT, DELETE'));
  // What the JSON parser refused: malformed or with a repeated member (400), too large (413).
  router.use(COLLECTION, oauthErrorHandler(logger));
  return router;
}
