// Kubernetes field errors (apimachinery field.Error) and the 422 Invalid error built from them.
import { MiniKubeletError, type FieldCause } from '../errors';

export type FieldErrorType =
  'Required' | 'Invalid' | 'Duplicate' | 'NotSupported' | 'Forbidden' | 'NotFound' | 'TooLong' | 'TooMany';

const TEXT: Record<FieldErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  Duplicate: 'Duplicate value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  NotFound: 'Not found',
  TooLong: 'Too long',
  TooMany: 'Too many',
};

// Required, Forbidden and TooLong never print the offending value.
const OMITS_VALUE = new Set<FieldErrorType>(['Required', 'Forbidden', 'TooLong', 'TooMany']);

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
}

export const fieldError = (
  type: FieldErrorType,
  field: string,
  value?: unknown,
  detail?: string,
): FieldError => ({
  type,
  field,
  value,
  detail,
});

/** A value upstream prints with Go's `%#v` (`[]networking.IngressRule(nil)`): its text as is. */
export class GoSyntax {
  constructor(readonly text: string) {}
}

function renderValue(v: unknown): string {
  if (v instanceof GoSyntax) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : (JSON.stringify(v) ?? 'null');
}

/** The text after `<field>: `, as apimachinery's ErrorBody renders it. */
export function errorBody(e: FieldError): string {
  const parts = [TEXT[e.type]];
  if (!OMITS_VALUE.has(e.type) && e.value !== undefined) parts.push(renderValue(e.value));
  if (e.detail) parts.push(e.detail);
  return parts.join(': ');
}

export function toCause(e: FieldError): FieldCause {
  return {
    reason: `FieldValue${e.type === 'NotSupported' ? 'NotSupported' : e.type}`,
    message: errorBody(e),
    field: e.field,
  };
}

/** `Pod "p" is invalid: [a, b]` (`Job.batch "j"` for a kind of a group) with duplicates removed; brackets only for several. */
export function invalidError(
  kind: string,
  name: string,
  errors: readonly FieldError[],
  group?: string,
): MiniKubeletError {
  const texts = [...new Set(errors.map((e) => `${e.field}: ${errorBody(e)}`))];
  const list = texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`;
  const qualified = group ? `${kind}.${group}` : kind;
  return new MiniKubeletError('Invalid', `${qualified} "${name}" is invalid: ${list}`, {
    name,
    kind,
    ...(group ? { group } : {}),
    causes: errors.map(toCause),
  });
}
