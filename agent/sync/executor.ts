// Carries out a plan against the runtime, one step at a time, with the kubelet's events; it decides
// nothing (the planner did). Each step returns a result (a failed start names its waiting reason); a failed
// step ends the run (the next round plans afresh), except pruning and starts that do not block the pod.
import type { Clock } from '../clock';
import { MiniKubeletError, errorCode, errorMessage } from '../errors';
import type { EventRecorder } from '../events/recorder';
import type { Logger } from '../log';
import type { Container, EphemeralContainer, Pod } from '../model/pod';
import { isSidecar } from '../model/pod-predicates';
import type { ActionArgs, ActionType, PodAction } from '../planner/actions';
import { BackoffTable, PULL_ERROR_REPORT_MS, backoffKey, pullBackoffKey } from '../planner/backoff';
import { MIN_GRACE_SECONDS, kindOf, specOf } from '../planner/kill';
import { PodView } from '../planner/pod-view';
import { specHash } from '../planner/spec-hash';
import type {
  ContainerRuntime,
  Mount,
  NetworkInfo,
  ObservedContainer,
  PodContainerKind,
  SandboxSpec,
} from '../runtime/runtime';
import { credentialsFor } from '../config/pull-credentials';
import type { EarlyPull, ImagePrefetch } from '../images/image-prefetch';
import type { ImagePuller, PulledImage } from '../images/image-puller';
import { pullModeOf } from '../images/image-pull-default';
import type { Secret } from '../model/config-objects';
import { type ServiceLister, serviceEnv } from '../services/service-env';
import { containerSpec } from './container-config';
import { goDuration } from './go-duration';
import { type ConfigLookup, resolveEnv, skippedKeysMessage } from './container-env';
import { runHandler } from './handlers';
import { prepareHostPath } from './host-path';
import { type ClusterDns, PodFiles, podHostname } from './pod-files';
import type { PodVolumes } from './pod-volumes';
import { MissingSource } from '../volumes/volume-payload';
import { fieldPath, podRef } from './pod-ref';
import { invalidImage, sandboxMade, sandboxRefused } from './start-failures';
import type { RunResult, StepResult } from './step-result';

export { fieldPath, podRef } from './pod-ref';

export interface ExecutorDeps {
  runtime: ContainerRuntime;
  clock: Clock;
  logger: Logger;
  events: EventRecorder;
  files: PodFiles;
  volumes: PodVolumes;
  dns: ClusterDns;
  network: () => NetworkInfo;
  /** The Node's InternalIP: pods' hostIP, and the podIP of hostNetwork pods. */
  hostIP: () => string;
  /** Crash-loop back-off of containers. */
  backoff: BackoffTable;
  /** Image pull back-off, keyed by pod uid and image. */
  pullBackoff: BackoffTable;
  /** ConfigMaps and Secrets, for env and envFrom (read when a container starts, as the kubelet does). */
  sources: ConfigLookup;
  /** Services, for their environment variables (read when a container is created, as the kubelet does). */
  services: ServiceLister;
  /** Told how long each image pull took, to leave it out of the pod start SLI. */
  pulled?: (podUid: string, ms: number) => void;
  /** Pulls as --image-pull-default says (auto: the local image when the registry is unreachable). */
  images: ImagePuller;
  /** Pulls a pod's images together when its first sandbox is made (absent: each at its turn). */
  prefetch?: ImagePrefetch;
}

/** One run's context. `observed` is refreshed once a sandbox is created, so starts see it. */
interface Round {
  pod: Pod | undefined;
  observed: ObservedContainer[];
  logger: Logger;
}

type Action<K extends ActionType> = { type: K } & ActionArgs[K];
type Handler<K extends ActionType> = (round: Round, action: Action<K>) => Promise<StepResult[]>;
type Handlers = { [K in ActionType]: Handler<K> };

const POST_START_TIMEOUT_MS = 30_000;
const START_ERROR_RETRY_MS = 10_000;
/** A volume source still missing is looked for again this often (its creation wakes the pod sooner). */
const MOUNT_RETRY_MS = 10_000;

/** What a step found: a waiting reason, a retry time, an error. */
type Outcome = Omit<StepResult, 'action' | 'target' | 'ok'>;

/** The step's own result. */
function result(a: PodAction, extra: Outcome = {}): StepResult {
  const failed = extra.error !== undefined;
  return {
    action: a.type,
    target: 'name' in a ? a.name : '',
    ok: !failed,
    ...extra,
    ...(failed ? { message: errorMessage(extra.error) } : {}),
  };
}

/** The pod an action needs; the planner gives pod-level actions only with a pod. */
function podOf(r: Round): Pod {
  if (!r.pod) throw new MiniKubeletError('InternalError', 'this action needs the pod object');
  return r.pod;
}

/** An ephemeral container's target (getTargetID): its newest instance in the current sandbox. */
function targetOf(pod: Pod, kind: PodContainerKind, c: Container, view: PodView): string | undefined {
  const target = kind === 'ephemeral' ? (c as EphemeralContainer).targetContainerName : undefined;
  if (!target) return undefined;
  const targetKind = kindOf(pod, target);
  const found = targetKind && view.current(targetKind, target);
  if (!found) throw new Error(`unable to find target container ${target}`);
  return found.id;
}

export class Executor {
  private readonly handlers: Handlers;
  /** Containers started here whose `start` event has not come yet (ownStart). */
  private readonly started = new Set<string>();

  constructor(private readonly deps: ExecutorDeps) {
    const one = (a: PodAction, outcome: Outcome = {}): StepResult[] => [result(a, outcome)];
    const rt = this.deps.runtime;
    this.handlers = {
      killContainer: async (r, a) => {
        await this.killContainer(r, a);
        return one(a);
      },
      recordKilling: (r, a) => {
        this.recordKilling(r, a);
        return Promise.resolve(one(a));
      },
      preStop: async (r, a) => {
        await this.preStop(r, a, a.gracePeriodSeconds);
        return one(a);
      },
      stopContainer: async (_r, a) => {
        await this.stop(a.id, a.killAt);
        return one(a);
      },
      createSandbox: (r, a) => this.createSandbox(r, a),
      removeContainer: async (_r, a) => {
        await rt.removeContainer(a.id);
        return one(a);
      },
      pruneContainer: async (_r, a) => {
        await rt.removeContainer(a.id);
        return one(a);
      },
      removeVolume: async (_r, a) => {
        await rt.removeVolume(a.name);
        return one(a);
      },
      startContainer: async (r, a) => one(a, await this.startContainer(r, a)),
      backOff: (r, a) => Promise.resolve(one(a, this.backOff(r, a))),
      pullBackOff: (r, a) => Promise.resolve(one(a, this.pullBackOff(r, a))),
      requeue: (_r, a) => Promise.resolve(one(a, { retryAt: a.at })),
      parallel: async (r, a) => (await Promise.all(a.actions.map((x) => this.step(r, x)))).flat(),
    };
  }

  /**
   * Runs the steps in order and returns one result per step that ran (a group gives one per member), and
   * the failed step that ended the run, if one did. Every failure ends the run except pruning
   * (housekeeping) and starts of app containers and sidecars, which start independently of each other (a
   * regular init container that did not start ends the round, as in the kubelet's SyncPod).
   */
  /**
   * Whether a `start` event is of a regular init container this executor started (once per start): the round that
   * started it lists the pod after the start returned and writes the status from that, so the event is
   * no news; waking another round for it would only make an init container's exit wait behind that round.
   */
  ownStart(id: string): boolean {
    return this.started.delete(id);
  }

  /** The pod is gone: its early pulls are no longer anyone's (a started one may finish). */
  forgetPod(uid: string): void {
    this.deps.prefetch?.forget(uid);
  }

  async run(
    pod: Pod | undefined,
    observed: ObservedContainer[],
    actions: PodAction[],
    logger: Logger,
  ): Promise<RunResult> {
    const round: Round = { pod, observed: [...observed], logger };
    const steps: StepResult[] = [];
    for (const action of actions) {
      const out = await this.step(round, action);
      steps.push(...out);
      for (const o of out.filter((x) => !x.ok)) {
        const fields = { action: o.action, error: o.message, code: errorCode(o.error) };
        if (o.action === 'pruneContainer') logger.debug('pruning failed; will try again', fields);
        else logger.warn('sync action failed', fields);
      }
      const failed = out.find((o) => !o.ok);
      if (failed && this.failureEndsRun(pod, action)) return { steps, failed };
    }
    return { steps };
  }

  /** One step through the handler table; a thrown error becomes its failed result. */
  private async step(r: Round, action: PodAction): Promise<StepResult[]> {
    try {
      return await (this.handlers[action.type] as Handler<ActionType>)(r, action);
    } catch (err) {
      return [result(action, { error: err })];
    }
  }

  private failureEndsRun(pod: Pod | undefined, a: PodAction): boolean {
    switch (a.type) {
      case 'pruneContainer':
        return false; // the engine may refuse for a while; it never holds the pod back
      case 'startContainer': {
        const spec = pod && specOf(pod, a.kind, a.name);
        return a.kind === 'init' && !(spec && isSidecar(spec));
      }
      default:
        return true;
    }
  }

  /** The pod's address: the sandbox's own, or the host's for hostNetwork pods. */
  private podIP(sandbox: ObservedContainer): string | undefined {
    return sandbox.hostNetwork ? this.deps.hostIP() : sandbox.ip;
  }

  /** Volumes, then the sandbox; a sandbox the engine refuses also tells every container's status why. */
  private async createSandbox(r: Round, a: Action<'createSandbox'>): Promise<StepResult[]> {
    const { attempt, reason } = a;
    const pod = podOf(r);
    const m = pod.metadata;
    if (attempt > 0) {
      this.deps.events.record(
        podRef(pod),
        'Normal',
        'SandboxChanged',
        'Pod sandbox changed, it will be killed and re-created.',
      );
    }
    if (attempt === 0)
      this.deps.prefetch?.start(pod, (image) => credentialsFor(image, this.findPullSecrets(pod).found));
    const mountFailed = await this.deps.volumes.setUp(pod);
    if (mountFailed) {
      const { volume, error } = mountFailed;
      const message = `MountVolume.SetUp failed for volume "${volume}" : ${errorMessage(error)}`;
      this.deps.events.record(podRef(pod), 'Warning', 'FailedMount', message);
      // A missing ConfigMap or Secret is a wait, not a failure: its creation wakes the pod at once.
      if (error instanceof MissingSource)
        return [result(a, { retryAt: this.deps.clock.now() + MOUNT_RETRY_MS })];
      throw error;
    }
    const held: Mount[] = [];
    for (const v of pod.spec.volumes ?? []) {
      if (v.hostPath) {
        try {
          prepareHostPath(v.hostPath.path, v.hostPath.type);
        } catch (err) {
          const message = `MountVolume.SetUp failed for volume "${v.name}" : ${errorMessage(err)}`;
          this.deps.events.record(podRef(pod), 'Warning', 'FailedMount', message);
          throw err;
        }
      }
      if (!v.emptyDir) continue;
      const memory = v.emptyDir.medium === 'Memory';
      const name = await this.deps.runtime.ensureVolume({ name: v.name, podUid: m.uid, memory });
      // A tmpfs volume is unmounted (and emptied) when no container uses it: the sandbox keeps it mounted.
      if (memory) held.push({ source: name, target: `/run/minikubelet/volumes/${v.name}`, volume: true });
    }
    const network = this.deps.network();
    const labels = { ...(m.labels ?? {}) };
    const spec: SandboxSpec = {
      identity: {
        podUid: m.uid,
        podName: m.name,
        podNamespace: m.namespace,
        kind: 'sandbox',
        name: 'POD',
        attempt,
        specHash: '',
      },
      hostname: podHostname(pod),
      labels,
      mounts: held,
      ...(pod.spec.hostNetwork ? { hostNetwork: true } : {}),
    };
    let sandbox: ObservedContainer;
    try {
      sandbox = await this.deps.runtime.createSandbox(spec, network.name);
    } catch (err) {
      return [result(a, { error: err }), ...sandboxRefused(pod, err, this.deps.events)];
    }
    const id = sandbox.id;
    r.logger.info('sandbox created', { attempt, reason, sandbox: id.slice(0, 12) });
    // A pod with nothing in the engine before has only this sandbox now; otherwise look again (this run's
    // kills changed what runs).
    r.observed = r.observed.length ? await this.deps.runtime.listContainers(m.uid) : [sandbox];
    const ip = this.podIP(sandbox);
    if (!ip) throw new Error(`sandbox ${id.slice(0, 12)} has no IP`);
    this.deps.files.write(pod, ip, this.deps.dns);
    return [result(a), ...sandboxMade(pod)];
  }

  /** The kubelet's killContainer: the grace period counts from here, the preStop hook's time included. */
  private async killContainer(r: Round, a: ActionArgs['killContainer']): Promise<void> {
    const grace = a.gracePeriodSeconds;
    const killAt = grace === 0 ? undefined : this.deps.clock.now() + grace * 1000;
    this.recordKilling(r, a);
    if (a.preStop) await this.preStop(r, a, grace);
    await this.stop(a.id, killAt);
  }

  private recordKilling(r: Round, a: { kind: PodContainerKind; name: string; message: string }): void {
    this.deps.events.record(podRef(podOf(r), fieldPath(a.kind, a.name)), 'Normal', 'Killing', a.message);
  }

  /** Runs the container's preStop hook within the grace period; a failure is an event, not an error. */
  private async preStop(
    r: Round,
    a: { id: string; kind: PodContainerKind; name: string },
    grace: number,
  ): Promise<void> {
    const pod = podOf(r);
    const spec = specOf(pod, a.kind, a.name);
    const hook = spec?.lifecycle?.preStop;
    if (!spec || !hook) return;
    const sandbox = new PodView(r.observed).sandbox;
    const target = {
      runtime: this.deps.runtime,
      containerId: a.id,
      container: spec,
      podIP: sandbox ? (this.podIP(sandbox) ?? '') : '',
    };
    const outcome = await runHandler(hook, target, grace * 1000);
    if (!outcome.ok) {
      this.deps.events.record(
        podRef(pod, fieldPath(a.kind, a.name)),
        'Warning',
        'FailedPreStopHook',
        `PreStopHook failed: ${outcome.message}`,
      );
    }
  }

  /** SIGTERM, then SIGKILL at killAt (but not sooner than the kubelet's minimum); without killAt at once. */
  private stop(id: string, killAt: number | undefined): Promise<void> {
    const left =
      killAt === undefined ? 0 : Math.max(MIN_GRACE_SECONDS, (killAt - this.deps.clock.now()) / 1000);
    return this.deps.runtime.stopContainer(id, left);
  }

  private backOff(r: Round, a: ActionArgs['backOff']): Outcome {
    const pod = podOf(r);
    const m = pod.metadata;
    const delay = `${Math.round(a.delayMs / 1000)}s`;
    this.deps.events.record(
      podRef(pod, fieldPath(a.kind, a.name)),
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${a.name} in pod ${m.name}_${m.namespace}(${m.uid})`,
    );
    const message = `back-off ${delay} restarting failed container=${a.name} pod=${m.name}_${m.namespace}(${m.uid})`;
    return { waiting: { reason: 'CrashLoopBackOff', message }, retryAt: a.retryAt };
  }

  private pullBackOff(r: Round, a: ActionArgs['pullBackOff']): Outcome {
    const message = `Back-off pulling image "${a.image}"`;
    this.deps.events.record(podRef(podOf(r), fieldPath(a.kind, a.name)), 'Normal', 'BackOff', message);
    return { waiting: { reason: 'ImagePullBackOff', message }, retryAt: a.retryAt };
  }

  /** The pod's image pull secrets that exist, and the names of those that do not. */
  private findPullSecrets(pod: Pod): { found: Secret[]; missing: string[] } {
    const ns = pod.metadata.namespace;
    const found: Secret[] = [];
    const missing: string[] = [];
    for (const { name } of pod.spec.imagePullSecrets ?? []) {
      if (!name) continue;
      const secret = this.deps.sources.secret(ns, name);
      if (secret) found.push(secret);
      else missing.push(name);
    }
    return { found, missing };
  }

  /** The pod's image pull secrets that exist; a Warning names those that do not (the pull may still work). */
  private pullSecrets(pod: Pod): Secret[] {
    const { found, missing } = this.findPullSecrets(pod);
    if (missing.length) {
      const message = `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`;
      this.deps.events.record(podRef(pod), 'Warning', 'FailedToRetrieveImagePullSecret', message);
    }
    return found;
  }

  /** Makes sure the image is there; a failure starts (or advances) the pull back-off. */
  private async pullImage(pod: Pod, c: Container, path: string): Promise<Outcome | undefined> {
    const invalid = invalidImage(pod, c, path, this.deps.events);
    if (invalid) return { waiting: invalid }; // never pulled: no error to retry, the spec must change
    const policy = pullModeOf(c.imagePullPolicy);
    const ref = podRef(pod, path);
    let startedAt = 0;
    let pullMs: number | undefined; // an early pull's own time (the turn may come long after it ended)
    const onPull = (at = this.deps.clock.now()): void => {
      startedAt = at;
      this.deps.events.record(ref, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
    };
    const auth = policy === 'never' ? undefined : credentialsFor(c.image, this.pullSecrets(pod));
    const early = this.deps.prefetch?.take(pod.metadata.uid, c.image);
    let image: PulledImage;
    const pullStart = this.deps.clock.now();
    try {
      const pull = () =>
        this.deps.images.ensure(c.image, c.imagePullPolicy, { onPull, ...(auth ? { auth } : {}) });
      const got = early ? await this.takeEarly(early, onPull) : undefined;
      pullMs = got?.pullMs;
      image = got ? got.image : await pull();
      this.deps.pulled?.(pod.metadata.uid, this.deps.clock.now() - pullStart);
    } catch (err) {
      const now = this.deps.clock.now();
      const reason = policy === 'never' ? 'ErrImageNeverPull' : 'ErrImagePull';
      this.deps.events.record(ref, 'Warning', 'Failed', errorMessage(err));
      this.deps.pullBackoff.next(pullBackoffKey(pod.metadata.uid, c.image), now);
      // Come back soon to report ImagePullBackOff, as the kubelet's next sync does; the retry waits for the back-off.
      return {
        error: err,
        waiting: { reason, message: errorMessage(err) },
        retryAt: now + PULL_ERROR_REPORT_MS,
      };
    }
    if (image.fellBack) this.deps.events.record(ref, 'Warning', 'RegistryUnreachable', image.fellBack);
    if (image.pulled) {
      const took = goDuration(pullMs ?? this.deps.clock.now() - startedAt);
      const size = image.size !== undefined ? ` Image size: ${image.size} bytes.` : '';
      const message = `Successfully pulled image "${c.image}" in ${took} (${took} including waiting).${size}`;
      this.deps.events.record(ref, 'Normal', 'Pulled', message);
    } else {
      this.deps.events.record(
        ref,
        'Normal',
        'Pulled',
        `Container image "${c.image}" already present on machine`,
      );
    }
    return undefined;
  }

  /**
   * The outcome of the pod's early pull of this image, told as this turn's own pull: Pulling when it began,
   * its error thrown here. Undefined when it was dropped before it started (the turn pulls).
   */
  private async takeEarly(
    early: EarlyPull,
    onPull: (at: number) => void,
  ): Promise<{ image: PulledImage; pullMs?: number } | undefined> {
    early.onPull(onPull);
    const got = await early.done;
    if (got && 'error' in got) throw got.error;
    return got;
  }

  /** Pull, create, start, postStart; a failure names the waiting reason the status shows. */
  private async startContainer(r: Round, a: ActionArgs['startContainer']): Promise<Outcome> {
    const pod = podOf(r);
    const m = pod.metadata;
    const c = specOf(pod, a.kind, a.name);
    if (!c) return {};
    const path = fieldPath(a.kind, a.name);
    const view = new PodView(r.observed);
    const sandbox = view.sandbox;
    const podIP = sandbox ? this.podIP(sandbox) : undefined;
    if (!sandbox || !podIP) throw new Error('no sandbox');
    const pullFailed = await this.pullImage(pod, c, path);
    if (pullFailed) return pullFailed;
    const exited = view.instances(a.kind, a.name).find((i) => i.state === 'exited');
    if (exited) {
      // A restart: advance the crash-loop back-off for the next exit, measured from this exit.
      const key = backoffKey(m.name, m.namespace, m.uid, c.name, specHash(c));
      this.deps.backoff.next(key, this.deps.clock.now(), exited.finishedAt);
    }
    const failed = (reason: string, err: unknown): Outcome => {
      this.deps.events.record(podRef(pod, path), 'Warning', 'Failed', `Error: ${errorMessage(err)}`);
      const retryAt = this.deps.clock.now() + START_ERROR_RETRY_MS;
      return { error: err, waiting: { reason, message: errorMessage(err) }, retryAt };
    };
    const hostIP = this.deps.hostIP();
    // The kubelet's generateContainerConfig: a missing ConfigMap, Secret or key is CreateContainerConfigError,
    // retried when the object arrives (the pod manager wakes the pod) or after START_ERROR_RETRY_MS.
    // The Services as they are now: a running container keeps the variables it was created with.
    const services = serviceEnv(this.deps.services.list(), m.namespace, pod.spec.enableServiceLinks ?? true);
    let env: Map<string, string>;
    try {
      const resolved = resolveEnv(c, { pod, podIP, hostIP, services }, this.deps.sources);
      for (const s of resolved.skipped) {
        const message = skippedKeysMessage(s, m.namespace);
        this.deps.events.record(podRef(pod), 'Warning', 'InvalidEnvironmentVariableNames', message);
      }
      env = resolved.vars;
    } catch (err) {
      return failed('CreateContainerConfigError', err);
    }
    const files = this.deps.files.write(pod, podIP, this.deps.dns);
    let volumeMounts: Mount[];
    let pidContainer: string | undefined;
    try {
      // subPathExpr expands from the container's resolved env, as the kubelet's makeMounts.
      volumeMounts = await this.deps.volumes.mounts(pod, c, env);
      pidContainer = targetOf(pod, a.kind, c, view);
    } catch (err) {
      return failed('CreateContainerConfigError', err);
    }
    const spec = containerSpec(c, {
      pod,
      kind: a.kind,
      restartCount: a.restartCount,
      sandboxId: sandbox.id,
      podIP,
      hostIP,
      files,
      env,
      volumeMounts,
      ...(pidContainer ? { pidContainer } : {}),
    });
    let id: string;
    try {
      id = await this.deps.runtime.createContainer(spec);
    } catch (err) {
      return failed('CreateContainerError', err);
    }
    this.deps.events.record(podRef(pod, path), 'Normal', 'Created', `Created container ${c.name}`);
    // Only a regular init container's start is no news: what follows it waits for its exit, while a started
    // sidecar or app lets the next round plan more (the next container, probes).
    if (this.started.size >= 1000) this.started.clear(); // events lost (a reconnect): forget, stay bounded
    if (a.kind === 'init' && !isSidecar(c)) this.started.add(id);
    try {
      await this.deps.runtime.startContainer(id);
    } catch (err) {
      this.started.delete(id);
      return failed('RunContainerError', err);
    }
    this.deps.events.record(podRef(pod, path), 'Normal', 'Started', `Started container ${c.name}`);
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const outcome = await runHandler(
        postStart,
        { runtime: this.deps.runtime, containerId: id, container: c, podIP },
        POST_START_TIMEOUT_MS,
      );
      if (!outcome.ok) {
        this.deps.events.record(
          podRef(pod, path),
          'Warning',
          'FailedPostStartHook',
          `PostStartHook failed: ${outcome.message}`,
        );
        await this.deps.runtime.stopContainer(id, MIN_GRACE_SECONDS);
        const error = new Error(`postStart hook of ${c.name} failed: ${outcome.message}`);
        return { error, waiting: { reason: 'PostStartHookError', message: outcome.message } };
      }
    }
    r.logger.info('container started', {
      container: c.name,
      kind: a.kind,
      restartCount: a.restartCount,
      reason: a.reason,
    });
    return { waiting: 'none' };
  }
}
