// The real kubectl 1.35 (protobuf bodies: `create ingress` fails without the networking/v1 table) with
// Ingresses and IngressClasses on the memory runtime: create ingress, get columns, describe (the backends'
// endpoints from the Service's EndpointSlices, and the error of a missing Service), an IngressClass applied
// with the default annotation filling a new Ingress's class, a bad Ingress's 422 through kubectl.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl } from '../helpers/kubectl';

const DEFAULT_CLASS = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations:
    ingressclass.kubernetes.io/is-default-class: "true"
spec:
  controller: k8s.io/ingress-nginx
`;

const NO_PATH_TYPE = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: bad
spec:
  rules:
  - host: foo.com
    http:
      paths:
      - path: /bar
        backend:
          service:
            name: svc1
            port:
              number: 8080
`;

describe('kubectl 1.35: Ingresses and IngressClasses (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();
  const { kubectl, ok } = kubectlOf('35', () => agent);

  it('create ingress; get shows NAME CLASS HOSTS ADDRESS PORTS AGE; describe shows the backends', async () => {
    expect(await ok(['create', 'ingress', 'simple', '--rule=foo.com/bar=svc1:8080'])).to.contain(
      'ingress.networking.k8s.io/simple created',
    );
    const get = await ok(['get', 'ing']);
    expect(get).to.match(/^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/m);
    expect(get).to.match(/^simple\s+<none>\s+foo\.com\s+80\s+\d+s$/m);
    // no Service yet: upstream's describer names the error in place of the endpoints
    const missing = await ok(['describe', 'ingress', 'simple']);
    expect(missing).to.match(/^Name:\s+simple$/m);
    expect(missing).to.match(/^Ingress Class:\s+<none>$/m);
    expect(missing).to.match(/^Default backend:\s+<default>$/m);
    expect(missing).to.match(/^\s+foo\.com\s*$/m);
    expect(missing).to.match(/^\s+\/bar\s+svc1:8080 \(<error: services "svc1" not found>\)$/m);

    await ok(['create', 'service', 'clusterip', 'svc1', '--tcp=8080:80']);
    await ok(['run', 'web', '--image=busybox:latest', '--labels=app=svc1', '--', 'sleep', '3600']);
    let described = '';
    for (let i = 0; i < 100 && !/svc1:8080 \(\d+\.\d+\.\d+\.\d+:80\)/.test(described); i++) {
      described = await ok(['describe', 'ingress', 'simple']);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(described, described).to.match(/^\s+\/bar\s+svc1:8080 \(\d+\.\d+\.\d+\.\d+:80\)$/m);
  });

  it('an IngressClass applied with the default annotation gives a new Ingress its class', async () => {
    expect(await ok(['apply', '-f', '-'], DEFAULT_CLASS)).to.contain(
      'ingressclass.networking.k8s.io/nginx created',
    );
    const classes = await ok(['get', 'ingressclass']);
    expect(classes).to.match(/^NAME\s+CONTROLLER\s+PARAMETERS\s+AGE$/m);
    expect(classes).to.match(/^nginx\s+k8s\.io\/ingress-nginx\s+<none>\s+\d+s$/m);
    expect(await ok(['describe', 'ingressclass', 'nginx'])).to.match(
      /^Controller:\s+k8s\.io\/ingress-nginx$/m,
    );
    await ok(['create', 'ingress', 'classed', '--rule=bar.com/*=svc1:8080', '--annotation=team=a']);
    expect(await ok(['get', 'ingress', 'classed', '-o', 'jsonpath={.spec.ingressClassName}'])).to.equal(
      'nginx',
    );
    expect(await ok(['get', 'ingress', 'classed'])).to.match(/^classed\s+nginx\s+bar\.com\s+80\s+\d+s$/m);
    // the controller is immutable
    const changed = await kubectl(
      ['apply', '-f', '-'],
      DEFAULT_CLASS.replace('k8s.io/ingress-nginx', 'example.com/x'),
    );
    expect(changed.code).to.not.equal(0);
    expect(changed.stderr).to.contain('spec.controller: Invalid value: "example.com/x": field is immutable');
  });

  it('refuses an Ingress without a pathType, worded as kube-apiserver', async () => {
    const res = await kubectl(['apply', '-f', '-'], NO_PATH_TYPE);
    expect(res.code).to.not.equal(0);
    expect(res.stderr).to.contain(
      'The Ingress "bad" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    );
    const path = await kubectl(['create', 'ingress', 'rel', '--rule=foo.com/=svc1:http,tls=my-cert']);
    expect(path.code, path.stderr).to.equal(0);
    const got = await ok(['get', 'ingress', 'rel']);
    expect(got).to.match(/^rel\s+nginx\s+foo\.com\s+80, 443\s+\d+s$/m);
  });
});
