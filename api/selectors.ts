// Label selectors (=, ==, !=, in, notin, exists, !key, gt, lt) and field selectors (=, ==, !=) as the
// API server parses them; each compiles to a predicate.
import { badRequest } from '../agent/errors';

export type Predicate<T> = (obj: T) => boolean;

/** Splits on commas outside parentheses (`a in (x,y),b` is two requirements). */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const KEY = '([A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?)';
const VALUE = '([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?';
const SET = new RegExp(`^${KEY}\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const OP = new RegExp(`^${KEY}\\s*(==|=|!=|>|<)\\s*${VALUE}$`);
const EXISTS = new RegExp(`^${KEY}$`);
const NOT_EXISTS = new RegExp(`^!\\s*${KEY}$`);

type Labels = Record<string, string> | undefined;

function requirement(text: string): Predicate<Labels> {
  const t = text.trim();
  let m = NOT_EXISTS.exec(t);
  if (m) {
    const key = m[1] ?? '';
    return (l) => l?.[key] === undefined;
  }
  m = EXISTS.exec(t);
  if (m) {
    const key = m[1] ?? '';
    return (l) => l?.[key] !== undefined;
  }
  m = SET.exec(t);
  if (m) {
    const key = m[1] ?? '';
    const values = (m[4] ?? '').split(',').map((v) => v.trim());
    if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v)))
      throw badRequest(`unable to parse requirement: ${t}`);
    const set = new Set(values);
    // notin also matches objects without the label, as upstream's
    return m[3] === 'in'
      ? (l) => l?.[key] !== undefined && set.has(l[key] ?? '')
      : (l) => l?.[key] === undefined || !set.has(l[key] ?? '');
  }
  m = OP.exec(t);
  if (m) {
    const key = m[1] ?? '';
    const op = m[3];
    const value = m[4] ?? '';
    switch (op) {
      case '!=':
        return (l) => l?.[key] !== value;
      case '>':
      case '<': {
        const n = Number(value);
        if (!Number.isInteger(n))
          throw badRequest(
            `unable to parse requirement: for '${op}', '<', '>' operators, exactly one value is required and it must be an integer`,
          );
        return (l) => {
          const v = Number(l?.[key]);
          return l?.[key] !== undefined && Number.isInteger(v) && (op === '>' ? v > n : v < n);
        };
      }
      default:
        return (l) => l?.[key] === value;
    }
  }
  throw badRequest(
    `unable to parse requirement: ${JSON.stringify(t)} is not a valid label selector requirement`,
  );
}

/** `app=web,tier in (fe,be),!legacy`; an empty selector matches everything. */
export function parseLabelSelector(text: string | undefined): Predicate<Labels> {
  if (!text || !text.trim()) return () => true;
  const reqs = splitTopLevel(text).map(requirement);
  return (labels) => reqs.every((r) => r(labels));
}

/** Splits on unescaped commas and unescapes `\,`, `\=` and `\\` in values (fields.ParseSelector). */
function fieldTerms(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + (text[++i] ?? '');
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((t) => t.trim() !== '');
}

const unescape = (v: string): string => v.replace(/\\(.)/g, '$1');

/**
 * `metadata.name=web,status.phase!=Failed` against the fields a resource supports. An unsupported field is
 * a 400, as upstream.
 */
export function parseFieldSelector<T>(
  text: string | undefined,
  fields: Record<string, (obj: T) => string>,
): Predicate<T> {
  if (!text || !text.trim()) return () => true;
  const terms = fieldTerms(text).map((term) => {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
    const read = fields[m[1] ?? ''];
    if (!read) throw badRequest(`field label not supported: ${m[1] ?? ''}`);
    return { read, negate: m[2] === '!=', value: unescape((m[3] ?? '').trim()) };
  });
  return (obj) => terms.every((t) => (t.read(obj) === t.value) !== t.negate);
}
