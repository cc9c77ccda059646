// Paths inside a volume as upstream validates them (validateLocalDescendingPath, validatePathNoBacksteps,
// validateLocalNonReservedPath in pkg/apis/core/validation): relative, no `..` component, no `..` prefix.
import { fieldError, type FieldError } from '../field-errors';

/** validatePathNoBacksteps: one error, even for `../../..`. */
export function pathNoBacksteps(path: string, field: string, out: FieldError[]): void {
  if (path.split('/').includes('..')) out.push(fieldError('Invalid', field, path, "must not contain '..'"));
}

/** validateLocalDescendingPath: a subPath, a subPathExpr. */
export function localDescendingPath(path: string, field: string, out: FieldError[]): void {
  if (path.startsWith('/')) out.push(fieldError('Invalid', field, path, 'must be a relative path'));
  pathNoBacksteps(path, field, out);
}

/** validateLocalNonReservedPath: a file of a configMap, secret, downwardAPI or projected volume. */
export function localNonReservedPath(path: string, field: string, out: FieldError[]): void {
  localDescendingPath(path, field, out);
  // `..data` and the timestamped `..<ts>` directories are the atomic writer's own names.
  if (path.startsWith('..') && !path.startsWith('../'))
    out.push(fieldError('Invalid', field, path, "must not start with '..'"));
}
