// Every file in a session folder is 0600, whatever the umask: artifacts included.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {writeClusterSpec} from '../../source/cluster/spec.js';
import {writeDpValues} from '../../source/steps/data-plane/dp-step.js';
import {dpValuesInputFromAnswers} from '../../source/kong/dp-values.js';

test('cluster.yaml and kong-dp-values.yaml are written 0600 even with umask 000', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eksa-kong-modes-'));
  const old = process.umask(0);
  try {
    await writeClusterSpec(join(dir, 'cluster.yaml'), 'apiVersion: v1\n');
    await writeDpValues(
      dir,
      dpValuesInputFromAnswers({
        controlPlane: {
          version: '3.9.1.2',
          clusterEndpoint: 'cp.example.com:8005',
          telemetryEndpoint: 'tel.example.com:8006',
        },
      }),
    );
  } finally {
    process.umask(old);
  }
  assert.equal(statSync(join(dir, 'cluster.yaml')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'kong-dp-values.yaml')).mode & 0o777, 0o600);
});
