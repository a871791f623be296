export { PAR_PATH, pushedAuthorizationEndpoint } from './par-endpoint';
export { authorizationParametersOf, channelOf, type AuthorizationParameters } from './pushed-authorization';
export {
  claimPushedRequest,
  openPushedRequest,
  REQUEST_URI_PREFIX,
  sealPushedRequest,
  type PushedRequest,
  type RequestReference,
} from './pushed-request';
