import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MiniKubeletError } from '../../../agent/errors';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { queryInt } from '../../../api/request';
import { Harness } from '../../helpers/harness';

// The API server's conversion of an integer query parameter (runtime.Convert_Slice_string_To_int64, which is
// strconv.ParseInt(s, 10, 64) of the first value): a sign is allowed, anything else is a 400 with strconv's
// words, the empty value included.
describe('api/request queryInt', () => {
  const good: [unknown, number | undefined][] = [
    [undefined, undefined],
    [[], undefined],
    ['0', 0],
    ['42', 42],
    ['+7', 7],
    ['-3', -3],
    ['007', 7],
    [['5', 'x'], 5],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ];
  for (const [value, expected] of good)
    it(`${JSON.stringify(value)} -> ${expected}`, () => expect(queryInt(value)).to.equal(expected));
  const bad: [unknown, string][] = [
    ['abc', 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ['', 'strconv.ParseInt: parsing "": invalid syntax'],
    ['1.5', 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    [' 1', 'strconv.ParseInt: parsing " 1": invalid syntax'],
    ['1_000', 'strconv.ParseInt: parsing "1_000": invalid syntax'],
    ['0x10', 'strconv.ParseInt: parsing "0x10": invalid syntax'],
    ['9223372036854775808', 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
    ['-9223372036854775809', 'strconv.ParseInt: parsing "-9223372036854775809": value out of range'],
  ];
  for (const [value, message] of bad)
    it(`${JSON.stringify(value)} -> 400 ${message}`, () => {
      let err: unknown;
      try {
        queryInt(value);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(MiniKubeletError);
      expect((err as MiniKubeletError).code).to.equal('BadRequest');
      expect((err as MiniKubeletError).message).to.equal(message);
    });
});

describe('api: integer query parameters as the API server reads them (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(new ManualClock()) }).start();
    for (const name of ['a', 'b', 'c']) {
      const res = await h.api.inject({
        method: 'POST',
        url: '/api/v1/namespaces/default/pods',
        payload: { metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      });
      expect(res.statusCode, res.body).to.equal(201);
    }
  });
  afterEach(async () => h.stop());

  const get = (url: string) => h.api.inject({ method: 'GET', url });

  it('limit: a bad integer is a 400 in strconv words; zero and negative mean no limit', async () => {
    const bad = await get('/api/v1/namespaces/default/pods?limit=ten');
    expect(bad.statusCode).to.equal(400);
    expect(bad.json()).to.deep.include({
      reason: 'BadRequest',
      message: 'strconv.ParseInt: parsing "ten": invalid syntax',
    });
    for (const limit of ['0', '-1']) {
      const all = await get(`/api/v1/namespaces/default/pods?limit=${limit}`);
      expect(all.statusCode, all.body).to.equal(200);
      expect(all.json<{ items: unknown[] }>().items).to.have.length(3);
    }
    expect(
      (await get('/api/v1/namespaces/default/pods?limit=%2B2')).json<{ items: unknown[] }>().items,
    ).to.have.length(2);
  });

  it('pod logs: tailLines, limitBytes and sinceSeconds out of range are 422 PodLogOptions invalid', async () => {
    const cases: [string, string][] = [
      [
        'tailLines=-1',
        'PodLogOptions "a" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
      ],
      ['limitBytes=0', 'PodLogOptions "a" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
      [
        'sinceSeconds=0',
        'PodLogOptions "a" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0',
      ],
    ];
    for (const [query, message] of cases) {
      const res = await get(`/api/v1/namespaces/default/pods/a/log?${query}`);
      expect(res.statusCode, query).to.equal(422);
      expect(res.json(), query).to.deep.include({ reason: 'Invalid', message });
    }
    const bad = await get('/api/v1/namespaces/default/pods/a/log?tailLines=x');
    expect(bad.statusCode).to.equal(400);
    expect(bad.json()).to.deep.include({ message: 'strconv.ParseInt: parsing "x": invalid syntax' });
  });

  it('gracePeriodSeconds: a negative one is read as 1 on the delete path, not refused', async () => {
    const res = await h.api.inject({
      method: 'DELETE',
      url: '/api/v1/namespaces/default/pods/a?gracePeriodSeconds=-5',
    });
    expect(res.statusCode, res.body).to.equal(200);
    expect(
      res.json<{ metadata: { deletionGracePeriodSeconds: number } }>().metadata.deletionGracePeriodSeconds,
    ).to.equal(1);
  });
});
