// What a request asks, as kube-apiserver's RequestInfoFactory reads it from the method and URL
// (apiserver/pkg/endpoints/request/requestinfo.go): a resource request under /api/v1 or /apis/<group>/<version>
// names a verb, group, version, namespace, resource, subresource and name; anything else is a non-resource
// request (its path and the lowercase HTTP method). The authorizer and the reviews read these attributes.
import { queryBool } from '../request';

export interface RequestAttributes {
  isResourceRequest: boolean;
  /** The URL's path (what non-resource rules match). */
  path: string;
  verb: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

/** Upstream's verb of each method; any other method is a resource request with verb "" (which only `*` grants). */
const METHOD_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};
/** Path segments after a namespace's name that are its own subresources, not a resource inside it. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

type Query = Readonly<Record<string, string | string[] | undefined>>;

export const nonResource = (path: string, method: string): RequestAttributes => ({
  isResourceRequest: false,
  path,
  verb: method.toLowerCase(),
  apiGroup: '',
  apiVersion: '',
  namespace: '',
  resource: '',
  subresource: '',
  name: '',
});

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** `metadata.name=x` (or `==`) among a field selector's terms, as upstream's RequiresExactMatch finds it. */
function exactName(fieldSelector: string | undefined): string | undefined {
  for (const term of (fieldSelector ?? '').split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m) return m[1];
  }
  return undefined;
}
/** A name a URL could carry as one path segment (upstream's IsValidPathSegmentName). */
const isPathSegmentName = (name: string): boolean =>
  name !== '' && name !== '.' && name !== '..' && !/[/%]/.test(name);

/** Splits a path into its segments, each percent-decoded (a segment that cannot be decoded is kept as sent). */
function segments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export interface RequestInfoOptions {
  /**
   * Core resources also served at /<resource> (minikubelet's curl forms, `?namespace=` or `default`): they are
   * resource requests of /api/v1 for the authorizer too, so a shorter URL grants nothing more.
   */
  shortPaths?: ReadonlySet<string>;
}

/** The attributes of a request; `url` is the request's URL (path and query string), `query` its parsed query. */
export function requestInfo(
  method: string,
  url: string,
  query: Query = {},
  opts: RequestInfoOptions = {},
): RequestAttributes {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const parts = segments(path);
  const verbOfMethod = METHOD_VERBS[method.toUpperCase()] ?? '';
  let apiGroup = '';
  let apiVersion = 'v1';
  let rest: string[];
  let shortForm = false;
  // fewer segments (/api, /api/v1, /apis/apps/v1: discovery) are non-resource requests, as upstream
  if (parts[0] === 'api' && parts.length >= 3) {
    apiVersion = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    apiGroup = parts[1] ?? '';
    apiVersion = parts[2] ?? '';
    rest = parts.slice(3);
  } else if (parts[0] !== undefined && opts.shortPaths?.has(parts[0])) {
    rest = parts;
    shortForm = true;
  } else return nonResource(path, method);
  let verb = verbOfMethod;
  if (rest[0] === 'watch' || rest[0] === 'proxy') {
    verb = rest[0];
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      namespace = rest[1] ?? '';
      if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) rest = rest.slice(2);
    }
  }
  const [resource = '', nameInPath = '', subresource = ''] = rest;
  let name = nameInPath;
  if (name === '' && verb === 'get') {
    verb = queryBool(query['watch']) ? 'watch' : 'list';
    const selected = exactName(first(query['fieldSelector']));
    if (selected !== undefined && isPathSegmentName(selected)) name = selected;
  }
  if (name === '' && verb === 'delete') verb = 'deletecollection';
  if (shortForm) {
    // api/request.ts: `?namespace=`, else `default`, except that a list or watch without it spans all namespaces
    const asked = first(query['namespace']);
    namespace = asked ?? (nameInPath === '' && (verb === 'list' || verb === 'watch') ? '' : 'default');
  }
  return {
    isResourceRequest: true,
    path,
    verb,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
  };
}
