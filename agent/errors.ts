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
  | 'NotAcceptable'
  | 'MethodNotAllowed'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Gone'
  | 'TooManyRequests'
  | 'Timeout'
  | 'RuntimeUnavailable'
  | 'RuntimeError'
  | 'ImagePullError'
  | 'InternalError';

export interface ErrorDetails {
  name?: string;
  kind?: string;
  /** The API group of a kind outside core (`apps`): the Status's `details.group`, and the qualifier of its
   * message (`Deployment.apps "d" is invalid`, `deployments.apps "d" not found`). */
  group?: string;
  causes?: FieldCause[];
  /** The resource as upstream names it (`pods`), the Status's `details.kind` verbatim (authorization's 403s). */
  resource?: string;
  /** The subresource an error is about (`scale`): its resource is `deployments/scale`. */
  subresource?: string;
  /** How long a client should wait before it tries again (a generated name that was taken, a Timeout). */
  retryAfterSeconds?: number;
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

/** Upstream's qualified resource: `deployments.apps` for a kind of a named group, `pods` for core. */
export const qualifiedResource = (kind: string, group = '', subresource = ''): string =>
  `${resourceOf(kind)}${subresource ? `/${subresource}` : ''}${group ? `.${group}` : ''}`;

/** The details of an error about one object, the group only outside core (the Status resolves the kind). */
const about = (kind: string, name: string, group: string, subresource = ''): ErrorDetails => ({
  name,
  kind,
  ...(group ? { group } : {}),
  ...(subresource ? { subresource } : {}),
});

/** `pods "p" not found`, `deployments.apps "d" not found` (upstream's NewNotFound). */
export const notFound = (kind: string, name: string, group = ''): MiniKubeletError =>
  new MiniKubeletError(
    'NotFound',
    `${qualifiedResource(kind, group)} "${name}" not found`,
    about(kind, name, group),
  );

export const alreadyExists = (kind: string, name: string, group = ''): MiniKubeletError =>
  new MiniKubeletError(
    'AlreadyExists',
    `${qualifiedResource(kind, group)} "${name}" already exists`,
    about(kind, name, group),
  );

/** upstream's NewGenerateNameConflict: the name the server generated is taken; try again in a second. */
export const generateNameConflict = (kind: string, name: string, group = ''): MiniKubeletError =>
  new MiniKubeletError(
    'AlreadyExists',
    `${qualifiedResource(kind, group)} "${name}" already exists, the server was not able to generate a unique name for the object`,
    { ...about(kind, name, group), retryAfterSeconds: 1 },
  );

/** `Operation cannot be fulfilled on deployments.apps "d": why` (core: `pods "p"`; a subresource's:
 * `deployments/scale.apps "d"`). */
export const conflict = (
  kind: string,
  name: string,
  why: string,
  group = '',
  subresource = '',
): MiniKubeletError =>
  new MiniKubeletError(
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(kind, group, subresource)} "${name}": ${why}`,
    about(kind, name, group, subresource),
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
