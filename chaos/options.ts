// The chaos run's flags: --minutes N (default 2), --seed S (default: a random one, printed), --converge-seconds
// (how long the end may take to converge, default 300), --fault-gap MIN-MAX (seconds between faults, default 8-20).
import { randomInt } from 'node:crypto';

export interface ChaosOptions {
  minutes: number;
  seed: number;
  convergeSeconds: number;
  faultGapSeconds: [number, number];
}

export function parseChaosArgs(
  argv: readonly string[],
  newSeed = (): number => randomInt(1, 2 ** 31),
): ChaosOptions {
  const opts: ChaosOptions = { minutes: 2, seed: 0, convergeSeconds: 300, faultGapSeconds: [8, 20] };
  let seed: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    const n = Number(value);
    if (flag === '--fault-gap') {
      const m = /^(\d+)-(\d+)$/.exec(value ?? '');
      if (!m || Number(m[1]) > Number(m[2]))
        throw new Error(`--fault-gap wants MIN-MAX seconds, got ${value}`);
      opts.faultGapSeconds = [Number(m[1]), Number(m[2])];
      continue;
    }
    if (value === undefined || !Number.isFinite(n) || n <= 0)
      throw new Error(`${flag} wants a positive number, got ${value}`);
    if (flag === '--minutes') opts.minutes = n;
    else if (flag === '--seed') seed = Math.floor(n);
    else if (flag === '--converge-seconds') opts.convergeSeconds = n;
    else throw new Error(`unknown flag ${flag} (known: --minutes, --seed, --converge-seconds, --fault-gap)`);
  }
  return { ...opts, seed: seed ?? newSeed() };
}
