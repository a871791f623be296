import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Attributes } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { prometheusSample as sample } from '../../../test/support/prometheus-samples';
import { kafkaInstruments, LAG_SHOWN_MS } from './kafka-instruments';
import { createTelemetry, type Telemetry } from './otel-metrics';

let telemetry: Telemetry;
let server: Server;

async function scrape(): Promise<string> {
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return response.text();
}

beforeEach(async () => {
  telemetry = createTelemetry('token');
  server = createServer((request, response) => telemetry.metricsHandler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await telemetry.shutdown();
});

const send = { service: 'token', messaging_system: 'kafka', messaging_operation_name: 'send' };

describe('Kafka client metrics at /metrics', () => {
  it('count produce requests in the messaging histogram and their events in the sent-messages counter', async () => {
    telemetry.metrics.eventsSent(0.004, 3);
    telemetry.metrics.eventsSent(0.3, 2);
    const text = await scrape();
    expect(sample(text, 'messaging_client_operation_duration_count', send)).toBe(2);
    expect(sample(text, 'messaging_client_operation_duration_bucket', { ...send, le: '0.005' })).toBe(1);
    expect(sample(text, 'messaging_client_operation_duration_bucket', { ...send, le: '0.5' })).toBe(2);
    expect(sample(text, 'messaging_client_sent_messages_total', send)).toBe(5);
    expect(text).not.toContain('error_type');
  });

  it('label failed produce requests with error.type', async () => {
    telemetry.metrics.eventsSent(1.2, 4, 'KafkaJSNumberOfRetriesExceeded');
    const failed = { ...send, error_type: 'KafkaJSNumberOfRetriesExceeded' };
    expect(sample(await scrape(), 'messaging_client_operation_duration_count', failed)).toBe(1);
  });

  it('show the last lag of each partition of each consumer', async () => {
    telemetry.metrics.consumerLag('grantline.projector', 'grantline.tokens', 3, 120);
    telemetry.metrics.consumerLag('grantline.projector', 'grantline.tokens', 3, 7);
    telemetry.metrics.consumerLag('grantline.projector', 'grantline.clients', 0, 0);
    const text = await scrape();
    const projector = { consumer: 'grantline.projector' };
    expect(sample(text, 'grantline_consumer_lag', { ...projector, topic: 'grantline.tokens', partition: '3' })).toBe(7);
    expect(sample(text, 'grantline_consumer_lag', { ...projector, topic: 'grantline.clients', partition: '0' })).toBe(
      0,
    );
  });
});

describe('grantline_consumer_lag', () => {
  it('reads 0 for a partition that has had no batch for a minute (idle, or handed to another replica)', async () => {
    const prometheus = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [prometheus] });
    let clock = 1_000_000;
    const kafka = kafkaInstruments(provider.getMeter('test'), 'projector', () => clock);
    const lagOf = async (partition: string) => {
      const { resourceMetrics } = await prometheus.collect();
      const points: Array<{ attributes: Attributes; value: unknown }> = resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .flatMap((metric) => [...metric.dataPoints]);
      return points.find((point) => point.attributes.partition === Number(partition))?.value;
    };
    try {
      kafka.consumerLag('grantline.projector', 'grantline.tokens', 0, 25_000);
      kafka.consumerLag('grantline.projector', 'grantline.tokens', 1, 40);
      clock += LAG_SHOWN_MS / 2;
      kafka.consumerLag('grantline.projector', 'grantline.tokens', 1, 0);
      expect(await lagOf('0')).toBe(25_000);
      clock += LAG_SHOWN_MS / 2 + 1;
      expect(await lagOf('0')).toBe(0);
      expect(await lagOf('0')).toBe(0);
      expect(await lagOf('1')).toBe(0);
    } finally {
      await provider.shutdown();
    }
  });
});
