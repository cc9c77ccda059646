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
  | 'TooManyRequests'
  | 'RuntimeUnavailable'
  | 'RuntimeError'
  | 'ImagePullError'
  | 'InternalError';

export interface ErrorDetails {
  name?: string;
  kind?: string;
  /** The API group of a kind outside core (`batch`): an Invalid Status then names `kind` and `group`. */
  group?: string;
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

/** The API resource of a kind (`Pod` -> `pods`, `Endpoints` -> `endpoints`): what upstream messages name. */
export const resourceOf = (kind: string): string => kind.toLowerCase() + (kind.endsWith('s') ? '' : 's');

export const notFound = (kind: string, name: string): MiniKubeletError =>
  new MiniKubeletError('NotFound', `${resourceOf(kind)} "${name}" not found`, { name, kind });

export const alreadyExists = (kind: string, name: string): MiniKubeletError =>
  new MiniKubeletError('AlreadyExists', `${resourceOf(kind)} "${name}" already exists`, { name, kind });

/** `deployments.apps "d"` for a kind of a named group (upstream's qualified resource), `pods "p"` for core. */
export const conflict = (kind: string, name: string, why: string, group = ''): MiniKubeletError =>
  new MiniKubeletError(
    'Conflict',
    `Operation cannot be fulfilled on ${resourceOf(kind)}${group ? `.${group}` : ''} "${name}": ${why}`,
    { name, kind, ...(group ? { group } : {}) },
  );

export const forbidden = (kind: string, name: string, why: string): MiniKubeletError =>
  new MiniKubeletError('Forbidden', `${resourceOf(kind)} "${name}" is forbidden: ${why}`, { name, kind });

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
