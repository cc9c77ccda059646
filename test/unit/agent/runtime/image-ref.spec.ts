import { expect } from 'chai';
import { invalidImageMessage } from '../../../../agent/runtime/image-ref';

describe('agent/runtime/image-ref', () => {
  it('accepts what the engine accepts', () => {
    for (const ref of [
      'busybox',
      'busybox:latest',
      'busybox:1.36.1-musl',
      'library/busybox',
      'docker.io/library/busybox:latest',
      'localhost:5000/team/app:v1',
      'registry.example.com/a/b/c',
      'Registry.Example.com/app',
      '[::1]:5000/app',
      'minikubelet/pause:local',
      'my_app__x-y.z',
      `busybox@sha256:${'a'.repeat(64)}`,
      `busybox:1@sha256:${'a'.repeat(64)}`,
    ])
      expect(invalidImageMessage(ref), ref).to.equal(undefined);
  });

  it('words a malformed reference as the kubelet does', () => {
    expect(invalidImageMessage('busybox --privileged')).to.equal(
      'Failed to apply default image tag "busybox --privileged": couldn\'t parse image name "busybox --privileged": invalid reference format',
    );
    expect(invalidImageMessage('Busybox')).to.equal(
      'Failed to apply default image tag "Busybox": couldn\'t parse image name "Busybox": invalid reference format: repository name (library/Busybox) must be lowercase',
    );
  });

  it('refuses spaces, bad tags and digests, empty parts, ids and over-long names', () => {
    for (const ref of [
      'busybox ',
      'busybox:',
      'busybox:-x',
      'busybox@sha256:abc',
      'a//b',
      '-busybox',
      'busybox/',
      ':latest',
      'a'.repeat(64),
      'x/'.repeat(128) + 'x',
      'busybox\n',
      'a?b',
    ])
      expect(invalidImageMessage(ref), JSON.stringify(ref)).to.be.a('string');
  });
});
