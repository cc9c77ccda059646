// Preloaded into the daemon by the restart-scale part (`node --require dist/bench/startup-probe.js`), never by
// the product: appends one JSON line per start-up phase to the file named by MKB_STARTUP_PROBE, each with its
// wall-clock time (ms since the epoch, the same clock as the bench's), so the bench can split "spawn to
// every pod adopted" into phases without a line of start-up code in the daemon. It wraps a few exports of
// dist/ modules as they are loaded (TypeScript's CommonJS output reads them at call time) and times the
// require of each package the daemon's own files import.
import { appendFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, sep } from 'node:path';
import { isMainThread } from 'node:worker_threads';

// The daemon's main thread only (NODE_OPTIONS reaches its worker threads too).
const OUT = isMainThread ? process.env['MKB_STARTUP_PROBE'] : undefined;
const DIST = join(__dirname, '..') + sep;
const wall = (): number => performance.timeOrigin + performance.now();

function emit(o: object): void {
  if (OUT) appendFileSync(OUT, `${JSON.stringify(o)}\n`);
}

const seen = new Set<string>();
function mark(phase: string): void {
  if (seen.has(phase)) return;
  seen.add(phase);
  emit({ phase, at: wall() });
}

type Fn = (...args: unknown[]) => unknown;
type Exports = Record<string, unknown>;
type Loader = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

/** Replaces exports[name] (a function) by wrap(original). */
function patch(exports: Exports, name: string, wrap: (f: Fn) => Fn): void {
  const f = exports[name];
  if (typeof f === 'function') exports[name] = wrap(f as Fn);
}

/** What to do with each of the daemon's own modules once it is loaded. */
const PATCHES: Record<string, (e: Exports) => void> = {
  'daemon/config.js': (e) =>
    // main() reads its flags first: every module of the daemon is loaded by then.
    patch(
      e,
      'loadConfig',
      (f) =>
        (...a) => (mark('modules loaded'), f(...a)),
    ),
  'agent/store/sqlite-persistence.js': (e) =>
    patch(e, 'SqlitePersistence', (f) => {
      const C = f as unknown as new (...a: unknown[]) => object;
      return class extends C {
        constructor(...a: unknown[]) {
          super(...a);
          mark('store opened');
        }
      } as unknown as Fn;
    }),
  'daemon/create-agent.js': (e) =>
    patch(e, 'createAgent', (f) => (...a) => {
      const agent = f(...a) as {
        api: { addHook(name: string, h: () => Promise<void>): void; listen: Fn };
        start: Fn;
      };
      mark('agent built');
      agent.api.addHook('onReady', async () => mark('routes registered'));
      const listen = agent.api.listen.bind(agent.api);
      agent.api.listen = async (...b) => {
        const r = await listen(...b);
        mark('listening');
        emit({ packages: Object.fromEntries(packages) });
        return r;
      };
      const start = agent.start.bind(agent);
      agent.start = async (...b) => {
        mark('engine answered'); // run() calls start() once its ping succeeds
        const r = await start(...b);
        mark('started');
        return r;
      };
      return agent;
    }),
  'daemon/metrics/kubelet-metrics.js': (e) => {
    const proto = (e['PromKubeletMetrics'] as { prototype: { relist: Fn } }).prototype;
    const relist = proto.relist;
    proto.relist = function (this: unknown, ...a: unknown[]) {
      const done = relist.apply(this, a) as () => void;
      return () => {
        done();
        mark('first relist done');
      };
    };
  },
};

/** Inclusive require time (ms) of each package the daemon's files import by name. */
const packages = new Map<string, number>();
const M = Module as unknown as { _load: Loader };
const load = M._load;
if (OUT)
  M._load = function (request, parent, isMain) {
    const fromDist = parent?.filename?.startsWith(DIST) === true;
    const bare =
      fromDist && !request.startsWith('.') && !request.startsWith('node:') && !request.startsWith('/');
    const t = performance.now();
    const exports = load.call(this, request, parent, isMain);
    if (bare) packages.set(request, (packages.get(request) ?? 0) + performance.now() - t);
    if (fromDist && request.startsWith('.') && parent?.filename) {
      const file = `${join(dirname(parent.filename), request).slice(DIST.length)}.js`;
      const apply = PATCHES[file];
      if (apply && !seen.has(file)) {
        seen.add(file);
        apply(exports as Exports);
      }
    }
    return exports;
  };

if (OUT) {
  emit({ phase: 'process', at: performance.timeOrigin });
  mark('preload');
}
