export { sessionStartEvents, type ReplacedSession, type StartedSession } from './session-start';
export { endSession, type SessionEndOutcome, type SessionEndReason, type SessionToEnd } from './session-end';
export { liveSessionsOf, sessionEndOf, sessionGrantsOf, sessionRecordOf } from './session-reads';
