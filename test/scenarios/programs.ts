// What the scenarios' containers do, said twice side by side: the shell command the real engine runs, and a
// model of it the memory runtime plays (it runs no commands). A scenario names a program; each world runs
// the half it can, so one scenario text holds on both runtimes.

/** One run of a container: what it prints, then whether and when it exits, or waits for a Service. */
export type Run =
  | { kind: 'exit'; code: number; afterMs?: number; output?: string[] }
  | { kind: 'run'; output?: string[] }
  /** The tutorial's `until nslookup <service>; do ...; sleep 2; done` loop. */
  | { kind: 'lookup'; service: string };

export interface Program {
  command: string[];
  /** The run for a container's `attempt` (its restart count), given its environment (`NAME=value`). */
  model: (attempt: number, env: readonly string[]) => Run;
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
    (_attempt, env) => {
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
