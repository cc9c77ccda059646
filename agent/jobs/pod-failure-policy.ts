// A Job's podFailurePolicy applied to one failed pod (upstream's matchPodFailurePolicy): the first rule
// whose onExitCodes (a terminated container, regular ones first, with a non-zero code In / NotIn the values,
// of containerName if given) or onPodConditions (a pod condition of that type and status) matches decides:
// FailJob (the Job fails, reason PodFailurePolicy, with upstream's message), Ignore (the failure does not
// count), Count (it counts, as without a policy) or FailIndex (its index fails; backoffLimitPerIndex).
import type { JobPod } from './job-pods';

export type PodFailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PodFailurePolicyRule {
  action: PodFailurePolicyAction;
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
  onPodConditions?: { type: string; status?: string }[];
}

export interface PodFailurePolicy {
  rules: PodFailurePolicyRule[];
}

export interface PolicyMatch {
  /** Whether the failure counts toward backoffLimit (all but Ignore). */
  countFailed: boolean;
  action?: PodFailurePolicyAction;
  /** FailJob: the Job's failure message. */
  message?: string;
}

function matchExitCodes(pod: JobPod, req: NonNullable<PodFailurePolicyRule['onExitCodes']>) {
  return [...pod.containerExits, ...pod.initContainerExits].find(
    (c) =>
      (req.containerName === undefined || req.containerName === c.name) &&
      c.exitCode !== 0 &&
      req.values.includes(c.exitCode) === (req.operator === 'In') &&
      (req.operator === 'In' || req.operator === 'NotIn'),
  );
}

const matchConditions = (pod: JobPod, patterns: NonNullable<PodFailurePolicyRule['onPodConditions']>) =>
  pod.conditions.find((c) => patterns.some((p) => p.type === c.type && (p.status ?? 'True') === c.status));

export function matchPodFailurePolicy(
  policy: PodFailurePolicy | undefined,
  pod: JobPod,
  namespace: string,
): PolicyMatch {
  for (const [index, rule] of (policy?.rules ?? []).entries()) {
    let failJob: string | undefined;
    if (rule.onExitCodes) {
      const c = matchExitCodes(pod, rule.onExitCodes);
      if (!c) continue;
      failJob = `Container ${c.name} for pod ${namespace}/${pod.name} failed with exit code ${c.exitCode} matching FailJob rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const c = matchConditions(pod, rule.onPodConditions);
      if (!c) continue;
      failJob = `Pod ${namespace}/${pod.name} has condition ${c.type} matching FailJob rule at index ${index}`;
    } else continue;
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'Count':
      case 'FailIndex':
        return { countFailed: true, action: rule.action };
      case 'FailJob':
        return { countFailed: true, action: 'FailJob', message: failJob };
    }
  }
  return { countFailed: true };
}
