/** A member name a JSON text must not carry, and why. */
export interface RefusedMember {
  name: string;
  reason: 'repeated' | 'forbidden';
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The first member name in `text` that repeats one of its object's names (RFC 7493 §2.3: a
 * name MUST NOT repeat; JSON.parse keeps the last copy, a proxy may read the first) or is
 * `__proto__` (an own `__proto__` becomes the prototype of whatever copies it by assignment).
 * One pass over the text, however deep its nesting. It only reads what JSON.parse will read
 * again: on malformed text it stops quietly and leaves the refusal to the parser.
 */
export function refusedJsonMember(text: string): RefusedMember | undefined {
  // The names seen so far in each open object; `undefined` stands for an open array.
  const open: (Set<string> | undefined)[] = [];
  let expectingName = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text.charCodeAt(at);
    if (char === QUOTE) {
      const end = closingQuote(text, at);
      if (end < 0) return undefined;
      const names = open.at(-1);
      if (names && expectingName) {
        const name = decodedName(text.slice(at + 1, end));
        if (name === '__proto__') return { name, reason: 'forbidden' };
        if (names.has(name)) return { name, reason: 'repeated' };
        names.add(name);
        expectingName = false;
      }
      at = end;
    } else if (char === OPEN_OBJECT) {
      open.push(new Set());
      expectingName = true;
    } else if (char === OPEN_ARRAY) {
      open.push(undefined);
      expectingName = false;
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      open.pop();
      expectingName = false;
    } else if (char === COMMA) {
      expectingName = open.at(-1) !== undefined;
    }
  }
  return undefined;
}

/**
 * The index of the quote that ends the string opening at `start`, or -1 if none does: the
 * first quote after it behind an even run of backslashes. Each run is counted for one quote
 * only, so this stays linear.
 */
function closingQuote(text: string, start: number): number {
  for (let end = text.indexOf('"', start + 1); end >= 0; end = text.indexOf('"', end + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return end;
  }
  return -1;
}

/** A name as the parser will see it: `"n\u0061me"` and `"name"` are the same member. */
function decodedName(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
