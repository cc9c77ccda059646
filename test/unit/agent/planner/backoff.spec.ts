// Crash-loop back-off as client-go's flowcontrol.Backoff used by the kubelet (kubelet-semantics.md section 3):
// 10 s doubling to 300 s, a run longer than 600 s starts over, and the first restart is immediate.
import { expect } from 'chai';
import {
  BackoffTable,
  INITIAL_BACKOFF_MS,
  MAX_BACKOFF_MS,
  RESET_AFTER_MS,
  backOffUntil,
  backoffKey,
} from '../../../../agent/planner/backoff';
import { NOW } from '../../../helpers/builders';

const S = 1000;

describe('agent/planner/backoff', () => {
  describe('constants', () => {
    it('starts at 10 s, caps at 300 s and resets after 600 s', () => {
      expect([INITIAL_BACKOFF_MS, MAX_BACKOFF_MS, RESET_AFTER_MS]).to.deep.equal([10 * S, 300 * S, 600 * S]);
    });
  });

  describe('backoffKey', () => {
    it('is <pod>_<namespace>_<uid>_<container>_<hash>, so an image change gets a fresh key', () => {
      expect(backoffKey('p', 'default', 'uid-1', 'run1', 'ab12cd34')).to.equal(
        'p_default_uid-1_run1_ab12cd34',
      );
    });
  });

  describe('BackoffTable.next', () => {
    it('doubles 10 s, 20 s, 40 s ... up to 300 s, then stays there', () => {
      const t = new BackoffTable();
      const delays = Array.from({ length: 8 }, (_, i) => t.next('k', NOW + i * S).delayMs / S);
      expect(delays).to.deep.equal([10, 20, 40, 80, 160, 300, 300, 300]);
    });

    it('starts over at 10 s when the exit came more than 600 s after the last restart', () => {
      const t = new BackoffTable();
      t.next('k', NOW);
      t.next('k', NOW + S); // 20 s
      expect(t.next('k', NOW + 700 * S, NOW + 602 * S).delayMs).to.equal(10 * S);
    });

    it('keeps doubling when the run was short, however long the restart then waited', () => {
      const t = new BackoffTable();
      for (let i = 0; i < 5; i++) t.next('k', NOW); // 160 s
      // Restarted at NOW, crashed after 400 s, then waited out 300 s of back-off: not a stable run.
      expect(t.next('k', NOW + 700 * S, NOW + 400 * S).delayMs).to.equal(300 * S);
    });

    it('records the restart time as lastUpdate', () => {
      const t = new BackoffTable();
      t.next('k', NOW + 5 * S, NOW);
      expect(t.view('k')).to.deep.equal({ delayMs: 10 * S, lastUpdate: NOW + 5 * S });
    });
  });

  describe('backOffUntil', () => {
    const entry = { delayMs: 20 * S, lastUpdate: NOW - 30 * S };
    const cases: {
      situation: string;
      entry: typeof entry | undefined;
      finishedAt: number;
      want: number | undefined;
    }[] = [
      { situation: 'no entry: start now', entry: undefined, finishedAt: NOW - S, want: undefined },
      {
        situation: 'inside the delay since the exit: wait until finishedAt + delay',
        entry,
        finishedAt: NOW - 5 * S,
        want: NOW + 15 * S,
      },
      { situation: 'delay passed: start now', entry, finishedAt: NOW - 20 * S, want: undefined },
      {
        situation: 'exit 600 s after the last update: still live',
        entry,
        finishedAt: entry.lastUpdate + 600 * S,
        want: entry.lastUpdate + 620 * S,
      },
      {
        situation: 'exit more than 600 s after the last update: expired, start now',
        entry,
        finishedAt: entry.lastUpdate + 600 * S + 1,
        want: undefined,
      },
    ];
    for (const c of cases) {
      it(c.situation, () => {
        const now = Math.max(NOW, c.finishedAt);
        expect(backOffUntil(c.entry, c.finishedAt, now)).to.equal(c.want);
      });
    }
  });

  describe('a container that crashes one second after every start', () => {
    it('waits 0 s, 10 s, 20 s, 40 s, 80 s, 160 s, 300 s, 300 s before each restart', () => {
      const t = new BackoffTable();
      const key = 'p_default_uid-1_run1_h';
      let now = NOW;
      const waits: number[] = [];
      for (let i = 0; i < 8; i++) {
        const finishedAt = now + S; // it ran one second
        const until = backOffUntil(t.view(key), finishedAt, finishedAt) ?? finishedAt;
        waits.push((until - finishedAt) / S);
        now = until; // the restart
        t.next(key, now, finishedAt);
      }
      expect(waits).to.deep.equal([0, 10, 20, 40, 80, 160, 300, 300]);
    });
  });

  describe('BackoffTable.forget', () => {
    it('drops the entries of one pod', () => {
      const t = new BackoffTable();
      t.next(backoffKey('p', 'default', 'uid-1', 'run1', 'h'), NOW);
      t.next(backoffKey('q', 'default', 'uid-2', 'run1', 'h'), NOW);
      t.forget({ podUid: 'uid-1' });
      expect([t.view('p_default_uid-1_run1_h'), t.view('q_default_uid-2_run1_h')?.delayMs]).to.deep.equal([
        undefined,
        10 * S,
      ]);
    });

    it('drops entries not updated for more than 600 s', () => {
      const t = new BackoffTable();
      t.next('old', NOW - 601 * S);
      t.next('new', NOW - 599 * S);
      t.forget({ now: NOW });
      expect([t.view('old'), t.view('new')?.delayMs]).to.deep.equal([undefined, 10 * S]);
    });
  });
});
