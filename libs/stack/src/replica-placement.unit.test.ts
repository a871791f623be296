import { brokerPortsOf, loopbackPortsIn } from './replica-placement';

describe('loopback ports a replica needs', () => {
  it('finds every loopback port named in the settings, once each', () => {
    expect(
      loopbackPortsIn({
        KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9094',
        REDIS_URL: 'redis://127.0.0.1:6379',
        MONGODB_URL: 'mongodb://localhost:27017/audit',
        GRANTLINE_DEVICE_POLLING_URL: 'http://127.0.0.1:4100,http://127.0.0.1:4101',
        GRANTLINE_ISSUER: 'http://127.0.0.1:9092',
        LOG_LEVEL: 'info',
        OTHER: undefined,
      }),
    ).toEqual([4100, 4101, 6379, 9092, 9094, 27017]);
  });

  it('ignores addresses that are not loopback', () => {
    expect(loopbackPortsIn({ KAFKA_BROKERS: 'kafka.internal:9092', REDIS_URL: 'redis://10.0.0.1:6379' })).toEqual([]);
  });

  it("reads a broker list's ports", () => {
    expect(brokerPortsOf('127.0.0.1:35607, 127.0.0.1:35608')).toEqual([35607, 35608]);
    expect(brokerPortsOf('')).toEqual([]);
  });
});
