// What the simulated AWS and eksctl refuse when the demo's stand-in runs `eksctl create cluster` for the
// Kong control plane's EKS cluster (issue 10), with the real tools' words:
// - the name: eksctl pkg/apis/eksctl.io/v1alpha5/validation.go ErrInvalidName
//   ("validation for <name> failed, name must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*");
// - the region: pkg/ctl/cmdutils ErrUnsupportedRegion ("--region=<r> is not supported - use one of: ...");
// - the version: "invalid version, supported values: ..." (eksctl-io/eksctl#5275);
// - a cluster of that name already there: CloudFormation's AlreadyExistsException for eksctl-<name>-cluster
//   (eksctl-io/eksctl#4662), printed after "building cluster stack".
import {regionProblem} from '../../steps/control-plane/eks-cluster.js';

export interface EksRecord {
  region: string;
  version: string;
  /** Clock ms when AWS finishes creating it (it goes on when eksctl is killed). */
  readyAt: number;
}

/** Kubernetes versions the simulated eksctl/EKS offer (EKS standard support at the demo's date). */
export const DEMO_EKS_VERSIONS = ['1.30', '1.31', '1.32', '1.33', '1.34'];

export function checkEksCreate(
  b: Record<string, unknown>,
  records: Readonly<Record<string, EksRecord>>,
): {error: string; lines?: string[]} | undefined {
  const name = String(b['name'] ?? '');
  const region = String(b['region'] ?? '');
  const version = String(b['version'] ?? '');
  if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name))
    return {
      error: `validation for ${name} failed, name must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
    };
  const badRegion = regionProblem(region);
  if (badRegion) return {error: badRegion};
  if (!DEMO_EKS_VERSIONS.includes(version))
    return {error: `invalid version, supported values: ${DEMO_EKS_VERSIONS.join(', ')}`};
  if (records[name]) {
    const stack = `eksctl-${name}-cluster`;
    return {
      lines: [
        `[ℹ]  building cluster stack "${stack}"`,
        `[!]  1 error(s) occurred and cluster hasn't been created properly, you may wish to check CloudFormation console`,
        `[ℹ]  to cleanup resources, run 'eksctl delete cluster --region=${region} --name=${name}'`,
        `[✖]  creating CloudFormation stack "${stack}": AlreadyExistsException: Stack [${stack}] already exists`,
      ],
      error: `failed to create cluster "${name}"`,
    };
  }
  return undefined;
}
