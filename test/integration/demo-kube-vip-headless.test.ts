// The whole demo from an answers file that picks kube-vip: `eksa-kong demo --non-interactive --answers
// FILE` installs kube-vip and its cloud provider on the simulated cluster, the proxy gets an address from
// the kubevip range and verify calls the route through it; destroy then lists and removes kube-vip.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, tempHome} from '../helpers/cli.js';

const home = tempHome('eksa-kong-kube-vip-');
const env = {EKSA_KONG_HOME: home};
const dir = join(home, 'sessions', 'demo');

test(
  'headless demo with provider kube-vip ends verified behind a kube-vip address; destroy --dry-run lists kube-vip, destroy removes it',
  {timeout: 300_000},
  async () => {
    const answers = join(home, 'kube-vip.yaml');
    writeFileSync(answers, 'dataPlane:\n  loadBalancer: {provider: kube-vip, addresses: "10.20.0.204-10.20.0.209"}\n');
    const run = await runCli(['demo', '--non-interactive', '--speed', '1000', '--answers', answers], env);
    assert.equal(run.code, 0, run.stdout.slice(-3000) + run.stderr);
    const out = run.stdout;
    assert.match(out, /\$ kubectl --kubeconfig \S+ apply -f kube-vip-services\.yaml/);
    assert.match(out, /✔ Installed kube-vip \(ARP, services\) with range 10\.20\.0\.204-10\.20\.0\.209/);
    assert.match(out, /✔ daemonset kube-vip-ds Ready in kube-system/);
    assert.match(out, /✔ deployment kube-vip-cloud-provider Ready in kube-system/);
    assert.doesNotMatch(out, /create packages/, 'no MetalLB');
    assert.match(out, /\[9\/10\] Verify: .*GET http:\/\/10\.20\.0\.204\/httpbin\/anything → 200/);
    assert.match(out, /Next: curl -i http:\/\/10\.20\.0\.204\/httpbin\/anything/);
    const session = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8'));
    assert.equal(session.status, 'done');
    assert.equal(session.steps['data-plane'].data.loadBalancer.provider, 'kube-vip');
    const book = await runCli(['runbook', 'demo'], env);
    assert.match(book.stdout, /^kubectl --kubeconfig \S+ apply -f kube-vip-services\.yaml$/m);

    const dry = await runCli(['destroy', 'demo', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    const order = [
      'helm uninstall -n kong',
      'kubectl delete -f kube-vip-services.yaml --kubeconfig seed/seed-eks-a-cluster.kubeconfig --ignore-not-found --wait',
      'eksctl anywhere delete cluster',
    ].map(c => dry.stdout.indexOf(c));
    assert.ok(
      order.every(i => i >= 0),
      dry.stdout,
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'data plane first, then kube-vip, the cluster last',
    );

    const gone = await runCli(['destroy', 'demo', '--yes'], env);
    assert.equal(gone.code, 0, gone.stderr + gone.stdout);
    assert.match(gone.stdout, /daemonset\.apps "kube-vip-ds" deleted/);
    assert.match(gone.stdout, /deployment\.apps "kube-vip-cloud-provider" deleted/);
    assert.match(gone.stdout, /configmap "kubevip" deleted/);
  },
);
