// A body that is not JSON (or not YAML) is refused as kube-apiserver's decoders refuse it: a 400 whose message
// is Go's encoding/json error, wrapped as the verb's handler wraps it, never JavaScript's parser's words.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { goJsonSyntaxError, summarizeBody } from '../../../api/go-json-syntax';
import { Harness } from '../../helpers/harness';

const PODS = '/api/v1/namespaces/default/pods';

describe('api: a malformed body is the decoder 400, in upstream words', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
    await h.createPod({
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
  });
  after(async () => h.stop());

  const send = async (method: 'POST' | 'PUT' | 'PATCH', url: string, type: string, payload: string) => {
    const r = await h.api.inject({ method, url, headers: { 'content-type': type }, payload });
    return { code: r.statusCode, ...r.json<{ kind: string; reason: string; message: string }>() };
  };

  it("create: `the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: ...`", async () => {
    expect(await send('POST', PODS, 'application/json', '{"apiVersion":"v1",')).to.include({
      code: 400,
      kind: 'Status',
      reason: 'BadRequest',
      message:
        'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"apiVersion":"v1",)',
    });
    expect(
      (
        await send(
          'POST',
          '/apis/apps/v1/namespaces/default/deployments',
          'application/json',
          '{"kind":"Deployment"}}',
        )
      ).message,
    ).to.equal(
      'the object provided is unrecognized (must be of type Deployment): couldn\'t get version/kind; json parse error: invalid character \'}\' after top-level value ({"kind":"Deployment"}})',
    );
    // a body that does not start with `{` is summarized in hex, cut at 30 bytes
    expect(
      (await send('POST', PODS, 'application/json', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n'))
        .message,
    ).to.equal(
      "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: invalid character 'a' looking for beginning of value (61706956657273696f6e3a2076310a6b696e643a20506f640a6d65746164 ...)",
    );
  });

  it('update (PUT) words it as create does; the short /pods path too', async () => {
    expect(
      (await send('PUT', `${PODS}/p`, 'application/json', '{"metadata":{"name":"p"},}')).message,
    ).to.equal(
      'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; json parse error: invalid character \'}\' looking for beginning of object key string ({"metadata":{"name":"p"},})',
    );
    expect((await send('POST', '/pods', 'application/json', '[1,]')).message).to.equal(
      "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: invalid character ']' looking for beginning of value (5b312c5d)",
    );
  });

  it('patch: `error decoding patch: ...` for JSON and merge patches, the bare Go error for a strategic one', async () => {
    expect(
      await send('PATCH', `${PODS}/p`, 'application/merge-patch+json', '{"metadata":{"labels":{"a":"b"}'),
    ).to.include({
      code: 400,
      reason: 'BadRequest',
      message: 'error decoding patch: unexpected end of JSON input',
    });
    expect(
      (await send('PATCH', `${PODS}/p`, 'application/json-patch+json', '[{"op":"add" "path":"/x"}]')).message,
    ).to.equal("error decoding patch: invalid character '\"' after object key:value pair");
    expect(
      (await send('PATCH', `${PODS}/p`, 'application/strategic-merge-patch+json', "{'a':1}")).message,
    ).to.equal("invalid character '\\'' looking for beginning of object key string");
  });

  it('YAML: create wraps the YAML error as a JSON one; apply says `error decoding YAML: ...`', async () => {
    const create = await send('POST', PODS, 'application/yaml', 'kind: Pod\nmetadata: {name: [}\n');
    expect(create.code).to.equal(400);
    expect(create.message).to.match(
      /^the object provided is unrecognized \(must be of type Pod\): error converting YAML to JSON: .+ \(6b696e643a20506f640a6d657461646174613a207b6e616d653a205b7d0a\)$/,
    );
    const apply = await send(
      'PATCH',
      `${PODS}/p?fieldManager=t`,
      'application/apply-patch+yaml',
      'kind: Pod\nmetadata: {name: [}\n',
    );
    expect(apply.code).to.equal(400);
    expect(apply.message).to.match(/^error decoding YAML: error converting YAML to JSON: /);
  });

  describe("Go's scanner messages", () => {
    const cases: [string, string | undefined][] = [
      ['', 'unexpected end of JSON input'],
      ['   ', 'unexpected end of JSON input'],
      ['{"a":1}', undefined],
      ['{"a" 1}', "invalid character '1' after object key"],
      ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
      ['[1 2]', "invalid character '2' after array element"],
      ['"a\u0001"', "invalid character '\\x01' in string literal"],
      ['"\\q"', "invalid character 'q' in string escape code"],
      ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
      ['-a', "invalid character 'a' in numeric literal"],
      ['1.x', "invalid character 'x' after decimal point in numeric literal"],
      ['1ex', "invalid character 'x' in exponent of numeric literal"],
      ['01', "invalid character '1' after top-level value"],
      ['trux', "invalid character 'x' in literal true (expecting 'e')"],
      ['nul', 'unexpected end of JSON input'],
      ['{"a":é}', "invalid character 'Ã' looking for beginning of value"],
      ['\n{', 'unexpected end of JSON input'],
      ['{\n\t', 'unexpected end of JSON input'],
      ['x', "invalid character 'x' looking for beginning of value"],
      ['\u0000', "invalid character '\\x00' looking for beginning of value"],
      ['[\n', 'unexpected end of JSON input'],
      ['{"a":1}\n\t ', undefined],
    ];
    for (const [text, message] of cases)
      it(`${JSON.stringify(text)} -> ${message ?? 'valid'}`, () =>
        expect(goJsonSyntaxError(text)).to.equal(message));
    it('a body nested deeper than the stack is not a TypeError or a RangeError; an empty one is <empty>', () => {
      expect(() => goJsonSyntaxError('['.repeat(100_000))).to.not.throw();
      expect(summarizeBody('')).to.equal('<empty>');
    });
  });
});
