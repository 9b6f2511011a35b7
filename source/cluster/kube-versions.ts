// Kubernetes versions of the newest EKS Anywhere release (v0.26, docs/data/version_support.yml).
// Update together with the release the wizard targets.

/** Newest first. */
export const KUBERNETES_VERSIONS = ['1.36', '1.35', '1.34', '1.33', '1.32', '1.31', '1.30'] as const;
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/** The CLI's own default (GetClusterDefaultKubernetesVersion): the newest. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = KUBERNETES_VERSIONS[0];

/** Versions past standard support at the release need an extended-support license (EKSA_LICENSE). */
export const EXTENDED_SUPPORT_VERSIONS: readonly string[] = ['1.32', '1.31', '1.30'];

export function isSupportedKubernetesVersion(value: string): value is KubernetesVersion {
  return (KUBERNETES_VERSIONS as readonly string[]).includes(value);
}
