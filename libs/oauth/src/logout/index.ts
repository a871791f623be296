export { readIdTokenHint, type IdTokenHint } from './id-token-hint';
export {
  checkLogoutRequest,
  hintNamesSession,
  logoutParametersOf,
  type BrowserSessionFacts,
  type LogoutCheck,
  type LogoutParameters,
  type LogoutRequest,
} from './logout-request';
export { logOut } from './logout-session';
export { BACKCHANNEL_LOGOUT_EVENT, signLogoutToken } from './logout-token';
export { deliverBackchannelLogouts, type BackchannelContext } from './backchannel-delivery';
