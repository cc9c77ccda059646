// fieldValidation (Strict, Warn, Ignore) for unknown fields, as the API server applies it: Strict is a
// 400; Warn drops the field and says so in a `Warning: 299` header (kubectl prints it); Ignore drops it.
// Upstream's default, when the client does not say, is Warn.
import type { FastifyReply } from 'fastify';
import { badRequest } from '../agent/errors';
import { decodeError } from '../agent/model/decode-error';
import { type GroupVersion, CORE_V1 } from '../agent/model/group-version';
import { dropUnknownFields, unknownFields } from '../agent/model/known-fields';
import type { Req } from './request';

type Mode = 'Strict' | 'Warn' | 'Ignore';

function modeOf(req: Req): Mode {
  const v = req.query.fieldValidation;
  if (v === undefined || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}; must be one of Ignore, Warn, Strict`);
}

/**
 * A warning's text as a quoted header value Node will send (a field name of control bytes or of characters
 * past Latin-1 made it throw, and fastify answer its own 422, not a Status): `"` and `\\` escaped, control
 * characters as spaces, the rest as its UTF-8 bytes, which is what upstream's header carries.
 */
/** Go's unicode.IsControl but for the tab a header may carry. */
const isControl = (c: number): boolean => (c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f);

export function quotedWarning(text: string): string {
  const escaped = text
    .replace(/["\\]/g, (c) => `\\${c}`)
    .replace(/./gsu, (c) => (isControl(c.codePointAt(0) ?? 0) ? ' ' : c));
  return `"${Buffer.from(escaped, 'utf8').toString('latin1')}"`;
}

/** The unknown fields of a body by a schema of its own (a custom resource's); dropped in place when `drop`. */
export type FieldWalker = (obj: unknown, drop: boolean) => string[];

/** Checks (and, unless Strict, cleans in place) a body or a patch result of `kind`. */
export function validateFields(
  req: Req,
  reply: FastifyReply,
  kind: string,
  obj: unknown,
  gv: GroupVersion = CORE_V1,
  walker?: FieldWalker,
): void {
  const mode = modeOf(req);
  if (mode === 'Strict') {
    const unknown = walker ? walker(obj, false) : unknownFields(kind, obj, gv);
    if (unknown.length) {
      const list = unknown.map((f) => `unknown field "${f}"`).join(', ');
      throw decodeError(kind, gv.version, `strict decoding error: ${list}`);
    }
    return;
  }
  const dropped = walker ? walker(obj, true) : dropUnknownFields(kind, obj, gv);
  if (mode === 'Warn' && dropped.length) {
    const text = (f: string): string => `299 - ${quotedWarning(`unknown field "${f}"`)}`;
    void reply.header('Warning', dropped.map(text));
  }
}
