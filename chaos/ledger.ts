// What the chaos run promised itself about each object: after a write the API acknowledged (2xx) the object
// is exactly what was written; after a write whose answer never came (the daemon was killed mid-request) it
// is either what it was before or what was written. At the end each object must fit one of its candidates;
// one that fits none is a lost write.

/** The fields the chaos tool sets on an object, as strings (`gen`, `replicas`, ...). */
export type Fields = Readonly<Record<string, string>>;

/** An object as the ledger expects it: absent, or present with these fields. */
export type Expected = { present: false } | { present: true; fields: Fields };

export const ABSENT: Expected = { present: false };

const same = (a: Expected, b: Expected): boolean =>
  a.present === b.present &&
  (!a.present || !b.present || JSON.stringify(sorted(a.fields)) === JSON.stringify(sorted(b.fields)));
const sorted = (f: Fields): [string, string][] => Object.entries(f).sort(([x], [y]) => x.localeCompare(y));

export class Ledger {
  /** Per object key: the states it may be in; a key never written is absent. */
  private readonly candidates = new Map<string, Expected[]>();
  acknowledged = 0;
  unanswered = 0;

  expected(key: string): readonly Expected[] {
    return this.candidates.get(key) ?? [ABSENT];
  }

  /** `present` or `absent` when every candidate agrees, else `uncertain`. */
  belief(key: string): 'present' | 'absent' | 'uncertain' {
    const c = this.expected(key);
    if (c.every((s) => s.present)) return 'present';
    if (c.every((s) => !s.present)) return 'absent';
    return 'uncertain';
  }

  /** The API answered 2xx: the object is now exactly `state`. */
  ack(key: string, state: Expected): void {
    this.acknowledged++;
    this.candidates.set(key, [state]);
  }

  /** No answer (connection reset, timeout, 5xx): the write may or may not have happened. */
  unknown(key: string, attempted: Expected): void {
    this.unanswered++;
    const c = this.expected(key);
    this.candidates.set(key, c.some((s) => same(s, attempted)) ? [...c] : [...c, attempted]);
  }

  /**
   * A refusal told whether the object exists (409 on create: it does; 404 on update or delete: it does not).
   * Keeps the candidates that agree; false when none does: an acknowledged write was lost or undone.
   */
  observed(key: string, present: boolean): boolean {
    const agree = this.expected(key).filter((s) => s.present === present);
    if (!agree.length) return false;
    this.candidates.set(key, agree);
    return true;
  }

  /** Whether the object as read (its fields, or undefined when it is gone) fits a candidate. */
  fits(key: string, actual: Fields | undefined): boolean {
    return this.expected(key).some((s) => same(s, actual ? { present: true, fields: actual } : ABSENT));
  }

  keys(): string[] {
    return [...this.candidates.keys()];
  }
}

/** A readable form of a key's candidates, for a failure line. */
export const describeExpected = (states: readonly Expected[]): string =>
  states.map((s) => (s.present ? JSON.stringify(s.fields) : 'absent')).join(' or ');
