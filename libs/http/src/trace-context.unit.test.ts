import { requestTrace } from './trace-context';

describe('requestTrace', () => {
  it('continues a valid incoming trace with a new span', () => {
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const trace = requestTrace(incoming);
    expect(trace.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(trace.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(trace.traceparent).not.toBe(incoming);
  });

  it.each([[undefined], ['garbage'], ['00-00000000000000000000000000000000-b7ad6b7169203331-01'], [['a', 'b']]])(
    'starts a new trace for %p',
    (incoming) => {
      const trace = requestTrace(incoming);
      expect(trace.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(trace.traceId).not.toMatch(/^0+$/);
    },
  );
});
