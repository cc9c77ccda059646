// requestInfo pins upstream's RequestInfoFactory (apiserver/pkg/endpoints/request/requestinfo.go) on this API's
// URLs: each row is a method and URL and the whole attributes the authorizer sees.
import { expect } from 'chai';
import { type RequestAttributes, requestInfo } from '../../../../api/authz/request-info';

const SHORT = new Set(['pods', 'services', 'endpoints']);
type Row = [method: string, url: string, want: Partial<RequestAttributes>];

/** A resource request's attributes: core v1 unless the row says otherwise. */
const res = (
  verb: string,
  resource: string,
  more: Partial<RequestAttributes> = {},
): Partial<RequestAttributes> => ({
  isResourceRequest: true,
  verb,
  apiGroup: '',
  apiVersion: 'v1',
  namespace: '',
  resource,
  subresource: '',
  name: '',
  ...more,
});
const ns = (namespace: string, more: Partial<RequestAttributes> = {}) => ({ namespace, ...more });

const rows: Row[] = [
  // core
  ['GET', '/api/v1/pods', res('list', 'pods')],
  ['GET', '/api/v1/namespaces/default/pods', res('list', 'pods', ns('default'))],
  ['GET', '/api/v1/namespaces/default/pods?watch=true', res('watch', 'pods', ns('default'))],
  ['GET', '/api/v1/namespaces/default/pods?watch=1&resourceVersion=5', res('watch', 'pods', ns('default'))],
  ['GET', '/api/v1/namespaces/default/pods?watch=false', res('list', 'pods', ns('default'))],
  ['GET', '/api/v1/namespaces/default/pods?watch=True', res('watch', 'pods', ns('default'))],
  ['GET', '/api/v1/watch/namespaces/default/pods', res('watch', 'pods', ns('default'))],
  ['GET', '/api/v1/watch/namespaces/default/pods/p', res('watch', 'pods', ns('default', { name: 'p' }))],
  ['GET', '/api/v1/watch/pods', res('watch', 'pods')],
  [
    'GET',
    '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb&watch=true',
    res('watch', 'pods', ns('default', { name: 'web' })),
  ],
  [
    'GET',
    '/api/v1/namespaces/default/pods?fieldSelector=status.phase!=Failed,metadata.name==web',
    res('list', 'pods', ns('default', { name: 'web' })),
  ],
  [
    'GET',
    '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3D..',
    res('list', 'pods', ns('default')),
  ],
  ['GET', '/api/v1/namespaces/default/pods/p', res('get', 'pods', ns('default', { name: 'p' }))],
  ['HEAD', '/api/v1/namespaces/default/pods/p', res('get', 'pods', ns('default', { name: 'p' }))],
  ['POST', '/api/v1/namespaces/default/pods', res('create', 'pods', ns('default'))],
  ['PUT', '/api/v1/namespaces/default/pods/p', res('update', 'pods', ns('default', { name: 'p' }))],
  ['PATCH', '/api/v1/namespaces/default/pods/p', res('patch', 'pods', ns('default', { name: 'p' }))],
  ['DELETE', '/api/v1/namespaces/default/pods/p', res('delete', 'pods', ns('default', { name: 'p' }))],
  ['DELETE', '/api/v1/namespaces/default/pods', res('deletecollection', 'pods', ns('default'))],
  ['OPTIONS', '/api/v1/namespaces/default/pods', res('', 'pods', ns('default'))],
  // subresources: status, logs, exec (WebSocket GET and SPDY POST), attach, port-forward, ephemeral containers
  [
    'GET',
    '/api/v1/namespaces/default/pods/p/log?container=c',
    res('get', 'pods', ns('default', { name: 'p', subresource: 'log' })),
  ],
  [
    'PUT',
    '/api/v1/namespaces/default/pods/p/status',
    res('update', 'pods', ns('default', { name: 'p', subresource: 'status' })),
  ],
  [
    'GET',
    '/api/v1/namespaces/default/pods/p/exec?command=ls',
    res('get', 'pods', ns('default', { name: 'p', subresource: 'exec' })),
  ],
  [
    'POST',
    '/api/v1/namespaces/default/pods/p/exec?command=ls',
    res('create', 'pods', ns('default', { name: 'p', subresource: 'exec' })),
  ],
  [
    'POST',
    '/api/v1/namespaces/default/pods/p/attach',
    res('create', 'pods', ns('default', { name: 'p', subresource: 'attach' })),
  ],
  [
    'GET',
    '/api/v1/namespaces/default/pods/p/portforward',
    res('get', 'pods', ns('default', { name: 'p', subresource: 'portforward' })),
  ],
  [
    'PATCH',
    '/api/v1/namespaces/default/pods/p/ephemeralcontainers',
    res('patch', 'pods', ns('default', { name: 'p', subresource: 'ephemeralcontainers' })),
  ],
  // namespaces: the namespace is its own name; status and finalize are its subresources
  ['GET', '/api/v1/namespaces', res('list', 'namespaces')],
  [
    'GET',
    '/api/v1/namespaces/kube-system',
    res('get', 'namespaces', ns('kube-system', { name: 'kube-system' })),
  ],
  ['DELETE', '/api/v1/namespaces/team', res('delete', 'namespaces', ns('team', { name: 'team' }))],
  [
    'PUT',
    '/api/v1/namespaces/team/finalize',
    res('update', 'namespaces', ns('team', { name: 'team', subresource: 'finalize' })),
  ],
  [
    'GET',
    '/api/v1/namespaces/team/status',
    res('get', 'namespaces', ns('team', { name: 'team', subresource: 'status' })),
  ],
  ['GET', '/api/v1/nodes/n1', res('get', 'nodes', { name: 'n1' })],
  [
    'POST',
    '/api/v1/namespaces/default/serviceaccounts/x/token',
    res('create', 'serviceaccounts', ns('default', { name: 'x', subresource: 'token' })),
  ],
  // named groups: apps (scale, status), batch, autoscaling, metrics, coordination, the reviews
  [
    'GET',
    '/apis/apps/v1/namespaces/default/deployments',
    res('list', 'deployments', ns('default', { apiGroup: 'apps' })),
  ],
  [
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/web/scale',
    res('patch', 'deployments', ns('default', { apiGroup: 'apps', name: 'web', subresource: 'scale' })),
  ],
  [
    'PUT',
    '/apis/apps/v1/namespaces/default/statefulsets/db/status',
    res('update', 'statefulsets', ns('default', { apiGroup: 'apps', name: 'db', subresource: 'status' })),
  ],
  ['GET', '/apis/apps/v1/daemonsets?watch=true', res('watch', 'daemonsets', { apiGroup: 'apps' })],
  [
    'POST',
    '/apis/batch/v1/namespaces/default/jobs',
    res('create', 'jobs', ns('default', { apiGroup: 'batch' })),
  ],
  [
    'DELETE',
    '/apis/batch/v1/namespaces/default/cronjobs',
    res('deletecollection', 'cronjobs', ns('default', { apiGroup: 'batch' })),
  ],
  [
    'GET',
    '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/h',
    res(
      'get',
      'horizontalpodautoscalers',
      ns('default', { apiGroup: 'autoscaling', apiVersion: 'v2', name: 'h' }),
    ),
  ],
  [
    'GET',
    '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods',
    res('list', 'pods', ns('default', { apiGroup: 'metrics.k8s.io', apiVersion: 'v1beta1' })),
  ],
  [
    'GET',
    '/apis/metrics.k8s.io/v1beta1/nodes/n1',
    res('get', 'nodes', { apiGroup: 'metrics.k8s.io', apiVersion: 'v1beta1', name: 'n1' }),
  ],
  [
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    res('create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io' }),
  ],
  [
    'PUT',
    '/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/r',
    res('update', 'roles', ns('default', { apiGroup: 'rbac.authorization.k8s.io', name: 'r' })),
  ],
  // percent-encoded segments are decoded
  [
    'GET',
    '/api/v1/namespaces/default/configmaps/a%2Eb',
    res('get', 'configmaps', ns('default', { name: 'a.b' })),
  ],
  // minikubelet's short curl forms: core v1, `?namespace=` or `default` (a list without it: all namespaces)
  ['GET', '/pods', res('list', 'pods')],
  ['GET', '/pods?namespace=team', res('list', 'pods', ns('team'))],
  ['POST', '/pods', res('create', 'pods', ns('default'))],
  ['GET', '/pods/hello/log', res('get', 'pods', ns('default', { name: 'hello', subresource: 'log' }))],
  ['DELETE', '/services/web?namespace=team', res('delete', 'services', ns('team', { name: 'web' }))],
];

const nonResourceRows: [string, string, string][] = [
  ['GET', '/healthz', 'get'],
  ['GET', '/version', 'get'],
  ['GET', '/api', 'get'],
  ['GET', '/api/v1', 'get'],
  ['GET', '/apis', 'get'],
  ['GET', '/apis/apps', 'get'],
  ['GET', '/apis/apps/v1', 'get'],
  ['GET', '/openapi/v2', 'get'],
  ['GET', '/openapi/v3/apis/apps/v1', 'get'],
  ['GET', '/metrics', 'get'],
  ['GET', '/metrics/resource', 'get'],
  ['POST', '/metrics', 'post'],
  ['GET', '/ui/index.html', 'get'],
  ['GET', '/deployments', 'get'], // no short form: not a resource
];

describe('authz: request attributes (upstream RequestInfo)', () => {
  for (const [method, url, want] of rows)
    it(`${method} ${url} -> ${want.verb} ${want.resource}${want.subresource ? `/${want.subresource}` : ''}`, () => {
      const query = Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? ''));
      const got = requestInfo(method, url, query, { shortPaths: SHORT });
      expect(got).to.deep.equal({ ...want, path: url.split('?')[0] });
    });
  for (const [method, path, verb] of nonResourceRows)
    it(`${method} ${path} -> non-resource ${verb}`, () => {
      const got = requestInfo(method, path, {}, { shortPaths: SHORT });
      expect(got).to.deep.include({ isResourceRequest: false, path, verb, resource: '' });
    });
});
