// One error hierarchy with stable codes. Callers branch on `code` (or the is* guards), never on messages.

export interface FieldCause {
  /** Kubernetes cause reason, e.g. FieldValueRequired, FieldValueInvalid. */
  reason: string;
  /** The human text after the field path, e.g. `Required value`. */
  message: string;
  /** Field path, e.g. `spec.containers[0].name`. */
  field: string;
}

export type ErrorCode =
  | 'BadRequest'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'MethodNotAllowed'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Gone'
  | 'RuntimeUnavailable'
  | 'RuntimeError'
  | 'ImagePullError'
  | 'InternalError';

export interface ErrorDetails {
  name?: string;
  kind?: string;
  causes?: FieldCause[];
}

export class MiniKubeletError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = `MiniKubeletError(${code})`;
  }
}

export const notFound = (kind: string, name: string): MiniKubeletError =>
  new MiniKubeletError('NotFound', `${kind} "${name}" not found`, { name, kind });

export const alreadyExists = (kind: string, name: string): MiniKubeletError =>
  new MiniKubeletError('AlreadyExists', `${kind} "${name}" already exists`, { name, kind });

export const badRequest = (message: string): MiniKubeletError => new MiniKubeletError('BadRequest', message);

/** Follows the `cause` chain, so a wrapped error keeps its kind. */
export function errorCode(err: unknown): ErrorCode | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof MiniKubeletError) return e.code;
  }
  return undefined;
}

export const isNotFound = (err: unknown): boolean => errorCode(err) === 'NotFound';

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
