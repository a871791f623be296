export { sessionStartEvents, type ReplacedSession, type StartedSession } from './session-start';
export {
  endSession,
  type SessionEndContext,
  type SessionEndOutcome,
  type SessionEndReason,
  type SessionToEnd,
} from './session-end';
export { liveSessionsOf, sessionEndOf, sessionGrantsOf, sessionRecordOf } from './session-reads';
export { adminEndAllSessions, adminEndSession, adminListSessions, type SessionView } from './session-admin';
