// `kubectl --as=... --as-group=... --as-uid=...` (apiserver/pkg/endpoints/filters/impersonation.go): the
// Impersonate-User, -Group, -Uid and -Extra-<key> headers. The requester must be allowed `impersonate` on each
// thing asked (users, groups, serviceaccounts in the core group; uids and userextras/<key> in
// authentication.k8s.io), and the request then runs as that user.
import { MiniKubeletError } from '../../agent/errors';
import { SERVICE_ACCOUNT_PREFIX, splitServiceAccountUsername, type UserInfo } from '../authn/user-info';
import { AUTHENTICATED_GROUP, type Authorizer, UNAUTHENTICATED_GROUP } from './authorizer';
import { forbiddenError } from './forbidden';
import type { RequestAttributes } from './request-info';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';
const ANONYMOUS = 'system:anonymous';

/** One thing asked for, as upstream's ObjectReference (its Go %v appears in a BadRequest). */
interface Asked {
  kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID';
  namespace: string;
  name: string;
  apiVersion: string;
  fieldPath: string;
}

/** The header values in order, repeated headers kept apart (Node would join them with commas). */
export function headerValues(rawHeaders: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (!name.startsWith('impersonate-')) continue;
    out.set(name, [...(out.get(name) ?? []), rawHeaders[i + 1] ?? '']);
  }
  return out;
}

const unescapeKey = (key: string): string => {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
};

function askedFor(headers: Map<string, string[]>): Asked[] {
  const asked: Asked[] = [];
  const ref = (kind: Asked['kind'], name: string, more: Partial<Asked> = {}): Asked => ({
    kind,
    namespace: '',
    name,
    apiVersion: '',
    fieldPath: '',
    ...more,
  });
  const user = headers.get(USER)?.[0] ?? '';
  if (user) {
    const sa = splitServiceAccountUsername(user);
    asked.push(sa ? ref('ServiceAccount', sa.name, { namespace: sa.namespace }) : ref('User', user));
  }
  for (const g of headers.get(GROUP) ?? []) asked.push(ref('Group', g));
  for (const [name, values] of headers)
    if (name.startsWith(EXTRA_PREFIX)) {
      const key = unescapeKey(name.slice(EXTRA_PREFIX.length));
      for (const v of values)
        asked.push(ref('UserExtra', v, { apiVersion: 'authentication.k8s.io/v1', fieldPath: key }));
    }
  const uid = headers.get(UID)?.[0] ?? '';
  if (uid) asked.push(ref('UID', uid, { apiVersion: 'authentication.k8s.io/v1' }));
  if (!user && asked.length) {
    // Go's %v of the []ObjectReference: {Kind Namespace Name UID APIVersion ResourceVersion FieldPath}
    const shown = asked.map(
      (a) => `{${[a.kind, a.namespace, a.name, '', a.apiVersion, '', a.fieldPath].join(' ')}}`,
    );
    throw new MiniKubeletError('BadRequest', `requested [${shown.join(' ')}] without impersonating a user`);
  }
  return asked;
}

/** What `impersonate` is checked on for one thing asked. */
function attributesOf(a: Asked, path: string): RequestAttributes {
  const base = {
    isResourceRequest: true,
    path,
    verb: 'impersonate',
    apiVersion: 'v1',
    subresource: '',
    name: a.name,
  };
  switch (a.kind) {
    case 'ServiceAccount':
      return { ...base, apiGroup: '', namespace: a.namespace, resource: 'serviceaccounts' };
    case 'User':
      return { ...base, apiGroup: '', namespace: '', resource: 'users' };
    case 'Group':
      return { ...base, apiGroup: '', namespace: '', resource: 'groups' };
    case 'UserExtra':
      return {
        ...base,
        apiGroup: AUTHENTICATION_GROUP,
        namespace: '',
        resource: 'userextras',
        subresource: a.fieldPath,
      };
    case 'UID':
      return { ...base, apiGroup: AUTHENTICATION_GROUP, namespace: '', resource: 'uids' };
  }
}

/**
 * The user a request runs as: undefined without impersonation headers; the impersonated user when the
 * requester may impersonate everything asked; a Forbidden (or BadRequest) otherwise.
 */
export function impersonatedUser(
  authorizer: Authorizer,
  requester: UserInfo,
  rawHeaders: readonly string[],
  path: string,
): UserInfo | undefined {
  const headers = headerValues(rawHeaders);
  const asked = askedFor(headers);
  if (!asked.length) return undefined;
  const groupsSpecified = (headers.get(GROUP) ?? []).length > 0;
  let username = '';
  let uid: string | undefined;
  const groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const a of asked) {
    const attributes = attributesOf(a, path);
    const decision = authorizer.authorize(requester, attributes);
    if (!decision.allowed) throw forbiddenError(requester, attributes, decision.reason);
    switch (a.kind) {
      case 'ServiceAccount':
        username = `${SERVICE_ACCOUNT_PREFIX}${a.namespace}:${a.name}`;
        if (!groupsSpecified) groups.push('system:serviceaccounts', `system:serviceaccounts:${a.namespace}`);
        break;
      case 'User':
        username = a.name;
        break;
      case 'Group':
        groups.push(a.name);
        break;
      case 'UserExtra':
        (extra[a.fieldPath] ??= []).push(a.name);
        break;
      case 'UID':
        uid = a.name;
        break;
    }
  }
  // upstream: a non-anonymous user asked without groups is still an authenticated one
  if (
    !groupsSpecified &&
    username !== ANONYMOUS &&
    !groups.some((g) => g === AUTHENTICATED_GROUP || g === UNAUTHENTICATED_GROUP)
  )
    groups.push(AUTHENTICATED_GROUP);
  return {
    username,
    ...(uid !== undefined ? { uid } : {}),
    groups,
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}
