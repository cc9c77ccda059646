// Go's encoding/json words for a body that is not JSON (its scanner's SyntaxError), as kube-apiserver's decoders
// report them: `invalid character '}' looking for beginning of object key string`, `unexpected end of JSON
// input`. JSON.parse's own messages change with each Node version and name positions Go never names.

/** Go's quoteChar: the byte as strconv.Quote writes it, in single quotes. */
function quoteChar(code: number): string {
  // Go scans bytes: a non-ASCII character is met as the first byte of its UTF-8 form.
  const c = code < 0x80 ? code : (Buffer.from(String.fromCodePoint(code))[0] ?? code);
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const named: Record<number, string> = {
    7: 'a',
    8: 'b',
    9: 't',
    10: 'n',
    11: 'v',
    12: 'f',
    13: 'r',
    0x5c: '\\',
  };
  if (named[c] !== undefined) return `'\\${named[c]}'`;
  const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
  if (c < 0x20 || c === 0x7f) return `'\\x${hex(c, 2)}'`;
  if ((c >= 0x80 && c < 0xa1) || c === 0xad) return `'\\u${hex(c, 4)}'`;
  return `'${String.fromCharCode(c)}'`;
}

class GoSyntaxError extends Error {}
const END = 'unexpected end of JSON input';
/** encoding/json's maxNestingDepth. */
const MAX_NESTING = 10_000;

/** Go's message for text encoding/json refuses, or undefined when it would accept it. */
export function goJsonSyntaxError(text: string): string | undefined {
  let i = 0;
  let depth = 0;
  const fail = (context: string): never => {
    throw new GoSyntaxError(`invalid character ${quoteChar(text.codePointAt(i) ?? 0)} ${context}`);
  };
  const peek = (): number => {
    if (i >= text.length) throw new GoSyntaxError(END);
    return text.charCodeAt(i);
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  };
  const close = (): void => {
    i++;
    depth--;
  };
  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (peek() !== word.charCodeAt(k)) fail(`in literal ${word} (expecting '${word.charAt(k)}')`);
    }
    i++;
  };
  const string = (): void => {
    i++; // the opening quote
    for (;;) {
      const c = peek();
      if (c === 0x22) return void i++;
      if (c < 0x20) fail('in string literal');
      if (c === 0x5c) {
        i++;
        const e = peek();
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(peek()))) fail('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) fail('in string escape code');
      }
      i++;
    }
  };
  const number = (): void => {
    if (peek() === 0x2d) {
      i++;
      if (!isDigit(peek())) fail('in numeric literal');
    }
    if (peek() === 0x30) i++;
    else while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i < text.length && text.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(peek())) fail('after decimal point in numeric literal');
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    }
    if (i < text.length && (text.charCodeAt(i) | 0x20) === 0x65) {
      i++;
      if (peek() === 0x2b || peek() === 0x2d) i++;
      if (!isDigit(peek())) fail('in exponent of numeric literal');
      while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    }
  };
  const value = (): void => {
    skipSpace();
    const c = peek();
    if ((c === 0x7b || c === 0x5b) && ++depth > MAX_NESTING) fail('exceeded max depth');
    if (c === 0x7b) return object();
    if (c === 0x5b) return array();
    if (c === 0x22) return string();
    if (c === 0x2d || isDigit(c)) return number();
    if (c === 0x74) return literal('true');
    if (c === 0x66) return literal('false');
    if (c === 0x6e) return literal('null');
    fail('looking for beginning of value');
  };
  const object = (): void => {
    i++;
    skipSpace();
    if (peek() === 0x7d) return close();
    for (;;) {
      skipSpace();
      if (peek() !== 0x22) fail('looking for beginning of object key string');
      string();
      skipSpace();
      if (peek() !== 0x3a) fail('after object key');
      i++;
      value();
      skipSpace();
      const c = peek();
      if (c === 0x7d) return close();
      if (c !== 0x2c) fail('after object key:value pair');
      i++;
    }
  };
  const array = (): void => {
    i++;
    skipSpace();
    if (peek() === 0x5d) return close();
    for (;;) {
      value();
      skipSpace();
      const c = peek();
      if (c === 0x5d) return close();
      if (c !== 0x2c) fail('after array element');
      i++;
    }
  };
  try {
    value();
    skipSpace();
    if (i < text.length) fail('after top-level value');
    return undefined;
  } catch (err) {
    if (err instanceof GoSyntaxError) return err.message;
    if (err instanceof RangeError) return undefined; // nesting deeper than this stack: the caller's own words
    throw err;
  }
}

/**
 * apimachinery's summarizeData(body, 30), which closes a decode error's message: the body when it starts with
 * `{`, else its bytes in hex; cut at 30 bytes with ` ...`.
 */
export function summarizeBody(text: string, max = 30): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return '<empty>';
  const cut = bytes.length > max ? bytes.subarray(0, max) : bytes;
  const shown = bytes[0] === 0x7b ? cut.toString('utf8') : cut.toString('hex');
  return bytes.length > max ? `${shown} ...` : shown;
}
