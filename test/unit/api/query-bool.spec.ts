import { expect } from 'chai';
import { queryBool } from '../../../api/request';

// The API server's conversion of a boolean query parameter (runtime.Convert_Slice_string_To_bool): absent is
// false; "0" and "false" in any case are false; every other value, the empty one included, is true.
describe('api/request queryBool', () => {
  const cases: [unknown, boolean][] = [
    [undefined, false],
    ['0', false],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['true', true],
    ['True', true],
    ['1', true],
    ['yes', true],
    ['', true],
    [['False', 'true'], false], // a repeated parameter: the first value counts
    [['1'], true],
    [[], false],
  ];
  for (const [value, expected] of cases)
    it(`${JSON.stringify(value)} -> ${expected}`, () => expect(queryBool(value)).to.equal(expected));
});
