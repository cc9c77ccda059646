// One write at a time on a random object: create what the ledger believes absent, update or delete what it
// believes present; every answer goes to the ledger. An answer that contradicts an acknowledged write (404
// on an object acknowledged as created, 409 on one acknowledged as deleted) is a lost write, seen at once.
import { type Answer, type ChaosApi, describeAnswer } from './api';
import type { ChaosKind } from './kinds';
import { ABSENT, type Expected, type Ledger, describeExpected } from './ledger';
import type { Rng } from './rng';

const MERGE_PATCH = 'application/merge-patch+json';

export interface ChurnFigures {
  writes: number;
  refused: number;
  objects: Set<string>;
  /** Each a line: what was written and what the answer contradicted. */
  lost: string[];
  /** Answers the run cannot explain (400, 422, 500...): a bug in the tool or the daemon. */
  unexpected: string[];
}

export class Churner {
  private gen = 0;
  readonly figures: ChurnFigures = { writes: 0, refused: 0, objects: new Set(), lost: [], unexpected: [] };

  constructor(
    private readonly api: Pick<ChaosApi, 'send'>,
    private readonly kinds: readonly ChaosKind[],
    private readonly ledger: Ledger,
    private readonly rng: Rng,
  ) {}

  async step(): Promise<void> {
    const kind = this.rng.pick(this.kinds);
    const name = this.rng.pick(kind.names);
    const key = `${kind.plural}/${name}`;
    const belief = this.ledger.belief(key);
    const fields = kind.fields(this.rng, ++this.gen);
    const present: Expected = { present: true, fields };
    this.figures.writes++;
    this.figures.objects.add(key);
    const roll = this.rng.next();
    if (belief === 'absent' || (belief === 'uncertain' && roll < 0.5)) {
      const a = await this.api.send('POST', kind.collection, kind.manifest(name, fields));
      this.record(key, 'create', a, present, 201, () => {
        // a pod deleted a moment ago may still be terminating: 409 then says nothing about the ledger
        if (!kind.lingers) this.observe(key, true, 'create answered 409');
      });
    } else if (belief === 'present' && roll < 0.65) {
      const a = await this.api.send('PATCH', `${kind.collection}/${name}`, kind.patch(fields), MERGE_PATCH);
      this.record(key, 'update', a, present, 200, () => this.observe(key, false, 'update answered 404'));
    } else {
      const a = await this.api.send('DELETE', `${kind.collection}/${name}`);
      this.record(key, 'delete', a, ABSENT, 200, () => this.observe(key, false, 'delete answered 404'));
    }
  }

  private record(
    key: string,
    verb: string,
    a: Answer,
    attempted: Expected,
    ok: number,
    refused: () => void,
  ): void {
    if (a.status === 'no answer' || a.status >= 500) return this.ledger.unknown(key, attempted);
    if (a.status === ok || (verb === 'delete' && a.status === 202)) return this.ledger.ack(key, attempted);
    if (a.status === 404 || a.status === 409) {
      this.figures.refused++;
      return refused();
    }
    this.figures.unexpected.push(`${verb} ${key}: ${describeAnswer(a)}`);
  }

  private observe(key: string, exists: boolean, what: string): void {
    const before = describeExpected(this.ledger.expected(key));
    if (!this.ledger.observed(key, exists)) this.figures.lost.push(`${key}: ${what}, expected ${before}`);
  }
}
