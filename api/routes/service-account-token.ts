// serviceaccounts/<name>/token: the TokenRequest API (`kubectl create token`), as kube-apiserver's
// pkg/registry/core/serviceaccount/storage/token.go: the body's name and namespace must match the URL's, the
// ServiceAccount must exist, expirationSeconds defaults to 3600 and must lie within 10 minutes and 2^32
// seconds (--service-account-max-token-expiration, unset by default, shortens longer ones with a warning), the audiences
// default to the API's, and a bound Pod or Secret must exist (a Pod must run as that ServiceAccount, a given
// uid must match). Stored nowhere; the token is signed by the TokenIssuer (agent/auth/).
import type { FastifyInstance } from 'fastify';
import { MiniKubeletError, badRequest, notFound } from '../../agent/errors';
import type { TokenIssuer, TokenRequestSpec } from '../../agent/auth/token-issuer';
import { type FieldError, fieldError, invalidError } from '../../agent/model/field-errors';
import type { GroupVersion } from '../../agent/model/group-version';
import { isoTime } from '../../agent/clock';
import type { ApiDeps } from '../deps';
import { quotedWarning } from '../field-validation';
import { shortenedWarning } from '../../agent/auth/token-lifetime';
import type { Subresource } from '../resources';

export const AUTHENTICATION_V1: GroupVersion = { group: 'authentication.k8s.io', version: 'v1' };

/** Listed under serviceaccounts in discovery. */
export const TOKEN_SUBRESOURCE: Subresource = {
  name: 'token',
  verbs: ['create'],
  kind: 'TokenRequest',
  groupVersion: AUTHENTICATION_V1,
};

export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

interface TokenRequestBody {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    audiences?: string[] | null;
    expirationSeconds?: number | null;
    boundObjectRef?: BoundObjectReference | null;
  };
}

const asBody = (v: unknown): TokenRequestBody => (v && typeof v === 'object' ? v : {});

/** Upstream's field checks (pkg/apis/authentication/validation). */
export function tokenRequestProblems(expirationSeconds: number): FieldError[] {
  const errors: FieldError[] = [];
  const field = 'spec.expirationSeconds';
  if (expirationSeconds < MIN_EXPIRATION_SECONDS)
    errors.push(
      fieldError('Invalid', field, expirationSeconds, 'may not specify a duration less than 10 minutes'),
    );
  if (expirationSeconds > MAX_EXPIRATION_SECONDS)
    errors.push(
      fieldError('Invalid', field, expirationSeconds, 'may not specify a duration larger than 2^32 seconds'),
    );
  return errors;
}

const metaMismatch = (name: string, field: string, value: string, what: string): MiniKubeletError =>
  invalidError(
    'TokenRequest',
    name,
    [fieldError('Invalid', field, value, `must match the service account ${what} if specified`)],
    AUTHENTICATION_V1.group,
  );

/** The bound object, resolved to its uid; errors worded as upstream's. */
function boundObject(
  deps: ApiDeps,
  namespace: string,
  serviceAccount: string,
  ref: BoundObjectReference,
): TokenRequestSpec['boundObject'] {
  const apiVersion = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = ref.kind ?? '';
  const name = ref.name ?? '';
  let uid: string;
  if (group === '' && kind === 'Pod') {
    const pod = deps.pods.get(namespace, name);
    if (!pod) throw notFound('Pod', name);
    if ((pod.spec.serviceAccountName || 'default') !== serviceAccount)
      throw badRequest(
        `cannot bind token for serviceaccount "${serviceAccount}" to pod running with different serviceaccount name.`,
      );
    uid = pod.metadata.uid;
  } else if (group === '' && kind === 'Secret') {
    const secret = deps.config.secrets.get(namespace, name);
    if (!secret) throw notFound('Secret', name);
    uid = secret.metadata.uid;
  } else {
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
    throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
  }
  if (ref.uid && ref.uid !== uid)
    throw new MiniKubeletError(
      'Conflict',
      `Operation cannot be fulfilled on ${kind} "${name}": the UID in the bound object reference (${ref.uid}) ` +
        'does not match the UID in record. The object might have been deleted and then recreated',
      { name, kind },
    );
  return { kind, name, uid };
}

export const stringsOrNone = (v: unknown): v is string[] | null | undefined =>
  v === undefined || v === null || (Array.isArray(v) && v.every((s) => typeof s === 'string'));

/** What a JSON body could carry that the Go types would not decode into. */
function checkShape(spec: NonNullable<TokenRequestBody['spec']>): void {
  const e = spec.expirationSeconds;
  const ref = spec.boundObjectRef;
  const bad =
    typeof spec !== 'object' ||
    !(e === undefined || e === null || Number.isSafeInteger(e)) ||
    !stringsOrNone(spec.audiences) ||
    !(
      ref === undefined ||
      ref === null ||
      (typeof ref === 'object' &&
        ['kind', 'apiVersion', 'name', 'uid'].every((k) => {
          const v = (ref as Record<string, unknown>)[k];
          return v === undefined || typeof v === 'string';
        }))
    );
  if (bad) throw badRequest('TokenRequest: spec does not match authentication.k8s.io/v1 TokenRequestSpec');
}

export function createTokenRequest(
  deps: Pick<ApiDeps, 'serviceAccounts' | 'pods' | 'config' | 'clock' | 'serviceAccountTokens'>,
  issuer: TokenIssuer,
  namespace: string,
  name: string,
  raw: unknown,
): { tokenRequest: object; warning?: string } {
  const body = asBody(raw);
  const meta = body.metadata ?? {};
  if (meta.name && meta.name !== name) throw metaMismatch(name, 'metadata.name', meta.name, 'name');
  if (meta.namespace && meta.namespace !== namespace)
    throw metaMismatch(name, 'metadata.namespace', meta.namespace, 'namespace');
  const sa = deps.serviceAccounts.get(namespace, name);
  if (!sa) throw notFound('ServiceAccount', name);
  const spec = body.spec ?? {};
  checkShape(spec);
  const audiences = spec.audiences?.length ? spec.audiences : [...deps.serviceAccountTokens.apiAudiences];
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const problems = tokenRequestProblems(expirationSeconds);
  if (problems.length) throw invalidError('TokenRequest', '', problems, AUTHENTICATION_V1.group);
  const created = deps.clock.now();
  const ref = spec.boundObjectRef;
  const bound = ref ? boundObject(deps as ApiDeps, namespace, name, ref) : undefined;
  const issued = issuer.issue({
    namespace,
    serviceAccountName: name,
    serviceAccountUid: sa.metadata.uid,
    audiences,
    expirationSeconds,
    ...(bound ? { boundObject: bound } : {}),
  });
  return {
    tokenRequest: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: isoTime(created) },
      spec: { audiences, expirationSeconds: issued.expirationSeconds, boundObjectRef: ref ?? null },
      status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
    },
    ...(issued.shortenedFrom !== undefined
      ? { warning: shortenedWarning(issued.shortenedFrom, issued.expirationSeconds) }
      : {}),
  };
}

export function serviceAccountTokenRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Params: { namespace: string; name: string }; Body: unknown }>(
    '/api/v1/namespaces/:namespace/serviceaccounts/:name/token',
    async (req, reply) => {
      const made = createTokenRequest(
        deps,
        deps.tokenIssuer,
        req.params.namespace,
        req.params.name,
        req.body,
      );
      if (made.warning) void reply.header('warning', `299 - ${quotedWarning(made.warning)}`);
      return reply.code(201).send(made.tokenRequest);
    },
  );
}
