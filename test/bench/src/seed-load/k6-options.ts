// Reads the `options` of a k6 script (stages and thresholds) from its source text without running it.
// The options in the scripts this reads are plain object literals, so a few regular expressions suffice;
// anything they do not recognise is an error rather than something skipped.

export interface Stage {
  /** A k6 duration string such as "30s" or "1m". */
  duration: string;
  target: number;
}

export interface LoadOptions {
  stages: Stage[];
  /** Metric name to its threshold expressions, e.g. { http_req_duration: ['p(95)<500'] }. */
  thresholds: Record<string, string[]>;
}

const DURATION_UNITS_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, µs: 0.001 };

/** Milliseconds in a k6 (Go-style) duration such as "30s", "1m30s", "500ms" or "2h". */
export function parseK6Duration(text: string): number {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(h|ms|us|µs|m|s))+$/.test(trimmed)) {
    throw new Error(`"${text}" is not a k6 duration such as 30s, 1m or 1m30s`);
  }
  let total = 0;
  for (const part of trimmed.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|µs|m|s)/g)) {
    total += Number(part[1]) * (DURATION_UNITS_MS[part[2] ?? ''] ?? Number.NaN);
  }
  return total;
}

/** The source without `//` and `/* *\/` comments; string literals are left alone. */
export function stripComments(code: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < code.length; i++) {
    const c = code.charAt(i);
    if (quote) {
      out += c;
      if (c === '\\') {
        out += code.charAt(i + 1);
        i++;
      } else if (c === quote) {
        quote = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      quote = c;
      out += c;
    } else if (c === '/' && code.charAt(i + 1) === '/') {
      while (i < code.length && code.charAt(i) !== '\n') i++;
      out += '\n';
    } else if (c === '/' && code.charAt(i + 1) === '*') {
      const end = code.indexOf('*/', i + 2);
      i = end === -1 ? code.length : end + 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

/** The text between the bracket at `open` and its matching closing bracket. */
function bracketBody(code: string, open: number, what: string): string {
  const opening = code.charAt(open);
  const closing = opening === '{' ? '}' : ']';
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code.charAt(i);
    if (c === opening) depth++;
    else if (c === closing && --depth === 0) return code.slice(open + 1, i);
  }
  throw new Error(`${what} has no closing "${closing}"`);
}

function propertyBody(code: string, name: string, opening: '{' | '[', where: string): string {
  const match = new RegExp(`\\b${name}\\s*:\\s*\\${opening}`).exec(code);
  if (!match) throw new Error(`${where} has no "${name}: ${opening}...${opening === '{' ? '}' : ']'}"`);
  return bracketBody(code, match.index + match[0].length - 1, `"${name}" in ${where}`);
}

function stringLiterals(text: string, where: string): string[] {
  const values: string[] = [];
  const rest = text.replace(/(['"`])((?:\\.|(?!\1)[^\\])*)\1/g, (_all, _quote: string, value: string) => {
    values.push(value);
    return '';
  });
  if (rest.replace(/[\s,]/g, '') !== '') throw new Error(`${where} holds more than string literals: ${text.trim()}`);
  return values;
}

function parseStages(body: string, where: string): Stage[] {
  const stages: Stage[] = [];
  const rest = body.replace(/\{([^{}]*)\}/g, (_all, inner: string) => {
    const duration = /\bduration\s*:\s*(['"`])([^'"`]*)\1/.exec(inner)?.[2];
    const target = /\btarget\s*:\s*(\d+)/.exec(inner)?.[1];
    const leftover = inner
      .replace(/\bduration\s*:\s*(['"`])[^'"`]*\1/, '')
      .replace(/\btarget\s*:\s*\d+/, '')
      .replace(/[\s,]/g, '');
    if (duration === undefined || target === undefined || leftover !== '') {
      throw new Error(`${where}: a stage must be { duration: '...', target: N }, got {${inner.trim()}}`);
    }
    parseK6Duration(duration);
    stages.push({ duration, target: Number(target) });
    return '';
  });
  if (rest.replace(/[\s,]/g, '') !== '') throw new Error(`${where}: unrecognised stage text: ${rest.trim()}`);
  if (stages.length === 0) throw new Error(`${where} has no stages`);
  return stages;
}

function parseThresholds(body: string, where: string): Record<string, string[]> {
  const thresholds: Record<string, string[]> = {};
  const rest = body.replace(
    /(?:(['"])([^'"]+)\1|([A-Za-z_$][\w$]*))\s*:\s*\[([^\]]*)\]/g,
    (_all, _quote: string, quoted: string | undefined, bare: string | undefined, list: string) => {
      const metric = quoted ?? bare ?? '';
      if (list.includes('{')) throw new Error(`${where}: only string thresholds are supported (${metric})`);
      thresholds[metric] = stringLiterals(list, `the thresholds of ${metric} in ${where}`);
      return '';
    },
  );
  if (rest.replace(/[\s,]/g, '') !== '') throw new Error(`${where}: unrecognised threshold text: ${rest.trim()}`);
  return thresholds;
}

/** The stages and thresholds of the `options` a k6 script exports (`export let|const|var options ... = {`). */
export function parseK6Options(code: string, where = 'the k6 script'): LoadOptions {
  const source = stripComments(code);
  const declaration = /\bexport\s+(?:let|const|var)\s+options\b[^=]*=\s*\{/.exec(source);
  if (!declaration) throw new Error(`${where} exports no "options = { ... }"`);
  const options = bracketBody(source, declaration.index + declaration[0].length - 1, `the options of ${where}`);
  return {
    stages: parseStages(propertyBody(options, 'stages', '[', `the options of ${where}`), `the stages of ${where}`),
    thresholds: parseThresholds(
      propertyBody(options, 'thresholds', '{', `the options of ${where}`),
      `the thresholds of ${where}`,
    ),
  };
}
