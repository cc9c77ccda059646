import { expect } from 'chai';
import type { Answer } from '../../../chaos/api';
import { Churner } from '../../../chaos/churn';
import { type ApiObject, CHAOS_KINDS } from '../../../chaos/kinds';
import { Ledger } from '../../../chaos/ledger';
import { seededRng } from '../../../chaos/rng';

/** An API in memory: merge patches applied shallowly per top-level field, as the kinds' patches need. */
class FakeApi {
  readonly objects = new Map<string, ApiObject>();
  /** What happens to a write: applied and answered, applied without an answer, or dropped without one. */
  fate: () => 'answer' | 'apply-silently' | 'drop-silently' = () => 'answer';

  async send(method: string, path: string, body?: object): Promise<Answer> {
    const fate = this.fate();
    this.undo = fate === 'drop-silently';
    const answer = this.apply(method, path, body);
    if (fate === 'answer') return answer;
    return { status: 'no answer', error: 'socket hang up' };
  }

  private undo = false;

  private apply(method: string, path: string, body?: object): Answer {
    const before = new Map(this.objects);
    const kind = CHAOS_KINDS.find((k) => path.startsWith(k.collection))!;
    const plural = kind.plural;
    const name = path.slice(kind.collection.length + 1).split('?')[0];
    let answer: Answer;
    if (method === 'POST') {
      const obj = body as ApiObject;
      const key = `${plural}/${obj.metadata.name}`;
      if (this.objects.has(key)) answer = { status: 409, body: '' };
      else {
        this.objects.set(key, structuredClone(obj));
        answer = { status: 201, body: '' };
      }
    } else {
      const key = `${plural}/${name}`;
      const obj = this.objects.get(key);
      if (!obj) answer = { status: 404, body: '' };
      else if (method === 'DELETE') {
        this.objects.delete(key);
        answer = { status: 200, body: '' };
      } else {
        this.objects.set(key, merge(obj, body) as ApiObject);
        answer = { status: 200, body: '' };
      }
    }
    if (this.undo) {
      this.objects.clear();
      for (const [k, v] of before) this.objects.set(k, v);
      this.undo = false;
    }
    return answer;
  }
}

function merge(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
  return out;
}

const finalMismatches = (api: FakeApi, ledger: Ledger): string[] =>
  CHAOS_KINDS.flatMap((k) =>
    k.names
      .map((n) => `${k.plural}/${n}`)
      .filter((key) => {
        const obj = api.objects.get(key);
        const kind = CHAOS_KINDS.find((x) => key.startsWith(`${x.plural}/`))!;
        return !ledger.fits(key, obj ? kind.read(obj) : undefined);
      }),
  );

describe('chaos/churn', () => {
  it('against an API that keeps every write, nothing is lost and every object fits the ledger', async () => {
    const api = new FakeApi();
    const ledger = new Ledger();
    const churner = new Churner(api, CHAOS_KINDS, ledger, seededRng(3));
    for (let i = 0; i < 300; i++) await churner.step();
    expect(churner.figures.lost).to.deep.equal([]);
    expect(churner.figures.unexpected).to.deep.equal([]);
    expect(finalMismatches(api, ledger)).to.deep.equal([]);
    expect(ledger.acknowledged).to.be.greaterThan(200);
  });

  it('writes without an answer, applied or not, are not counted as lost', async () => {
    const api = new FakeApi();
    const rng = seededRng(9);
    api.fate = () => (rng.next() < 0.2 ? (rng.next() < 0.5 ? 'apply-silently' : 'drop-silently') : 'answer');
    const ledger = new Ledger();
    const churner = new Churner(api, CHAOS_KINDS, ledger, seededRng(4));
    for (let i = 0; i < 300; i++) await churner.step();
    expect(churner.figures.lost).to.deep.equal([]);
    expect(finalMismatches(api, ledger)).to.deep.equal([]);
    expect(ledger.unanswered).to.be.greaterThan(20);
  });

  it('an acknowledged write the API then forgets is found: at the next write or at the end', async () => {
    const api = new FakeApi();
    const ledger = new Ledger();
    const churner = new Churner(api, CHAOS_KINDS, ledger, seededRng(5));
    for (let i = 0; i < 50; i++) await churner.step();
    const [forgotten] = [...api.objects.keys()];
    api.objects.delete(forgotten!);
    for (let i = 0; i < 50; i++) await churner.step();
    const found = churner.figures.lost.length + finalMismatches(api, ledger).length;
    expect(found, `forgot ${forgotten}`).to.be.greaterThan(0);
  });
});
