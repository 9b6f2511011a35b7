// Every cluster.yaml the wizard can generate validates against EKS Anywhere's own CRD schemas
// (openAPIV3Schema of Cluster, TinkerbellDatacenterConfig and TinkerbellMachineConfig, from
// ../shared/fixtures/eksa-crds), with unknown fields refused as eksctl's strict parser refuses them.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import yaml from 'js-yaml';
import {Ajv, type ValidateFunction} from 'ajv';
import {renderClusterSpec} from '../../source/cluster/spec.js';
import {KUBERNETES_VERSIONS, needsLicenseToken} from '../../source/cluster/kube-versions.js';
import type {Answers} from '../../source/session/answers.js';
import {sharedPath, skipUnlessShared} from '../helpers/shared.js';

const DIR = ['fixtures', 'eksa-crds'];
const NOW = Date.parse('2026-12-06T10:00:00Z');

/** Unknown fields refused: an object schema with properties and no additionalProperties gets false. */
function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-kubernetes-')) continue;
    out[k] = closed(v);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

function validators(): Map<string, ValidateFunction> {
  const ajv = new Ajv({strict: false, allErrors: true, validateFormats: false});
  const byKind = new Map<string, ValidateFunction>();
  for (const file of ['clusters', 'tinkerbelldatacenterconfigs', 'tinkerbellmachineconfigs']) {
    const crd = yaml.load(readFileSync(sharedPath(...DIR, `anywhere.eks.amazonaws.com_${file}.yaml`)!, 'utf8')) as any;
    const version = crd.spec.versions.find((v: any) => v.name === 'v1alpha1');
    byKind.set(crd.spec.names.kind, ajv.compile(closed(version.schema.openAPIV3Schema)));
  }
  return byKind;
}

function ed25519Key(): string {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const type = Buffer.from('ssh-ed25519');
  const key = Buffer.alloc(32, 7);
  return `ssh-ed25519 ${Buffer.concat([u32(type.length), type, u32(key.length), key]).toString('base64')} admin@adminserver`;
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const TOKEN = `${b64({alg: 'RS256'})}.${b64({endValidity: '2027-12-31T00:00:00Z'})}.c2ln`;

function answers(o: {version: string; cp: number; workers: number; alt: boolean; key: boolean; lbi: boolean}): Answers {
  const machines: NonNullable<Answers['machines']> = [];
  for (let i = 1; i <= 5; i++)
    machines.push({
      hostname: `eksa-cp0${i}`,
      mac: `aa:bb:cc:00:00:0${i}`,
      ip: `10.20.0.${10 + i}`,
      role: 'cp',
      disk: '/dev/sda',
    });
  for (let i = 1; i <= 3; i++)
    machines.push({
      hostname: `eksa-wk0${i}`,
      mac: `aa:bb:cc:00:01:0${i}`,
      ip: `10.20.0.${20 + i}`,
      role: 'worker',
      disk: '/dev/sda',
    });
  return {
    admin: {interface: 'eno1', bootstrapIp: '10.20.0.10'},
    network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
    machines,
    cluster: {
      name: 'seed',
      kubernetesVersion: o.version,
      endpoint: '10.20.0.50',
      tinkerbellIp: '10.20.0.51',
      osImageUrl: `http://10.20.0.10:8080/ubuntu-2204-kube-${o.version.replace('.', '-')}.gz`,
      sshAuthorizedKey: o.key ? ed25519Key() : '',
      controlPlaneCount: o.cp,
      workerCount: o.workers,
      ...(o.alt ? {podsCidr: '10.244.0.0/16', servicesCidr: '172.30.0.0/16'} : {}),
      ...(o.lbi ? {loadBalancerInterface: 'eno1'} : {}),
    },
  };
}

test(
  'every generated cluster.yaml validates against EKS Anywhere’s CRD schemas, unknown fields refused',
  {skip: skipUnlessShared(...DIR)},
  () => {
    const byKind = validators();
    let checked = 0;
    for (const version of KUBERNETES_VERSIONS)
      for (const cp of [1, 3, 5])
        for (const workers of [0, 1, 3])
          for (const alt of [false, true])
            for (const key of [false, true]) {
              const a = answers({version, cp, workers, alt, key, lbi: alt});
              const licenseToken = needsLicenseToken(version, NOW) ? TOKEN : undefined;
              const r = renderClusterSpec(a, {now: NOW, ...(licenseToken ? {licenseToken} : {})});
              assert.deepEqual(r.errors, [], JSON.stringify({version, cp, workers, alt, key}));
              const docs = yaml.loadAll(r.yaml) as any[];
              assert.equal(docs.length, workers > 0 ? 4 : 3);
              for (const doc of docs) {
                const validate = byKind.get(doc.kind);
                assert.ok(validate, `no schema for ${doc.kind}`);
                assert.ok(
                  validate(doc),
                  `${doc.kind} (${version}, ${cp} cp, ${workers} workers): ${JSON.stringify(validate.errors)}`,
                );
                checked++;
              }
              if (licenseToken) assert.equal(docs[0].spec.licenseToken, licenseToken);
            }
    assert.ok(checked > 500);
  },
);

test(
  'the schemas refuse what eksctl’s strict parser refuses: the check itself can fail',
  {skip: skipUnlessShared(...DIR)},
  () => {
    const byKind = validators();
    const r = renderClusterSpec(answers({version: '1.35', cp: 1, workers: 1, alt: false, key: false, lbi: false}), {
      now: NOW,
    });
    const [cluster, datacenter] = yaml.loadAll(r.yaml) as any[];
    cluster.spec.kubernetesVersoin = '1.35';
    assert.equal(byKind.get('Cluster')!(cluster), false);
    datacenter.spec.tinkerbellIp = '10.20.0.51';
    assert.equal(byKind.get('TinkerbellDatacenterConfig')!(datacenter), false);
  },
);
