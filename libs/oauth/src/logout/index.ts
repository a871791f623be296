export {
  checkLogoutRequest,
  hintNamesSession,
  logoutParametersOf,
  type BrowserSessionFacts,
  type LogoutCheck,
  type LogoutHint,
  type LogoutParameters,
  type LogoutRequest,
} from './logout-request';
export { logOut } from './logout-session';
export { BACKCHANNEL_LOGOUT_EVENT, signLogoutToken } from './logout-token';
export { backchannelLeaseSeconds, deliverBackchannelLogouts, type BackchannelContext } from './backchannel-delivery';
export { UnsentNotices } from './unsent-notices';
