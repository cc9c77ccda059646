// The write paths of Jobs and CronJobs: decode, defaults, validation (agent/model/job-decode.ts), the
// generated selector of a new Job, status writes (the status subresource and the controllers), and deletion
// with the propagation policy asked for (Foreground and Orphan as for Deployments).
import type { Clock } from '../clock';
import { MiniKubeletError } from '../errors';
import type { CronJob, Job } from '../model/job';
import {
  decodeCronJob,
  decodeCronJobUpdate,
  decodeJob,
  decodeJobUpdate,
  generateSelector,
} from '../model/job-decode';
import { isObject } from '../model/shape';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';
import { propagatedDelete } from '../workloads/propagated-delete';

abstract class BatchRegistry<T extends Job | CronJob> implements Registry<T> {
  constructor(
    protected readonly store: ObjectStore<T>,
    private readonly clock: Clock,
  ) {}

  abstract create(raw: unknown, namespace: string, opts?: WriteOptions): T;
  protected abstract decodeUpdate(old: T, raw: unknown): T;

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): T {
    const old = this.store.mustGet(namespace, name);
    const next = this.decodeUpdate(old, raw);
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(old.spec);
    return this.store.update(next, { specChanged, persist: true, ...opts });
  }

  /** PUT or PATCH on /status: only the status changes. */
  updateStatus(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): T {
    const old = this.store.mustGet(namespace, name);
    if (!isObject(raw))
      throw new MiniKubeletError('BadRequest', `the body of the request must be a ${old.kind} object`);
    const status = isObject(raw.status) ? structuredClone(raw.status) : {};
    return this.store.update({ ...old, status }, { specChanged: false, persist: true, ...opts });
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): T {
    const obj = this.store.mustGet(namespace, name);
    checkPreconditions(obj, opts);
    return propagatedDelete(this.store, obj, opts, this.clock.now());
  }
}

export class JobRegistry extends BatchRegistry<Job> {
  create(raw: unknown, namespace: string, opts: WriteOptions = {}): Job {
    return this.store.create(decodeJob(raw, namespace), { ...opts, prepare: generateSelector });
  }

  protected decodeUpdate(old: Job, raw: unknown): Job {
    return decodeJobUpdate(old, raw);
  }
}

export class CronJobRegistry extends BatchRegistry<CronJob> {
  create(raw: unknown, namespace: string, opts: WriteOptions = {}): CronJob {
    return this.store.create(decodeCronJob(raw, namespace), opts);
  }

  protected decodeUpdate(old: CronJob, raw: unknown): CronJob {
    return decodeCronJobUpdate(old, raw);
  }
}

/** What the API writes batch/v1 through (objects and their status). */
export interface BatchRegistries {
  jobs: JobRegistry;
  cronJobs: CronJobRegistry;
}
