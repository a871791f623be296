import { requestKinds, type Answer } from './answers';

/** When a scenario ran: its load from `start` to `end`, the fault healed at `healAt` (epoch ms). */
export interface ScenarioWindow {
  start: number;
  healAt: number;
  end: number;
}

/** What the log and the audit store hold at the end of the run. */
export interface LogFacts {
  /** `AccessTokenIssued` events per `jti`. */
  issued: ReadonlyMap<string, number>;
  /** `AccessTokenRevoked` events per `jti`. */
  revoked: ReadonlyMap<string, number>;
  /** Every event on the log, with when it occurred (epoch ms). */
  events: ReadonlyArray<{ eventId: string; occurredAt: number }>;
  /** Audit entries per event id. */
  audit: ReadonlyMap<string, number>;
}

/** The figures the fault suite prints for one scenario; the last four must be 0 and the recovery defined. */
export interface ScenarioFigures {
  requests: number;
  /** Answers per HTTP status (0: no answer). */
  byStatus: ReadonlyMap<number, number>;
  /** Answers other than a healthy server's (a 503, a refused connection, a fresh token inactive, …). */
  failed: number;
  /** Access tokens answered 200 whose `AccessTokenIssued` is not on the log. */
  withoutEvent: number;
  /** Introspections answered `active: true` for a token whose revocation had been answered 200. */
  revokedActive: number;
  /**
   * Refresh tokens refused as `invalid_grant` right after a 503 for the same token: the refused
   * request changed state after all (its rotation reached the log), though a 503 promises nothing did.
   */
  refusedYetRecorded: number;
  /** Acknowledged revocations not on the log, and logged events missing from the audit store. */
  lost: number;
  /** Acknowledged actions whose event is on the log more than once, and events audited more than once. */
  twice: number;
  /** Seconds from the heal to the first whole second in which every request kind succeeded; undefined: never. */
  recoverySeconds: number | undefined;
}

export function figuresOf(answers: readonly Answer[], window: ScenarioWindow, facts: LogFacts): ScenarioFigures {
  const byStatus = new Map<number, number>();
  for (const answer of answers) byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
  const handedOut = answers.filter((answer) => answer.kind === 'issue' || answer.kind === 'refresh');
  const handedOutJtis = handedOut.flatMap((answer) => (answer.ok && answer.jti ? [answer.jti] : []));
  const revokedJtis = answers.flatMap((answer) =>
    answer.kind === 'revoke' && answer.ok && answer.jti ? [answer.jti] : [],
  );
  const inWindow = facts.events.filter((event) => event.occurredAt >= window.start && event.occurredAt < window.end);
  const count = (map: ReadonlyMap<string, number>, key: string) => map.get(key) ?? 0;
  return {
    requests: answers.length,
    byStatus,
    failed: answers.filter((answer) => !answer.ok).length,
    withoutEvent: handedOutJtis.filter((jti) => count(facts.issued, jti) === 0).length,
    revokedActive: answers.filter((answer) => answer.kind === 'introspect' && answer.revokedBefore && answer.active)
      .length,
    refusedYetRecorded: answers.filter(
      (answer) => answer.kind === 'refresh' && answer.refusedBefore && answer.error === 'invalid_grant',
    ).length,
    lost:
      revokedJtis.filter((jti) => count(facts.revoked, jti) === 0).length +
      inWindow.filter((event) => count(facts.audit, event.eventId) === 0).length,
    twice:
      handedOutJtis.filter((jti) => count(facts.issued, jti) > 1).length +
      revokedJtis.filter((jti) => count(facts.revoked, jti) > 1).length +
      inWindow.filter((event) => count(facts.audit, event.eventId) > 1).length,
    recoverySeconds: recoverySeconds(answers, window),
  };
}

/**
 * Seconds from the heal to the start of the first whole second (counted from the heal) in which
 * every request kind was sent at least once and every request of it succeeded.
 */
export function recoverySeconds(answers: readonly Answer[], window: ScenarioWindow): number | undefined {
  const seconds = Math.floor((window.end - window.healAt) / 1000);
  for (let second = 0; second < seconds; second += 1) {
    const from = window.healAt + second * 1000;
    const bucket = answers.filter((answer) => answer.start >= from && answer.start < from + 1000);
    const clean = requestKinds.every((kind) => {
      const ofKind = bucket.filter((answer) => answer.kind === kind);
      return ofKind.length > 0 && ofKind.every((answer) => answer.ok);
    });
    if (clean) return second;
  }
  return undefined;
}

/** Whether the figures keep every invariant. */
export function invariantsHold(figures: ScenarioFigures): boolean {
  return (
    figures.withoutEvent === 0 &&
    figures.revokedActive === 0 &&
    figures.refusedYetRecorded === 0 &&
    figures.lost === 0 &&
    figures.twice === 0 &&
    figures.recoverySeconds !== undefined
  );
}
