// validateProbe and the init-container rules around probes and restartPolicy (pkg/apis/core/validation):
// a plain init container runs to completion, so it takes no probes or lifecycle hooks; a sidecar
// (restartPolicy: Always) takes them as an app container does.
import { fieldError, type FieldError } from '../field-errors';
import type { Container, Probe } from '../pod';
import { isSidecar } from '../pod-predicates';

const NOT_FOR_INIT = ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const;

function validateProbe(p: Probe, field: string, isLivenessOrStartup: boolean, out: FieldError[]): void {
  const handlers = [p.exec, p.httpGet, p.tcpSocket].filter((h) => h !== undefined).length;
  if (handlers === 0) out.push(fieldError('Required', field, undefined, 'must specify a handler type'));
  if (handlers > 1)
    out.push(fieldError('Forbidden', field, undefined, 'may not specify more than 1 handler type'));
  for (const k of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    const v = p[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
      out.push(fieldError('Invalid', `${field}.${k}`, v, 'must be greater than or equal to 0'));
    }
  }
  if (isLivenessOrStartup && p.successThreshold !== undefined && p.successThreshold !== 1) {
    out.push(fieldError('Invalid', `${field}.successThreshold`, p.successThreshold, 'must be 1'));
  }
}

/** `field` is the container's path (`spec.initContainers[0]`). */
export function validateRestartPolicyAndProbes(
  c: Container,
  field: string,
  isInit: boolean,
  out: FieldError[],
): void {
  const sidecar = isInit && isSidecar(c);
  if (isInit && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
    out.push(
      fieldError('NotSupported', `${field}.restartPolicy`, c.restartPolicy, 'supported values: "Always"'),
    );
  }
  if (!isInit && c.restartPolicy !== undefined) {
    out.push(
      fieldError('Forbidden', `${field}.restartPolicy`, undefined, 'may not be set for non-init containers'),
    );
  }
  if (isInit && !sidecar) {
    for (const k of NOT_FOR_INIT) {
      if (c[k] !== undefined) {
        out.push(
          fieldError(
            'Forbidden',
            `${field}.${k}`,
            undefined,
            'may not be set for init containers without restartPolicy=Always',
          ),
        );
      }
    }
    return;
  }
  if (c.readinessProbe) validateProbe(c.readinessProbe, `${field}.readinessProbe`, false, out);
  if (c.livenessProbe) validateProbe(c.livenessProbe, `${field}.livenessProbe`, true, out);
  if (c.startupProbe) validateProbe(c.startupProbe, `${field}.startupProbe`, true, out);
}
