import { expect } from 'chai';
import { callKind } from '../../../bench/engine-call-counter';

describe('bench/engine-call-counter', () => {
  it('groups engine calls by kind: version prefix, ids and query dropped', () => {
    expect(callKind('POST', '/v1.41/containers/3f2a9c/start')).to.equal('POST /containers/{id}/start');
    expect(callKind('GET', '/v1.41/containers/json?all=true&filters=%7B%7D')).to.equal(
      'GET /containers/json',
    );
    expect(callKind('POST', '/v1.41/containers/create?name=k8s_POD_x')).to.equal('POST /containers/create');
    expect(callKind('GET', '/v1.41/images/busybox:latest/json')).to.equal('GET /images/{id}/json');
    expect(callKind('GET', '/_ping')).to.equal('GET /_ping');
  });
});
