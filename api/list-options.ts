// ListOptions checked before a list or a watch is served, as the API server's ListResource does: the rules
// of apimachinery's internalversion validation (a 422 naming ListOptions.meta.k8s.io), then the storage's
// refusal of a resourceVersion beside a continue token (a 400).
import { badRequest } from '../agent/errors';
import { type FieldError, fieldError, invalidError } from '../agent/model/field-errors';
import type { Req } from './request';

const MATCH = 'resourceVersionMatch';
const forbidden = (why: string): FieldError => fieldError('Forbidden', MATCH, undefined, why);
const notSupported = (match: string, supported: string[]): FieldError =>
  fieldError('NotSupported', MATCH, match, `supported values: ${supported.map((s) => `"${s}"`).join(', ')}`);

function listProblems(q: Req['query']): FieldError[] {
  const out: FieldError[] = [];
  const match = q.resourceVersionMatch ?? '';
  if (match !== '') {
    if (!q.resourceVersion)
      out.push(forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (q.continue) out.push(forbidden('resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan')
      out.push(notSupported(match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && q.resourceVersion === '0')
      out.push(forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (q.sendInitialEvents !== undefined)
    out.push(
      fieldError('Forbidden', 'sendInitialEvents', undefined, 'sendInitialEvents is forbidden for list'),
    );
  return out;
}

/** The watch rules with the WatchList feature on (the agent serves sendInitialEvents). */
function watchProblems(q: Req['query']): FieldError[] {
  const out: FieldError[] = [];
  const match = q.resourceVersionMatch ?? '';
  if (q.sendInitialEvents !== undefined && match !== 'NotOlderThan')
    out.push(forbidden('sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
  if (match !== '') {
    if (q.sendInitialEvents === undefined)
      out.push(forbidden('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') out.push(notSupported(match, ['NotOlderThan']));
    if (q.continue) out.push(forbidden('resourceVersionMatch is forbidden when continue is provided'));
  }
  return out;
}

/** Throws the API server's answer to ListOptions it refuses. */
export function checkListOptions(req: Req, watch: boolean): void {
  const q = req.query;
  const problems = watch ? watchProblems(q) : listProblems(q);
  if (problems.length) throw invalidError('ListOptions', '', problems, 'meta.k8s.io');
  const rv = q.resourceVersion ?? '';
  if (!watch && q.continue && rv !== '' && rv !== '0')
    throw badRequest('specifying resource version is not allowed when using continue');
}
