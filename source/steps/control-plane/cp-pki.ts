// The control-plane step in pki mode: resolve what the data plane needs (CA, server name, a client
// certificate of its own) and probe the listeners with exactly that, as the data plane will dial them.
import type {CpCheck, CpCheckId} from './cp-step.js';
import type {CpDeploymentInfo, CpTarget} from '../../kong/cp-discovery.js';
import type {Endpoint} from '../../kong/endpoint.js';
import type {KubeApi} from '../../kong/kube-api.js';
import {PkiError, resolvePki, type PkiAnswers} from '../../kong/pki.js';
import {probeClusterTls, probeTelemetryTls, type ProbeOptions, type ProbeResult} from '../../kong/probes.js';

export interface PkiCheckInput {
  kube: KubeApi;
  target: CpTarget;
  answers: PkiAnswers;
  env: Readonly<Record<string, string | undefined>>;
  deployment: CpDeploymentInfo;
  cpCertPem?: string;
  cluster?: Endpoint;
  telemetry?: Endpoint;
  probe: ProbeOptions;
}

export interface PkiCheckResult {
  checks: CpCheck[];
  serverName?: string;
  /** Where the CA and the DP certificate come from, in words (for the facts; no secret). */
  caSource?: string;
  dpCertSource?: string;
}

const fromProbe = (id: CpCheckId, probe: ProbeResult): CpCheck => ({
  id,
  status: probe.status,
  title: probe.title,
  ...(probe.fix ? {fix: probe.fix} : {}),
});

export async function pkiCheck(input: PkiCheckInput): Promise<PkiCheckResult> {
  let material;
  try {
    material = await resolvePki({
      kube: input.kube,
      target: input.target,
      answers: input.answers,
      env: input.env,
      deployment: input.deployment,
      cpCertPem: input.cpCertPem,
      clusterHost: input.cluster?.host,
    });
  } catch (error) {
    if (!(error instanceof PkiError)) throw error;
    const skipped = {status: 'fail' as const, title: 'TLS not probed: the pki material is not known'};
    return {
      checks: [
        {id: 'cert', status: 'fail', title: error.message, key: error.key},
        ...(input.cluster ? [{id: 'tls-cluster' as const, ...skipped}] : []),
        ...(input.telemetry ? [{id: 'tls-telemetry' as const, ...skipped}] : []),
      ],
    };
  }
  const checks: CpCheck[] = [
    {
      id: 'cert',
      status: 'ok',
      title: `pki: CA from ${material.sources.ca}; server name ${material.serverName} (${material.sources.serverName}); data plane certificate ${material.sources.cert}`,
    },
  ];
  const tls = {
    ...input.probe,
    certPem: material.certPem,
    keyPem: material.keyPem(),
    caPem: material.caCertPem,
    serverName: material.serverName,
    mode: 'pki' as const,
  };
  if (input.cluster)
    checks.push(
      fromProbe('tls-cluster', await probeClusterTls({...tls, host: input.cluster.host, port: input.cluster.port})),
    );
  if (input.telemetry)
    checks.push(
      fromProbe(
        'tls-telemetry',
        await probeTelemetryTls({...tls, host: input.telemetry.host, port: input.telemetry.port}),
      ),
    );
  return {
    checks,
    serverName: material.serverName,
    caSource: material.sources.ca,
    dpCertSource: material.issued ? 'issued' : 'given',
  };
}
