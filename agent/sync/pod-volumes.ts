// The pod's volumes on this node: the configMap, secret, downwardAPI and projected volumes written under
// <data-dir>/pods/<uid>/volumes/kubernetes.io~<plugin>/<name> by the atomic writer (secret and projected ones
// on a tmpfs), rewritten when their sources change; persistentVolumeClaim volumes, the claim's directory
// (agent/storage/); and each container's mounts, subPath resolved safely.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock';
import { MiniKubeletError, errorMessage } from '../errors';
import type { Logger } from '../log';
import type { Container, Pod, Volume, VolumeMount } from '../model/pod';
import { volumeName } from '../runtime/labels';
import type { ContainerRuntime, Mount } from '../runtime/runtime';
import { AtomicWriter } from '../volumes/atomic-writer';
import type { ConfigObjects } from '../volumes/config-source';
import { type ClaimVolumes, noClaimVolumes } from '../ports/claim-volumes';
import type { NodeAllocatable } from '../volumes/downward-api';
import { checkSubPath, expandSubPathExpr, pinSubPath, resolveSubPath, safeMakeDir } from '../volumes/subpath';
import type { SubPathMounter } from '../volumes/subpath-mounter';
import type { Tmpfs } from '../volumes/tmpfs';
import { MissingSource, pluginOf, volumePayload } from '../volumes/volume-payload';
import type { ProjectedTokens } from '../volumes/service-account-tokens';
import type { PodFiles } from './pod-files';

export interface PodVolumesDeps {
  files: PodFiles;
  runtime: ContainerRuntime;
  config: ConfigObjects;
  node: NodeAllocatable;
  tmpfs: Tmpfs;
  /** The directories of PersistentVolumeClaims (none: every claim is missing). */
  claims?: ClaimVolumes;
  /** Pins subPaths with bind mounts (the kubelet's way); none: the checked path is given to the engine. */
  subPaths?: SubPathMounter;
  /** The tokens of projected serviceAccountToken sources (none: such a volume fails to mount). */
  tokens?: ProjectedTokens & { forget(podUid: string): void };
  clock: Clock;
  logger: Logger;
}

/** A volume that could not be set up: the FailedMount event names it. */
export interface SetUpFailure {
  volume: string;
  error: unknown;
}

/** Secret and projected volumes are memory-backed, as the kubelet's (a wrapped emptyDir of medium Memory). */
const inMemory = (v: Volume): boolean => v.secret !== undefined || v.projected !== undefined;

/** <pod dir>/volume-subpaths/<volume>/<container>/<mount index>: the pinned subPaths, as the kubelet's. */
const SUBPATHS = 'volume-subpaths';

export class PodVolumes {
  /** `uid/volume` whose every source was immutable when written: never read again. */
  private readonly frozen = new Set<string>();
  private warnedNoTmpfs = false;
  private warnedNoBind = false;

  constructor(private readonly deps: PodVolumesDeps) {}

  private dir(pod: Pod, v: Volume, plugin: string): string {
    return join(this.deps.files.dir(pod.metadata.uid), 'volumes', plugin, v.name);
  }

  /** A claim's directory, made anew if it went; a claim not there or not bound is a wait (MissingSource). */
  private claimDir(pod: Pod, claimName: string): string {
    const found = (this.deps.claims ?? noClaimVolumes).lookup(pod.metadata.namespace, claimName);
    if ('problem' in found) throw new MissingSource(found.problem);
    mkdirSync(found.path, { recursive: true });
    return found.path;
  }

  /** Writes every file-backed volume of the pod and finds its claims (before its sandbox); the first failure. */
  async setUp(pod: Pod): Promise<SetUpFailure | undefined> {
    for (const v of pod.spec.volumes ?? []) {
      if (v.persistentVolumeClaim) {
        try {
          this.claimDir(pod, v.persistentVolumeClaim.claimName);
        } catch (error) {
          return { volume: v.name, error };
        }
      }
      const plugin = pluginOf(v);
      if (!plugin) continue;
      try {
        const payload = volumePayload(pod, v, this.deps.config, this.deps.node, this.deps.tokens);
        const dir = this.dir(pod, v, plugin);
        if (!existsSync(dir)) {
          mkdirSync(dir, { recursive: true, mode: 0o755 });
          if (inMemory(v)) await this.memoryBacked(dir);
        }
        this.write(pod, v, dir, payload);
      } catch (error) {
        return { volume: v.name, error };
      }
    }
    return undefined;
  }

  /** Rewrites the volumes whose content changed; a missing source leaves the files as they were. */
  refresh(pod: Pod): void {
    for (const v of pod.spec.volumes ?? []) {
      const plugin = pluginOf(v);
      if (!plugin || this.frozen.has(`${pod.metadata.uid}/${v.name}`)) continue;
      const dir = this.dir(pod, v, plugin);
      if (!existsSync(dir)) continue; // not set up yet: the sandbox's creation does it
      try {
        this.write(pod, v, dir, volumePayload(pod, v, this.deps.config, this.deps.node, this.deps.tokens));
      } catch (err) {
        this.deps.logger.debug('volume not refreshed', { volume: v.name, error: errorMessage(err) });
      }
    }
  }

  private write(pod: Pod, v: Volume, dir: string, payload: ReturnType<typeof volumePayload>): void {
    const written = new AtomicWriter(dir, () => new Date(this.deps.clock.now())).write(payload.files);
    if (written) this.deps.logger.debug('volume written', { volume: v.name, files: payload.files.size });
    if (payload.immutable) this.frozen.add(`${pod.metadata.uid}/${v.name}`);
  }

  private async memoryBacked(dir: string): Promise<void> {
    if (await this.deps.tmpfs.mount(dir)) return;
    if (!this.warnedNoTmpfs)
      this.deps.logger.warn('cannot mount a tmpfs: secret volumes are written to the data dir', { dir });
    this.warnedNoTmpfs = true;
  }

  /** Unmounts the pod's pinned subPaths and tmpfs volumes, so its directory can be removed. */
  async tearDown(uid: string): Promise<void> {
    this.deps.subPaths?.unmountUnder(join(this.deps.files.dir(uid), SUBPATHS));
    await this.deps.tmpfs.unmountUnder(this.deps.files.dir(uid));
    for (const key of this.frozen) if (key.startsWith(`${uid}/`)) this.frozen.delete(key);
    this.deps.tokens?.forget(uid);
  }

  /**
   * The container's volume mounts for the engine; subPath and subPathExpr resolved inside the volume
   * (makeMounts). Throws the kubelet's CreateContainerConfigError message.
   */
  async mounts(pod: Pod, c: Container, env: ReadonlyMap<string, string>): Promise<Mount[]> {
    const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
    const out: Mount[] = [];
    for (const [i, m] of (c.volumeMounts ?? []).entries()) {
      const v = volumes.get(m.name);
      if (!v) continue;
      out.push(await this.mount(pod, c, v, { ...m, index: i }, env));
    }
    return out;
  }

  private async mount(
    pod: Pod,
    c: Container,
    v: Volume,
    m: VolumeMount & { index: number },
    env: ReadonlyMap<string, string>,
  ): Promise<Mount> {
    const plugin = pluginOf(v);
    // Files the agent writes are read-only in containers, as the kubelet mounts them; so is a claim the pod
    // mounts readOnly.
    const readOnly =
      (m.readOnly ?? false) || plugin !== undefined || v.persistentVolumeClaim?.readOnly === true;
    const sub = m.subPathExpr ? expandSubPathExpr(m.subPathExpr, env) : (m.subPath ?? '');
    const claim = v.persistentVolumeClaim ? this.claimDir(pod, v.persistentVolumeClaim.claimName) : undefined;
    if (!sub) {
      if (v.hostPath) return { source: v.hostPath.path, target: m.mountPath, readOnly };
      if (claim) return { source: this.deps.files.hostPathOf(claim), target: m.mountPath, readOnly };
      if (plugin)
        return {
          source: this.deps.files.hostPathOf(this.dir(pod, v, plugin)),
          target: m.mountPath,
          readOnly,
        };
      return { source: volumeName(pod.metadata.uid, v.name), target: m.mountPath, readOnly, volume: true };
    }
    checkSubPath(sub);
    const root = v.hostPath
      ? v.hostPath.path
      : claim
        ? claim
        : plugin
          ? this.dir(pod, v, plugin)
          : await this.deps.runtime.volumePath(volumeName(pod.metadata.uid, v.name));
    const quoted = `volumeMount "${m.name}" of container "${c.name}"`;
    try {
      safeMakeDir(root, sub);
    } catch (err) {
      // As the kubelet: the details (host paths) go to the log, not to the user.
      this.deps.logger.warn('cannot create a subPath directory', {
        mount: m.name,
        container: c.name,
        error: errorMessage(err),
      });
      throw new MiniKubeletError('RuntimeError', `failed to create subPath directory for ${quoted}`);
    }
    let target: string;
    try {
      target = this.pin(pod, c, v.name, m.index, root, sub);
    } catch (err) {
      this.deps.logger.warn('cannot prepare a subPath', {
        mount: m.name,
        container: c.name,
        error: errorMessage(err),
      });
      throw new MiniKubeletError('RuntimeError', `failed to prepare subPath for ${quoted}`);
    }
    return { source: this.deps.files.hostPathOf(target), target: m.mountPath, readOnly };
  }

  /** The pinned bind mount of the subPath, or (mounting not permitted) its checked path. */
  private pin(pod: Pod, c: Container, volume: string, index: number, root: string, sub: string): string {
    const mounter = this.deps.subPaths;
    if (!mounter) return resolveSubPath(root, sub);
    const pinned = join(this.deps.files.dir(pod.metadata.uid), SUBPATHS, volume, c.name, String(index));
    if (pinSubPath(root, sub, pinned, mounter)) return pinned;
    if (!this.warnedNoBind) {
      this.deps.logger.warn(
        'cannot bind-mount subPaths here: each is checked when its container starts, not pinned',
      );
      this.warnedNoBind = true;
    }
    return resolveSubPath(root, sub);
  }
}
