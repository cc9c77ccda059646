// What the scenarios' containers do, said twice side by side: the shell command the real engine runs, and a
// model of it the memory runtime plays (it runs no commands). A scenario names a program; each world runs
// the half it can, so one scenario text holds on both runtimes.
import type { ContainerSpec } from '../../agent/runtime/runtime';

/** One run of a container: what it prints, then whether and when it exits, or waits for a Service. */
export type Run =
  | { kind: 'exit'; code: number; afterMs?: number; output?: string[] }
  | { kind: 'run'; output?: string[] }
  /** The tutorial's `until nslookup <service>; do ...; sleep 2; done` loop. */
  | { kind: 'lookup'; service: string };

/** What a model may read of the container it plays: its environment (`NAME=value`) and mounts. */
export type Started = Pick<ContainerSpec, 'env' | 'mounts'>;

export interface Program {
  command: string[];
  /** The run for a container's `attempt` (its restart count). */
  model: (attempt: number, started: Started) => Run;
}

const models = new Map<string, Program['model']>();

function program(command: string[], model: Program['model']): Program {
  models.set(JSON.stringify(command), model);
  return { command, model };
}

/** The model of a command, or an error naming a command no program declares. */
export function modelOf(command: readonly string[] | undefined): Program['model'] {
  const model = models.get(JSON.stringify(command ?? []));
  if (!model) throw new Error(`no scenario program for command ${JSON.stringify(command)}`);
  return model;
}

const sh = (script: string): string[] => ['sh', '-c', script];

export const succeed = program(['/bin/true'], () => ({ kind: 'exit', code: 0 }));
export const fail = program(['/bin/false'], () => ({ kind: 'exit', code: 1 }));
export const sleepForever = program(['sleep', '3600'], () => ({ kind: 'run' }));

/** Exits 0 after `seconds`. */
export const sleepThenExit = (seconds: number): Program =>
  program(sh(`sleep ${seconds}`), () => ({ kind: 'exit', code: 0, afterMs: seconds * 1000 }));

/** Prints `text` (its lines), then exits with `code`. */
export const echoThenExit = (text: string, code: number): Program =>
  program(sh(`echo '${text}'; exit ${code}`), () => ({ kind: 'exit', code, output: text.split('\n') }));

/** Exits on SIGTERM at once (a plain `sleep` as PID 1 ignores TERM and would wait out the grace period). */
export const runUntilTerm = program(sh("trap 'exit 0' TERM; while :; do sleep 0.1; done"), () => ({
  kind: 'run',
}));

/** Fails on its first run, exits 0 on its second, then runs: needs an emptyDir `d` at /d to count runs. */
export const failThenSucceedThenRun = program(
  sh(
    'n=$(cat /d/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /d/n; [ $n = 1 ] && exit 1; [ $n = 2 ] && exit 0; sleep 3600',
  ),
  (attempt) =>
    attempt === 0 ? { kind: 'exit', code: 1 } : attempt === 1 ? { kind: 'exit', code: 0 } : { kind: 'run' },
);

/** Prints `NAME=value` (or `NAME=<unset>`) for each name, then exits 0 or runs on. */
export const printEnv = (names: string[], then: 'exit' | 'run'): Program =>
  program(
    sh(
      `${names.map((n) => `echo "${n}=\${${n}-<unset>}"`).join('; ')}${then === 'run' ? '; sleep 3600' : ''}`,
    ),
    (_attempt, { env }) => {
      const vars = new Map(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
      const output = names.map((n) => `${n}=${vars.get(n) ?? '<unset>'}`);
      return then === 'run' ? { kind: 'run', output } : { kind: 'exit', code: 0, output };
    },
  );

// The tutorial's containers (test/fixtures/initc-demo.yaml, verbatim).
for (const service of ['myservice', 'mydb'])
  program(sh(`until nslookup ${service}; do echo waiting for ${service}; sleep 2; done;`), () => ({
    kind: 'lookup',
    service,
  }));
program(sh('echo The app is running! && sleep 3600'), () => ({
  kind: 'run',
  output: ['The app is running!'],
}));

/**
 * A Job's pod: prints its completion index; index 1 fails on its first pod and succeeds on the retry. Each
 * retry is a new pod, so the marker lives in a hostPath volume at /x (one directory per Job).
 */
const indexesFailed = new Set<string>();
export const indexOneFailsOnce = program(
  sh(
    'i=$JOB_COMPLETION_INDEX; echo index $i; if [ "$i" = 1 ] && [ ! -f /x/failed ]; then touch /x/failed; exit 1; fi',
  ),
  (_attempt, started) => {
    const index = started.env.find((e) => e.startsWith('JOB_COMPLETION_INDEX='))?.split('=')[1] ?? '';
    const dir = started.mounts.find((m) => m.target === '/x')?.source ?? '';
    const output = [`index ${index}`];
    if (index !== '1' || indexesFailed.has(dir)) return { kind: 'exit', code: 0, output };
    indexesFailed.add(dir);
    return { kind: 'exit', code: 1, output };
  },
);
