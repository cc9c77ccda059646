// Writes to the Node: labels, annotations and spec (cordon, taints) through PUT and PATCH; the status stays
// the reporter's. Nodes are neither created nor deleted through the API here: this machine is the node
// (the API serves neither verb, a 405).
import { MiniKubeletError } from '../errors';
import type { Node } from '../model/node';
import { decodeNodeUpdate } from '../model/node-update';
import type { ObjectStore } from '../store/object-store';
import type { Registry, UpdateOptions } from '../store/registry';

const notServed = (verb: string): MiniKubeletError =>
  new MiniKubeletError('MethodNotAllowed', `${verb} is not supported on resources of kind "nodes"`);

export class NodeRegistry implements Registry<Node> {
  constructor(private readonly store: ObjectStore<Node>) {}

  create(): Node {
    throw notServed('create');
  }

  update(raw: unknown, _namespace: string, name: string, opts: UpdateOptions = {}): Node {
    const old = this.store.mustGet('', name);
    const next = decodeNodeUpdate(old, raw);
    // Persisted (more than status changed): a cordon or a taint survives a restart.
    return this.store.update(next, { specChanged: false, ...opts });
  }

  delete(): Node {
    throw notServed('delete');
  }
}
