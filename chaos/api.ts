// The chaos run's HTTP client: every request is bounded, and a request that got no answer (the daemon was
// killed under it, or it timed out) is told apart from an answer.

export type Answer = { status: number; body: string } | { status: 'no answer'; error: string };

export class ChaosApi {
  constructor(
    private readonly base: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async send(method: string, path: string, body?: object, type = 'application/json'): Promise<Answer> {
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(body === undefined ? {} : { headers: { 'content-type': type }, body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return { status: 'no answer', error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** A GET that must answer 200 or 404 (undefined); anything else throws. */
  async get<T>(path: string): Promise<T | undefined> {
    const a = await this.send('GET', path);
    if (a.status === 404) return undefined;
    if (a.status !== 200) throw new Error(`GET ${path}: ${describeAnswer(a)}`);
    return JSON.parse(a.body) as T;
  }

  async list<T>(path: string): Promise<T[]> {
    return (await this.get<{ items: T[] }>(path))?.items ?? [];
  }
}

export const describeAnswer = (a: Answer): string =>
  a.status === 'no answer' ? `no answer (${a.error})` : `${a.status} ${a.body.slice(0, 200)}`;
