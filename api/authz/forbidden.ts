// A refused request's Status, worded as upstream's responsewriters.Forbidden and apierrors.NewForbidden:
// `pods "p" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "default"`,
// details {name, group, kind: the resource}; a non-resource path: `forbidden: User "u" cannot get path "/x"`.
import { MiniKubeletError } from '../../agent/errors';
import type { UserInfo } from '../authn/user-info';
import type { RequestAttributes } from './request-info';

const q = (s: string): string => JSON.stringify(s);

/** What the user cannot do (upstream's forbiddenMessage). */
export function forbiddenMessage(user: UserInfo, a: RequestAttributes): string {
  const who = `User ${q(user.username)}`;
  if (!a.isResourceRequest) return `${who} cannot ${a.verb} path ${q(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace ${q(a.namespace)}` : 'at the cluster scope';
  return `${who} cannot ${a.verb} resource ${q(resource)} in API group ${q(a.apiGroup)} ${where}`;
}

/** The 403 of a request (or impersonation, or review) the authorizer refused; `reason` as the authorizer gave it. */
export function forbiddenError(user: UserInfo, a: RequestAttributes, reason = ''): MiniKubeletError {
  return forbiddenStatus(a, `${forbiddenMessage(user, a)}${reason ? `: ${reason}` : ''}`);
}

/** apierrors.NewForbidden of the request's group and resource (no subresource), its name, and why. */
export function forbiddenStatus(
  a: Pick<RequestAttributes, 'apiGroup' | 'resource' | 'name'>,
  why: string,
): MiniKubeletError {
  const resource = a.resource;
  const qualified = resource ? `${resource}${a.apiGroup ? `.${a.apiGroup}` : ''}` : '';
  const message = !qualified
    ? `forbidden: ${why}`
    : a.name
      ? `${qualified} ${q(a.name)} is forbidden: ${why}`
      : `${qualified} is forbidden: ${why}`;
  return new MiniKubeletError('Forbidden', message, {
    name: a.name,
    ...(resource ? { resource } : {}),
    ...(resource && a.apiGroup ? { group: a.apiGroup } : {}),
  });
}
