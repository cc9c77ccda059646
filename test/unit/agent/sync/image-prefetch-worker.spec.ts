// Early image pulls change nothing a user sees: each pod of the table goes through the same rounds twice,
// with --image-prefetch 0 (each image pulled at its container's turn, the kubelet's order) and with the
// default (a pod's images pulled together when it is admitted), and the status after every step and the
// pod's events in order are the same. A later container's failing image shows only when its turn comes.
import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import type { Container } from '../../../../agent/model/pod';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { printPod } from '../../../../agent/status/print-pod';
import { Harness } from '../../../helpers/harness';
import { settle } from '../../../helpers/settle';

const img = (x: string): string => `reg.local:5000/${x}:1`;
const c = (name: string, image: string, extra: Partial<Container> = {}): object => ({
  name,
  image: img(image),
  ...extra,
});

interface Case {
  title: string;
  inits: object[];
  apps: object[];
  /** Lines the transcript must hold, in this order (statuses come first, then the events). */
  shows: string[];
}

const CASES: Case[] = [
  {
    title: 'three images, each its own',
    inits: [c('init1', 'a'), c('init2', 'b')],
    apps: [c('app', 'c')],
    shows: ['status Init:0/2', 'status Init:1/2', 'status Running'],
  },
  {
    title: "the app's image fails: ErrImagePull only after both init containers ran, then the back-off",
    inits: [c('init1', 'a'), c('init2', 'b')],
    apps: [c('app', 'nosuch')],
    shows: [
      'status Init:1/2',
      'status ErrImagePull',
      'status ImagePullBackOff',
      'event spec.initContainers{init2} Started Started container init2',
      `event spec.containers{app} Failed Failed to pull image "${img('nosuch')}": not found`,
    ],
  },
  {
    title: "init2's image fails: Init:ErrImagePull once init1 exited",
    inits: [c('init1', 'a'), c('init2', 'nosuch')],
    apps: [c('app', 'c')],
    shows: ['status Init:0/2', 'status Init:ErrImagePull', 'status Init:ImagePullBackOff'],
  },
  {
    title: 'one image twice, an Always image, a sidecar',
    inits: [
      c('init1', 'a'),
      c('side', 'b', { restartPolicy: 'Always', imagePullPolicy: 'Always' }),
      c('init2', 'c'),
    ],
    apps: [c('app', 'a')],
    shows: [`event spec.containers{app} Pulled Container image "${img('a')}" already present on machine`],
  },
];

/** The pod's rounds, step by step: its status after each, then its events in order. */
async function transcript(k: Case, prefetch: string): Promise<{ lines: string[]; pulledAhead: string[] }> {
  const clock = new ManualClock();
  const rt = new MemoryRuntime(clock);
  for (const x of ['a', 'b', 'c']) rt.registry.add(img(x));
  const h = await new Harness({ runtime: rt, clock, flags: ['--image-prefetch', prefetch] }).start();
  const lines: string[] = [];
  let pulledAhead: string[] = [];
  try {
    await h.createPod({ metadata: { name: 'p' }, spec: { initContainers: k.inits, containers: k.apps } });
    const step = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); // early pulls settle
      const pod = await settle(h, 'p');
      lines.push(`status ${printPod(pod, clock.now()).status}`);
    };
    await step();
    // while init1 runs: which registry images are already here
    pulledAhead = [...rt.registry].filter((x) => rt.images.has(x)).sort();
    for (const init of k.inits as { name: string }[]) {
      const running = rt.find('p', init.name);
      if (running?.state === 'running' && init.name !== 'side') rt.exit(running.id, 0);
      await step();
    }
    clock.advance(1_100); // ImagePullBackOff is reported a second after ErrImagePull
    await step();
    const uid = h.pod('p')!.metadata.uid;
    for (const e of h.events.list({ uid }))
      lines.push(
        `event ${e.involvedObject.fieldPath ?? ''} ${e.reason} ${e.message.replace(/ in \S+ \(\S+ including waiting\)/, '')}`,
      );
  } finally {
    await h.stop();
  }
  return { lines, pulledAhead };
}

describe('agent/sync early image pulls through the pod worker (memory runtime)', () => {
  for (const k of CASES)
    it(`the same statuses and events with and without early pulls: ${k.title}`, async () => {
      const { lines: serial, pulledAhead: serialAhead } = await transcript(k, '0');
      const { lines: early, pulledAhead } = await transcript(k, '3');
      expect(early).to.deep.equal(serial);
      expect(serialAhead, 'serial: only init1 pulled').to.deep.equal([img('a')]);
      const ifNotPresent = ([...k.inits, ...k.apps] as { image: string; imagePullPolicy?: string }[])
        .filter((x) => x.imagePullPolicy !== 'Always' && !x.image.includes('nosuch'))
        .map((x) => x.image);
      expect(pulledAhead, 'early: the IfNotPresent images pulled while init1 runs').to.deep.equal(
        [...new Set(ifNotPresent)].sort(),
      );
      let at = -1;
      for (const line of k.shows) {
        const found = serial.indexOf(line, at + 1);
        expect(found, `${line}\n in ${serial.join('\n')}`).to.be.greaterThan(at);
        at = found;
      }
    });
});
