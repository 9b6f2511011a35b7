// The data plane's (and control plane's) log lines of the common hybrid-mode failures, mapped to a title,
// an explanation and a fix (the failure table of the Kong reference, section 5).

export interface LogDiagnosis {
  id: string;
  title: string;
  explanation: string;
  fix: string;
}

interface Rule extends LogDiagnosis {
  pattern: RegExp;
}

const RULES: Rule[] = [
  {
    id: 'dns',
    pattern: /DNS resolution failed|could not be resolved|name error/i,
    title: 'The control plane hostname does not resolve inside the cluster',
    explanation:
      'The data plane cannot resolve cluster_control_plane: a new load balancer name not yet published, a typo, or a scheme (https://) left in the value.',
    fix: 'Check the value is host:port without scheme, wait for the NLB name to resolve, and check CoreDNS/node resolvers on the EKS Anywhere cluster.',
  },
  {
    id: 'refused',
    pattern: /failed to connect: connection refused/i,
    title: 'Nothing listens at the control plane endpoint',
    explanation:
      'The TCP connection was refused: the control plane is down, the port is wrong, or its cluster listener is disabled.',
    fix: 'Check the endpoint port (8005 / 8006), the control plane pods, and cluster.tls.enabled in its values.',
  },
  {
    id: 'timeout',
    pattern: /broken: (failed to connect: )?timeout|failed to connect: timeout/i,
    title: 'The control plane endpoint does not answer',
    explanation:
      "Packets are dropped on the way: an internal load balancer, a security group or NACL, or the site's egress firewall.",
    fix: 'Make the cluster/telemetry load balancers internet-facing (or route to them), open egress to 8005/8006, or use cluster_use_proxy.',
  },
  {
    id: 'self-signed',
    pattern: /ssl handshake failed: 18: self.signed certificate/i,
    title: 'The data plane trusts a different certificate than the control plane presents',
    explanation: 'In shared mode both sides must hold the same cluster certificate; the secrets differ.',
    fix: "Copy the control plane's cluster certificate secret again (byte-identical) and restart the data plane pods.",
  },
  {
    id: 'host-mismatch',
    pattern: /certificate host mismatch/i,
    title: 'The control plane certificate does not name kong_clustering',
    explanation: 'Shared mode checks the name kong_clustering on the certificate (pki mode: cluster_server_name).',
    fix: 'Use a cluster certificate with CN=kong_clustering and no DNS SAN without it; in pki mode set cluster_server_name to a name in the CP certificate.',
  },
  {
    id: 'digest-mismatch',
    pattern: /incorrect client certificate|digest does not match/i,
    title: 'The control plane rejected the data plane certificate',
    explanation:
      'The control plane compares the digest of the client certificate with its own: the two certificates differ (for example the CP certificate was regenerated).',
    fix: 'Copy the current control plane cluster certificate secret to the data plane namespace and restart the data plane pods.',
  },
  {
    id: 'version',
    pattern: /is incompatible with (older )?control plane version/i,
    title: 'The data plane version is not accepted by the control plane',
    explanation: 'A data plane may not be a newer minor or another major than its control plane.',
    fix: 'Set the image tag to the control plane version (GET / "version") and helm upgrade the data plane.',
  },
  {
    id: 'plugin-missing',
    pattern: /plugin .*is missing from data plane/i,
    title: 'A plugin configured on the control plane is missing on the data plane',
    explanation: 'The control plane stops sending configuration to a data plane that lacks a configured plugin.',
    fix: 'Use a data plane image with the same (custom) plugins, or remove the plugin from the configuration.',
  },
  {
    id: 'cert-missing',
    pattern: /cluster certificate and key must be provided|cluster_cert(_key)?: failed loading/i,
    title: 'The data plane cannot load the cluster certificate',
    explanation:
      'The certificate secret is missing in the data plane namespace, has another name, or is not listed in secretVolumes.',
    fix: 'Create the cluster certificate secret in the data plane namespace before installing, with the name used in secretVolumes.',
  },
  {
    id: 'database',
    pattern: /only in-memory storage can be used when role = "data_plane"/i,
    title: 'The data plane is configured with a database',
    explanation: 'Data planes run DB-less.',
    fix: 'Set env.database: "off" in the data plane values and helm upgrade.',
  },
  {
    id: 'telemetry-listen',
    pattern: /cluster_telemetry_listen must be specified/i,
    title: 'The Enterprise control plane has no telemetry listener',
    explanation: 'An Enterprise control plane refuses to start without cluster_telemetry_listen.',
    fix: 'Enable clustertelemetry (with tls) in the control plane values.',
  },
  {
    id: 'empty-config',
    pattern: /empty configuration present|configuration hash is not initialized/i,
    title: 'The data plane has no configuration yet',
    explanation:
      'The readiness probe fails until the data plane receives a non-empty configuration from the control plane.',
    fix: 'If the control plane holds no entities, create the httpbin Service and Route (smoke test) so a configuration is pushed.',
  },
];

/** The diagnosis of one log line, or null when it is not a known failure. */
export function matchDpLogLine(line: string): LogDiagnosis | null {
  const rule = RULES.find(r => r.pattern.test(line));
  if (!rule) return null;
  const {pattern: _pattern, ...diagnosis} = rule;
  return diagnosis;
}

/** Distinct diagnoses of a log, in order of first appearance, each with the first line that showed it. */
export function diagnoseDpLog(text: string): Array<LogDiagnosis & {line: string}> {
  const seen = new Map<string, LogDiagnosis & {line: string}>();
  for (const line of text.split('\n')) {
    const diagnosis = matchDpLogLine(line);
    if (diagnosis && !seen.has(diagnosis.id)) seen.set(diagnosis.id, {...diagnosis, line: line.trim().slice(0, 300)});
  }
  return [...seen.values()];
}
