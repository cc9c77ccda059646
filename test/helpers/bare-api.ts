// A bare API server for tests of the generic machinery (api/verbs.ts, discovery): only what the generic
// verbs read of ApiDeps (clock, logger, namespaces, watches, versions), stores made on demand, and the
// same Status error path as the real server.
import Fastify, { type FastifyInstance } from 'fastify';
import { ManualClock } from '../../agent/clock';
import { nopLogger } from '../../agent/log';
import { BUILTIN_NAMESPACES, type Namespace } from '../../agent/model/namespace';
import { ensureNamespaces } from '../../agent/store/namespaces';
import {
  ObjectStore,
  ResourceVersions,
  type StoredObject,
  noPersistence,
} from '../../agent/store/object-store';
import { WatchHub } from '../../agent/store/watch-hub';
import { registerBodyParsers } from '../../api/body';
import type { ApiDeps } from '../../api/deps';
import type { ResourceDefinition } from '../../api/resources';
import { discoveryRoutes } from '../../api/routes/discovery';
import { fromFrameworkError, statusOf } from '../../api/status';
import { registerResource } from '../../api/verbs';

export class BareApi {
  readonly clock = new ManualClock();
  readonly versions = new ResourceVersions();
  private readonly namespaces = new ObjectStore<Namespace>('Namespace', {
    clock: this.clock,
    versions: this.versions,
    persistence: noPersistence,
  });
  private readonly watches = new WatchHub({ versions: this.versions, clock: this.clock, logger: nopLogger });
  readonly deps = {
    clock: this.clock,
    logger: nopLogger,
    namespaces: this.namespaces,
    watches: this.watches,
    versions: () => this.versions.current,
  } as unknown as ApiDeps;

  constructor() {
    ensureNamespaces(this.namespaces, BUILTIN_NAMESPACES);
  }

  /** A store of `kind`, watched as the agent's stores are. */
  store<T extends StoredObject>(kind: string): ObjectStore<T> {
    const store = new ObjectStore<T>(kind, {
      clock: this.clock,
      versions: this.versions,
      persistence: noPersistence,
    });
    this.watches.track(store);
    return store;
  }

  /** A server with the kind's verbs (and discovery when asked), ready for inject(). */
  async serve<T extends StoredObject>(
    def: ResourceDefinition<T>,
    o: { discovery?: boolean } = {},
  ): Promise<FastifyInstance> {
    const app = Fastify();
    registerBodyParsers(app);
    app.setErrorHandler((err, _req, reply) => {
      const status = statusOf(fromFrameworkError(err));
      void reply.code(status.code).send(status);
    });
    if (o.discovery) discoveryRoutes(app, [def as unknown as ResourceDefinition]);
    registerResource(app, this.deps, def);
    await app.ready();
    return app;
  }
}
