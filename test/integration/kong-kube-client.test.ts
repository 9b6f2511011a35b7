import {test} from 'node:test';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import assert from 'node:assert/strict';
import {createKubeApi} from '../../source/kong/kube-client.js';
import {KubeApiError} from '../../source/kong/kube-api.js';
import {discoverControlPlane} from '../../source/kong/cp-discovery.js';
import {applySecret, dataPlaneSecretCopy, ensureNamespace} from '../../source/kong/deploy.js';
import {listKubeContexts} from '../../source/kong/kubeconfig-contexts.js';
import {FakeKubeApi, makeCert, startFakeKubeServer, tlsSecret} from '../helpers/kong-fakes.js';

const T = {timeout: 30_000};

test(
  'client-node KubeApi against a FAKE Kubernetes API server on loopback: discovery, copy, logs, 404 and 401',
  T,
  async () => {
    const store = new FakeKubeApi();
    const cert = await makeCert();
    store.add('Secret', 'kong', tlsSecret('kong-cluster-cert', cert));
    store.add('Service', 'kong', {
      metadata: {
        name: 'kong-cp-kong-cluster',
        labels: {'app.kubernetes.io/instance': 'kong-cp'},
        annotations: {'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing'},
      },
      spec: {type: 'LoadBalancer', ports: [{name: 'kong-cluster-tls', port: 8005}]},
      status: {loadBalancer: {ingress: [{hostname: 'k8s-kong-cp.elb.us-east-1.amazonaws.com'}]}},
    });
    store.add('Deployment', 'kong', {
      metadata: {name: 'kong-cp-kong', labels: {'app.kubernetes.io/instance': 'kong-cp'}},
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'proxy',
                image: 'kong/kong-gateway:3.9.1.2',
                env: [
                  {name: 'KONG_ROLE', value: 'control_plane'},
                  {name: 'KONG_CLUSTER_CERT', value: '/etc/secrets/kong-cluster-cert/tls.crt'},
                ],
                volumeMounts: [{name: 'kong-cluster-cert', mountPath: '/etc/secrets/kong-cluster-cert'}],
              },
            ],
            volumes: [{name: 'kong-cluster-cert', secret: {secretName: 'kong-cluster-cert'}}],
          },
        },
      },
    });
    store.add('Pod', 'kong', {metadata: {name: 'kong-dp-kong-1'}});
    store.logs.set('kong/kong-dp-kong-1', 'line one\nline two\n');
    const server = await startFakeKubeServer(store);
    try {
      const contexts = await listKubeContexts(server.kubeconfigPath);
      assert.equal(contexts.status, 'ok');
      assert.deepEqual(contexts.status === 'ok' && contexts.contexts.map(c => c.name), ['other', 'fake-cp']);

      const kube = createKubeApi(server.kubeconfigPath, 'fake-cp');
      const found = await discoverControlPlane(kube, {namespace: 'kong', release: 'kong-cp'});
      assert.equal(found.endpoints.cluster.value, 'k8s-kong-cp.elb.us-east-1.amazonaws.com:8005');
      assert.equal(found.deployment.certSecret?.name, 'kong-cluster-cert');
      assert.equal(found.cert?.status, 'ok');
      assert.ok(
        server.requests.some(r =>
          r.startsWith('GET /api/v1/namespaces/kong/services?labelSelector=app.kubernetes.io%2Finstance%3Dkong-cp'),
        ),
      );

      // The same API stands in for the new cluster: namespace, secret copy, byte-identical.
      assert.equal((await ensureNamespace(kube, 'kong-dp')).status, 'created');
      assert.equal((await applySecret(kube, dataPlaneSecretCopy(found.cert!.material!, 'kong-dp'))).status, 'created');
      assert.deepEqual(
        (await store.get('Secret', 'kong-dp', 'kong-cluster-cert'))?.data,
        (await store.get('Secret', 'kong', 'kong-cluster-cert'))?.data,
      );
      assert.equal(
        (await applySecret(kube, dataPlaneSecretCopy(found.cert!.material!, 'kong-dp'))).status,
        'unchanged',
      );

      assert.equal(
        await kube.podLog('kong', 'kong-dp-kong-1', {container: 'proxy', tailLines: 10}),
        'line one\nline two\n',
      );
      assert.equal(await kube.get('Secret', 'kong', 'nope'), null);

      // A kubeconfig whose token the server does not accept: 401, and the token is not in the error.
      const wrongConfig = join(mkdtempSync(join(tmpdir(), 'kong-kube-')), 'kubeconfig');
      writeFileSync(
        wrongConfig,
        readFileSync(server.kubeconfigPath, 'utf8').replace('token: test-token', 'token: wrong-token-value'),
      );
      await assert.rejects(
        createKubeApi(wrongConfig, 'fake-cp').list('Service', 'kong'),
        (e: unknown) => e instanceof KubeApiError && e.status === 401 && !e.message.includes('wrong-token-value'),
      );
    } finally {
      await server.close();
    }
  },
);
