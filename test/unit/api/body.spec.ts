import { expect } from 'chai';
import { parseJson, parseYaml } from '../../../api/body';
import { errorCode } from '../../../agent/errors';

const rejects = (fn: () => unknown): void => {
  expect(fn)
    .to.throw()
    .that.satisfies((e: unknown) => errorCode(e) === 'BadRequest');
};

describe('api/body', () => {
  it('parses a Kubernetes YAML manifest', () => {
    expect(parseYaml('kind: Pod\nmetadata:\n  name: x\n')).to.deep.equal({
      kind: 'Pod',
      metadata: { name: 'x' },
    });
  });

  it('refuses a billion-laughs document quickly', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const t0 = Date.now();
    rejects(() => parseYaml(lines.join('\n')));
    expect(Date.now() - t0).to.be.below(500);
  });

  it('refuses custom tags and duplicate keys', () => {
    rejects(() => parseYaml('a: !!js/function "x"'));
    rejects(() => parseYaml('a: 1\na: 2'));
  });

  it('refuses malformed JSON and YAML with a message', () => {
    rejects(() => parseJson('{bad'));
    rejects(() => parseYaml('a: [1, 2'));
  });
});
