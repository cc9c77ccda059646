// Early image pulls (docs/lifecycle.md, "Image pulls"): when a pod's first sandbox is made, the images of
// its init (sidecars included) and app containers are pulled at once through the ImagePuller, instead of
// one by one as each container's turn comes. Only the pull's outcome is taken ahead: at its turn the first
// container with that image takes it (waiting for it if it still runs) and records Pulling, Pulled or
// Failed as its own pull would (executor.ts), so a later image's failure shows only when its turn comes.
// Only IfNotPresent images are pulled early: an Always pull belongs to its turn (the tag resolves then, and
// the registry sees one pull per start), Never pulls nothing, a malformed name is reported at its turn.
// Pulls of one image with the same credentials are shared, across pods too, and at most `concurrency` run
// at once. A deleted pod's queued pulls are dropped when no other pod wants them; a started one finishes.
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { Container, Pod } from '../model/pod';
import { invalidImageMessage } from '../runtime/image-ref';
import type { RegistryAuth } from '../runtime/runtime';
import { pullModeOf } from './image-pull-default';
import type { ImagePuller, PulledImage } from './image-puller';
import { PullSlots } from './pull-slots';

/** What an early pull found: the image (with the pull's own duration when it pulled), or the error. */
export type EarlyOutcome = { image: PulledImage; pullMs?: number } | { error: unknown };

/** One pull, shared by every pod that asked for it while it ran. */
export class EarlyPull {
  /** When the engine began pulling (undefined: not yet, or the image was there). */
  startedAt: number | undefined;
  /** Undefined when it was dropped before it started (every pod that wanted it was deleted). */
  done: Promise<EarlyOutcome | undefined> = Promise.resolve(undefined);
  /** Pods still waiting for it to start. */
  readonly wanted = new Set<string>();
  private listeners: ((at: number) => void)[] = [];

  /** Calls `listener` with the pull's start time: at once if it started, else when it does. */
  onPull(listener: (at: number) => void): void {
    if (this.startedAt !== undefined) listener(this.startedAt);
    else this.listeners.push(listener);
  }

  began(at: number): void {
    this.startedAt = at;
    for (const l of this.listeners.splice(0)) l(at);
  }
}

export interface ImagePrefetchDeps {
  images: ImagePuller;
  clock: Clock;
  logger: Logger;
  /** Early pulls running at once (--image-prefetch). */
  concurrency: number;
}

/** Is the container's image one to pull ahead (IfNotPresent and well formed)? */
const ahead = (c: Container): boolean =>
  pullModeOf(c.imagePullPolicy) === 'if-missing' && invalidImageMessage(c.image) === undefined;

export class ImagePrefetch {
  /** Running or queued pulls by image and credentials, shared while they last. */
  private readonly flights = new Map<string, EarlyPull>();
  /** By pod uid, then image: the early pulls no container of the pod has taken yet. */
  private readonly pods = new Map<string, Map<string, EarlyPull>>();
  private readonly slots: PullSlots;

  constructor(private readonly deps: ImagePrefetchDeps) {
    this.slots = new PullSlots(deps.concurrency);
  }

  /** Starts (or joins) a pull of each of the pod's images not already pulled ahead for it; never throws. */
  start(pod: Pod, auth: (image: string) => RegistryAuth | undefined): void {
    const uid = pod.metadata.uid;
    const mine = this.pods.get(uid) ?? new Map<string, EarlyPull>();
    this.pods.set(uid, mine);
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
      if (mine.has(c.image) || !ahead(c)) continue;
      mine.set(c.image, this.join(uid, c.image, c.imagePullPolicy, auth(c.image)));
    }
  }

  /** The pod's early pull of the image, once: the first container whose turn comes takes it. */
  take(uid: string, image: string): EarlyPull | undefined {
    const mine = this.pods.get(uid);
    const pull = mine?.get(image);
    mine?.delete(image);
    return pull;
  }

  /** The pod is gone: its pulls that have not started are dropped unless another pod wants them. */
  forget(uid: string): void {
    for (const pull of this.pods.get(uid)?.values() ?? []) pull.wanted.delete(uid);
    this.pods.delete(uid);
  }

  private join(
    uid: string,
    image: string,
    policy: string | undefined,
    auth: RegistryAuth | undefined,
  ): EarlyPull {
    const key = `${image}\n${JSON.stringify(auth ?? null)}`;
    const running = this.flights.get(key);
    running?.wanted.add(uid);
    if (running) return running;
    const pull = new EarlyPull();
    pull.wanted.add(uid); // before it may start (at once, when a slot is free)
    this.flights.set(key, pull);
    pull.done = this.slots
      .run(() => this.pull(pull, image, policy, auth))
      .finally(() => this.flights.delete(key));
    return pull;
  }

  private async pull(
    pull: EarlyPull,
    image: string,
    policy: string | undefined,
    auth: RegistryAuth | undefined,
  ): Promise<EarlyOutcome | undefined> {
    if (pull.wanted.size === 0) return undefined;
    const clock = this.deps.clock;
    try {
      const got = await this.deps.images.ensure(image, policy, {
        onPull: () => pull.began(clock.now()),
        ...(auth ? { auth } : {}),
      });
      const pullMs = got.pulled && pull.startedAt !== undefined ? clock.now() - pull.startedAt : undefined;
      return { image: got, ...(pullMs !== undefined ? { pullMs } : {}) };
    } catch (error) {
      const fields = { image, error: errorMessage(error) };
      this.deps.logger.debug('early image pull failed; its container shows it at its turn', fields);
      return { error };
    }
  }
}
