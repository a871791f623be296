import { grantRevoked, tokenRevoked } from '@grantline/lib-testing';
import { ProjectionOps } from './projection-ops';
import { isWrittenThrough, projectEvent, projectors, writeMarksThrough } from './projectors';

describe('the projector table', () => {
  it('lets services write through revocations, ended sessions and device authorization records, nothing else', () => {
    const writtenThrough = Object.entries(projectors).flatMap(([type, entry]) =>
      entry !== null && 'writeThrough' in entry && entry.writeThrough ? [type] : [],
    );
    expect(writtenThrough.sort()).toEqual([
      'AccessTokenRevoked',
      'DeviceAuthorizationApproved',
      'DeviceAuthorizationDenied',
      'DeviceAuthorizationRequested',
      'GrantRevoked',
      'PersonalAccessTokenRevoked',
      'SessionEnded',
    ]);
    expect(isWrittenThrough(tokenRevoked('t', 2_000_000_000))).toBe(true);
  });

  it('writes through the same ops the projector writes, without a position', async () => {
    const events = [tokenRevoked('t', 2_000_000_000), grantRevoked('g', 2_000_000_000)];
    const through = new ProjectionOps(() => 1_000);
    await writeMarksThrough(through, events);
    const projected = new ProjectionOps(() => 1_000);
    for (const event of events) await projectEvent(projected, event, { partition: 0, offset: '7' });
    expect(through.ops).toEqual(projected.ops);
    expect(through.ops.map((op) => op.o)).toEqual(['mark', 'mark']);
  });
});
