// status: data planes grouped by the session that deployed them (two sessions on one control plane),
// rows not seen for 90 s marked stale, and the parts that do not answer named (FAKE Kong Admin API on
// loopback, in-memory KubeApi). The clock is pinned.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {startFakeKongAdmin} from '../../source/demo/fake-kong-admin.js';
import {createSession, saveSessionSync} from '../../source/session/store.js';
import {sessionDir} from '../../source/session/home.js';
import {collectStatus, statusJson, statusLines} from '../../source/lifecycle/status.js';
import type {StatusSource} from '../../source/lifecycle/open.js';
import {realNet} from '../../source/ports.js';
import type {Session} from '../../source/session/schema.js';
import {FakeKubeApi} from '../helpers/kong-fakes.js';
import {tempHome} from '../helpers/cli.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const done = {state: 'done' as const, attempts: []};

async function dpSession(home: string, name: string, adminUrl: string, pods: string[]): Promise<Session> {
  const s = await createSession(home, name, 'real', new Date(NOW - 3600_000));
  const next: Session = {
    ...s,
    answers: {...s.answers, controlPlane: {adminUrl}, cluster: {existing: {kubeconfig: '/srv/kube/dp.kubeconfig'}}},
    steps: {
      ...s.steps,
      'control-plane': {
        ...done,
        data: {version: '3.9.1.2', clusterEndpoint: 'cp.example.com:8005', telemetryEndpoint: 'cp.example.com:8006'},
      },
      'data-plane': {...done, data: {namespace: 'kong', release: 'kong-dp', pods}},
    },
  };
  return saveSessionSync(sessionDir(home, name), next);
}

test(
  'status: rows grouped by session, a silent row marked stale, an unknown row with session null; no cluster for a given cluster',
  {timeout: 20_000},
  async () => {
    const home = tempHome('eksa-kong-status-');
    const admin = await startFakeKongAdmin({version: '3.9.1.2', now: () => NOW});
    try {
      const mine = await dpSession(home, 'lab1', admin.url, ['dp-a']);
      await dpSession(home, 'vsphere', admin.url, ['dp-v']);
      admin.registerDataPlane({hostname: 'dp-a', version: '3.9.1.2'});
      admin.registerDataPlane({hostname: 'dp-v', version: '3.9.1.1'});
      admin.registerDataPlane({
        hostname: 'dp-gone',
        version: '3.9.1.2',
        connected: false,
        lastSeen: Math.floor(NOW / 1000) - 600,
      });
      const kube = new FakeKubeApi();
      kube.add('Pod', 'kong', {
        metadata: {
          name: 'dp-a',
          labels: {'app.kubernetes.io/instance': 'kong-dp', 'app.kubernetes.io/component': 'app'},
        },
      });
      const source: StatusSource = {
        session: mine,
        dir: sessionDir(home, 'lab1'),
        home,
        net: realNet,
        env: {},
        clock: {now: () => NOW, sleep: async () => undefined},
        secret: () => undefined,
        close: async () => undefined,
      };
      const report = await collectStatus(source, {kubeFor: () => kube});
      const doc = statusJson(report);
      assert.deepEqual(doc.controlPlane, {
        version: '3.9.1.2',
        clusterEndpoint: 'cp.example.com:8005',
        telemetryEndpoint: 'cp.example.com:8006',
        reachable: true,
      });
      assert.deepEqual(
        doc.dataPlanes.map(d => [d.hostname, d.session, d.version]),
        [
          ['dp-a', 'lab1', '3.9.1.2'],
          ['dp-v', 'vsphere', '3.9.1.1'],
          ['dp-gone', null, '3.9.1.2'],
        ],
      );
      assert.equal(doc.dataPlanes[2]!.lastSeen, new Date(NOW - 600_000).toISOString());
      assert.deepEqual(report.stale, [false, false, true]);
      assert.equal(doc.cluster, null, 'the session was given its cluster: no nodes to show');
      assert.equal(doc.proxy, null);
      const lines = statusLines(report).join('\n');
      assert.match(lines, /session lab1:\n {4}dp-a .* ok\n {2}session vsphere:\n {4}dp-v/);
      assert.match(lines, /not from a session in this home:\n {4}dp-gone .*last seen 10m ago {2}STALE/);
    } finally {
      await admin.close();
    }
  },
);

test(
  'status: a control plane that does not answer is reachable:false with the reason, not a crash',
  {timeout: 20_000},
  async () => {
    const home = tempHome('eksa-kong-status-');
    const s = await dpSession(home, 'lab2', 'http://127.0.0.1:9', []);
    const source: StatusSource = {
      session: s,
      dir: join(home, 'sessions', 'lab2'),
      home,
      net: realNet,
      env: {},
      clock: {now: () => NOW, sleep: async () => undefined},
      secret: () => undefined,
      close: async () => undefined,
    };
    const report = await collectStatus(source, {kubeFor: () => new FakeKubeApi()});
    assert.equal(report.controlPlane?.reachable, false);
    assert.equal(report.controlPlane?.version, '3.9.1.2', 'the version the control-plane step read');
    assert.deepEqual(report.dataPlanes, []);
    assert.match(report.problems.join('\n'), /control plane: GET \/ on http:\/\/127\.0\.0\.1:9: ECONNREFUSED/);
  },
);
