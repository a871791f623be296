import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seedCodeBlock } from '../../../support/seed-document';
import { parseK6Duration, parseK6Options, stripComments } from './k6-options';
import { SEED_LANGUAGE, SEED_OPTIONS, SEED_SECTION, scaleFromEnv } from './scenario';

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

describe("the driver's scenario", () => {
  // seedCodeBlock reads the seed document and throws, naming where it looked, when it is missing.
  const seed = () => seedCodeBlock(SEED_SECTION, SEED_LANGUAGE);

  it("has the seed's stages and thresholds", () => {
    const options = parseK6Options(seed(), `the seed's "${SEED_SECTION}" block`);
    expect(options.stages).toEqual(SEED_OPTIONS.stages);
    expect(options.thresholds).toEqual(SEED_OPTIONS.thresholds);
    expect(options.stages.map((stage) => parseK6Duration(stage.duration))).toEqual([30_000, 60_000, 120_000, 30_000]);
  });

  it('runs iterations back to back, as the seed does not sleep', () => {
    expect(stripComments(seed())).not.toMatch(/\bsleep\s*\(/);
  });

  it("asks for a client_credentials token with the seed's form fields", () => {
    const code = stripComments(seed());
    expect(code).toMatch(/http\.post\(\s*`\$\{AUTH_SERVER\}\/oauth\/token`/);
    for (const field of [
      /grant_type:\s*'client_credentials'/,
      /client_id:\s*CLIENT_ID/,
      /client_secret:\s*CLIENT_SECRET/,
      /scope:\s*'read'/,
    ]) {
      expect(code).toMatch(field);
    }
  });

  it('is also the scenario of k6/client-credentials.ts', () => {
    const script = readFileSync(resolve(REPO_ROOT, 'k6', 'client-credentials.ts'), 'utf8');
    expect(parseK6Options(script, 'k6/client-credentials.ts')).toEqual(SEED_OPTIONS);
  });
});

describe('parseK6Duration', () => {
  it.each([
    ['30s', 30_000],
    ['1m', 60_000],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
  ])('%s is %d ms', (text, expected) => {
    expect(parseK6Duration(text)).toBe(expected);
  });

  it.each(['', '30', 's', '30 s', '-1s', '1d'])('rejects "%s"', (text) => {
    expect(() => parseK6Duration(text)).toThrow(/not a k6 duration/);
  });
});

describe('parseK6Options', () => {
  it('reads stages and thresholds past comments, quotes and a type annotation', () => {
    const code = `
      import type { Options } from 'k6/options';
      const URL = 'https://example.test/a'; // not an option
      export const options: Options = {
        vus: 1,
        /* the ramp */
        stages: [
          { duration: "10s", target: 5 }, // up
          { target: 0, duration: '1m' },
        ],
        thresholds: {
          http_req_duration: ['p(99)<300', 'avg<100'],
          'http_req_failed': ["rate<0.01"],
        },
      };`;
    expect(parseK6Options(code)).toEqual({
      stages: [
        { duration: '10s', target: 5 },
        { duration: '1m', target: 0 },
      ],
      thresholds: { http_req_duration: ['p(99)<300', 'avg<100'], http_req_failed: ['rate<0.01'] },
    });
  });

  it('accepts the seed-style `export let options = {`', () => {
    const code = "export let options = { stages: [{ duration: '1s', target: 1 }], thresholds: {} };";
    expect(parseK6Options(code)).toEqual({ stages: [{ duration: '1s', target: 1 }], thresholds: {} });
  });

  it('refuses what it does not understand rather than skipping it', () => {
    expect(() => parseK6Options('export const other = {};')).toThrow(/exports no "options/);
    expect(() => parseK6Options('export const options = { thresholds: {} };')).toThrow(/no "stages: \[/);
    expect(() =>
      parseK6Options("export const options = { stages: [{ duration: '1s', target: N }], thresholds: {} };"),
    ).toThrow(/a stage must be/);
    expect(() =>
      parseK6Options("export const options = { stages: [{ duration: '1s', target: 1 }, STAGE], thresholds: {} };"),
    ).toThrow(/unrecognised stage text/);
    expect(() =>
      parseK6Options(
        "export const options = { stages: [{ duration: '1s', target: 1 }], thresholds: { checks: [{ threshold: 'rate>0.9' }] } };",
      ),
    ).toThrow(/only string thresholds/);
    expect(() =>
      parseK6Options(
        "export const options = { stages: [{ duration: '1s', target: 1 }], thresholds: { checks: [LIMIT] } };",
      ),
    ).toThrow(/more than string literals/);
    expect(() =>
      parseK6Options("export const options = { stages: [{ duration: 'soon', target: 1 }], thresholds: {} };"),
    ).toThrow(/not a k6 duration/);
  });
});

describe('stripComments', () => {
  it('keeps // inside strings', () => {
    expect(stripComments("const a = 'http://x'; // gone\nconst b = `//y`; /* gone */")).toBe(
      "const a = 'http://x'; \nconst b = `//y`;  ",
    );
  });
});

describe('scaleFromEnv', () => {
  it('is 1 when unset and the number when in (0, 1]', () => {
    expect(scaleFromEnv(undefined)).toBe(1);
    expect(scaleFromEnv(' ')).toBe(1);
    expect(scaleFromEnv('0.1')).toBe(0.1);
    expect(scaleFromEnv('1')).toBe(1);
  });

  it.each(['0', '-0.5', '1.5', 'fast', 'NaN', 'Infinity'])('rejects "%s"', (raw) => {
    expect(() => scaleFromEnv(raw)).toThrow(/SEED_LOAD_SCALE must be/);
  });
});
