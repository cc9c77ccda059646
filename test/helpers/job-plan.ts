// What the planJob tests expect: the status of a running Job and the actions, spelled once.
import { expect } from 'chai';
import { type JobAction, type JobPlan, planJob } from '../../agent/jobs/plan-job';
import type { Job, JobStatus } from '../../agent/model/job';
import type { Pod } from '../../agent/model/pod';
import { NOW, iso } from './builders';

export const STARTED = NOW - 600_000;
/** What every running Job's status carries besides its counters. */
export const base = (s: JobStatus = {}): JobStatus => ({
  startTime: iso(STARTED),
  ready: 0,
  terminating: 0,
  uncountedTerminatedPods: {},
  ...s,
});
export const running = (s: JobStatus = {}): JobStatus => ({ startTime: iso(STARTED), ...s });
export const create = (index?: number): JobAction => ({
  type: 'createPod',
  ...(index !== undefined ? { index } : {}),
  reason: 'too few active pods',
});
export const del = (name: string, reason: string): JobAction => ({ type: 'deletePod', name, reason });
export const count = (name: string): JobAction => ({ type: 'countPod', name });
export const event = (eventType: 'Normal' | 'Warning', reason: string, message: string): JobAction => ({
  type: 'event',
  eventType,
  reason,
  message,
});

export interface JobCase {
  situation: string;
  job: Job;
  pods?: Pod[];
  want: JobPlan;
}

/** One `it` per case: the whole plan at NOW. */
export const check = (cases: JobCase[]): void => {
  for (const c of cases)
    it(c.situation, () => {
      expect(planJob(c.job, c.pods ?? [], NOW)).to.deep.equal(c.want);
    });
};
