// The single table from error codes to HTTP answers: Kubernetes `Status` objects kubectl prints verbatim.
import { type ErrorCode, MiniKubeletError, errorMessage, resourceOf } from '../agent/errors';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  TooManyRequests: 429,
  Timeout: 504,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  NotAcceptable: 406,
  Invalid: 422,
  InternalError: 500,
  RuntimeError: 500,
  ImagePullError: 500,
  RuntimeUnavailable: 503,
};

/** Kubernetes StatusReason for each code (the `reason` field). */
const REASON: Record<ErrorCode, string> = {
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Expired',
  TooManyRequests: 'TooManyRequests',
  Timeout: 'Timeout',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  NotAcceptable: 'NotAcceptable',
  Invalid: 'Invalid',
  InternalError: 'InternalError',
  RuntimeError: 'InternalError',
  ImagePullError: 'InternalError',
  RuntimeUnavailable: 'ServiceUnavailable',
};

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason: string; message: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code: number;
}

export function statusOf(err: MiniKubeletError): KubeStatus {
  const d = err.details;
  // Upstream's Invalid names the Kind and its group (`"kind":"Pod"`, `"group":"apps","kind":"Deployment"`:
  // kubectl prints `The Deployment "d" is invalid`); its other errors name the resource
  // (`"group":"apps","kind":"deployments"`, `deployments.apps "d" not found`).
  const kind = d.resource
    ? d.resource
    : d.kind && err.code !== 'Invalid'
      ? `${resourceOf(d.kind)}${d.subresource ? `/${d.subresource}` : ''}`
      : d.kind;
  // Go leaves empty strings out (omitempty): ListOptions' Invalid has no name, a Timeout's cause no field.
  const causes = d.causes?.map(({ field, ...c }) => (field ? { ...c, field } : c));
  const details =
    d.name !== undefined || d.causes || d.retryAfterSeconds !== undefined
      ? {
          ...(d.name ? { name: d.name } : {}),
          ...(d.group ? { group: d.group } : {}),
          ...(kind ? { kind } : {}),
          ...(causes ? { causes } : {}),
          ...(d.retryAfterSeconds !== undefined ? { retryAfterSeconds: d.retryAfterSeconds } : {}),
        }
      : undefined;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: REASON[err.code],
    ...(details ? { details } : {}),
    code: HTTP_STATUS[err.code],
  };
}

/** Fastify's own errors (parsing, limits, media types) mapped into the hierarchy. */
export function fromFrameworkError(err: unknown): MiniKubeletError {
  if (err instanceof MiniKubeletError) return err;
  const e = err as { code?: string; statusCode?: number };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MiniKubeletError('RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MiniKubeletError(
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new MiniKubeletError('BadRequest', errorMessage(err));
    default:
      break;
  }
  if (e.statusCode === 400 || err instanceof SyntaxError)
    return new MiniKubeletError('BadRequest', errorMessage(err));
  if (e.statusCode === 404) return new MiniKubeletError('NotFound', errorMessage(err));
  if (e.statusCode === 405) return new MiniKubeletError('MethodNotAllowed', errorMessage(err));
  return new MiniKubeletError(
    'InternalError',
    `Internal error occurred: ${errorMessage(err)}`,
    {},
    { cause: err },
  );
}
