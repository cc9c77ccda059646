// ensureImage as --image-pull-default says: in auto mode an Always pull first learns whether the image's
// registry answers (cached per host), and when it does not, the local image is used and the caller is told
// why (for the Warning event). Every other pull goes to the runtime as its policy says.
import { errorMessage } from '../errors';
import { registryHost } from '../config/pull-credentials';
import type { ContainerRuntime, ImageInfo, PullOptions } from '../runtime/runtime';
import { type ImagePullDefault, fallbackMessage, planPull } from './image-pull-default';
import type { RegistryReachability } from './registry-reachability';

export interface PulledImage extends ImageInfo {
  /** Set when the registry was unreachable and the local image was used instead: the Warning's message. */
  fellBack?: string;
}

export class ImagePuller {
  constructor(
    private readonly deps: {
      runtime: ContainerRuntime;
      mode: ImagePullDefault;
      /** Needed in auto mode only. */
      registries?: RegistryReachability;
    },
  ) {}

  async ensure(image: string, policy: string | undefined, options: PullOptions): Promise<PulledImage> {
    const plan = planPull(this.deps.mode, policy);
    const registries = this.deps.registries;
    if (!plan.checkRegistry || !registries) return this.deps.runtime.ensureImage(image, plan.pull, options);
    const registry = registryHost(image);
    const known = await registries.check(registry);
    if (!known.reachable) {
      const local = await this.local(image, registry, known.why ?? 'unreachable');
      // Nothing local: the pull is tried, and its own error is the one shown.
      return local ?? this.deps.runtime.ensureImage(image, 'always', options);
    }
    try {
      return await this.deps.runtime.ensureImage(image, 'always', options);
    } catch (err) {
      // The probe got through but the engine's pull did not reach the registry (it went away, or the engine
      // resolves differently): the same fallback. A registry that answered (401, 404) is not retried.
      if (!registries.failed(registry, errorMessage(err))) throw err;
      const local = await this.local(image, registry, errorMessage(err));
      if (!local) throw err;
      return local;
    }
  }

  private async local(image: string, registry: string, why: string): Promise<PulledImage | undefined> {
    try {
      const found = await this.deps.runtime.ensureImage(image, 'never');
      return { id: found.id, fellBack: fallbackMessage(image, registry, why) };
    } catch {
      return undefined;
    }
  }
}
