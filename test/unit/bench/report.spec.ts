import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Context, type PartResult, writeBenchmarks } from '../../../bench/report';

const ctx: Context = {
  reps: 1,
  log: () => undefined,
  command: 'npm run bench',
  machine: 'test',
  profile: false,
};
const at = new Date('2026-12-06T12:00:00.000Z');

const part = (id: string, agent: string): PartResult => ({
  id,
  title: `Title ${id}`,
  baselineName: 'raw',
  rows: [{ metric: 'm', agent, baseline: '1', ratio: '1x', target: '<= 2x', met: true }],
  body: [`body of ${id}`],
});

describe('bench/report writeBenchmarks', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
    file = join(dir, 'BENCHMARKS.md');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (...parts: PartResult[]): string => {
    writeBenchmarks(file, parts, ctx, at);
    return readFileSync(file, 'utf8');
  };

  it('writes a new file with the summary and the sections in the parts order', () => {
    const text = write(part('dns', 'a'), part('pod-start', 'b'));
    expect(text.indexOf('<!-- part:pod-start -->')).to.be.lessThan(text.indexOf('<!-- part:dns -->'));
    expect(text).to.contain('| Title dns | m | a | 1 | 1x | <= 2x | met |');
    expect(text).to.contain('| Title pod-start | m | b | 1 | 1x | <= 2x | met |');
  });

  it('inserts the section of a part that has none yet, before the next part that has one', () => {
    write(part('pod-start', 'b'), part('dns', 'a'));
    const text = write(part('density', 'c'));
    const [ps, de, dn] = ['pod-start', 'density', 'dns'].map((id) => text.indexOf(`<!-- part:${id} -->`));
    expect(de).to.be.greaterThan(ps!);
    expect(dn).to.be.greaterThan(de!);
    expect(text).to.contain('body of density');
    expect(text).to.contain('| Title density | m | c |');
  });

  it('writes the sections of parts missing from the fixed order too (image-pull, metrics-cost, unknown)', () => {
    write(part('pod-start', 'b'));
    const text = write(part('image-pull', 'p'), part('metrics-cost', 'q'), part('brand-new', 'r'));
    for (const id of ['image-pull', 'metrics-cost', 'brand-new']) {
      expect(text).to.contain(`<!-- part:${id} -->`);
      expect(text).to.contain(`body of ${id}`);
    }
  });

  it('keeps hand-written text between and after sections byte for byte, and changes only the part that ran', () => {
    const first = write(part('pod-start', 'b'), part('dns', 'a'), part('api', 'x'));
    const notes = '\n### DNS notes by hand\n\nkept | with a pipe\n\n';
    const tail = '\n## Written by hand at the end\n';
    const withNotes = first.replace('<!-- /part:dns -->\n', `<!-- /part:dns -->\n${notes}`) + tail;
    writeFileSync(file, withNotes);
    const after = write(part('dns', 'a2'));
    expect(after).to.contain(`<!-- /part:dns -->\n${notes}\n<!-- part:api -->`);
    expect(after.endsWith(tail)).to.equal(true);
    // Everything but the dns section and its summary row is unchanged.
    const cut = (s: string): string =>
      s.replace(/<!-- part:dns -->[\s\S]*<!-- \/part:dns -->/, 'DNS').replace(/\| Title dns \|.*\n/, 'ROW\n');
    expect(cut(after)).to.equal(cut(withNotes));
    expect(after).to.contain('| Title dns | m | a2 |');
  });

  it('leaves a file byte for byte when it rewrites a part with the same result', () => {
    write(part('pod-start', 'b'), part('dns', 'a'));
    const edited = readFileSync(file, 'utf8').replace(
      '# Benchmarks\n',
      '# Benchmarks\n\nAn intro by hand.\n',
    );
    writeFileSync(file, edited);
    expect(write(part('dns', 'a'))).to.equal(edited);
  });

  it('replaces a summary table written before the markers existed, and keeps the text around it', () => {
    const legacy =
      '# Benchmarks\n\nIntro.\n\n## Summary\n\n| part | old |\n| --- | --- |\n| gone | row |\n\nAfter.\n';
    writeFileSync(file, legacy);
    const text = write(part('dns', 'a'));
    expect(text).to.not.contain('| gone | row |');
    expect(text.startsWith('# Benchmarks\n\nIntro.\n\n## Summary\n\n<!-- summary-table -->\n')).to.equal(
      true,
    );
    expect(text).to.contain('| Title dns | m | a |');
    expect(text).to.contain('<!-- /summary-table -->\n\nAfter.\n');
  });
});
