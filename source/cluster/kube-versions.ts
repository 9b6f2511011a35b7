// Kubernetes versions of the EKS Anywhere release the wizard follows, and their support windows.
// Copied from aws/eks-anywhere docs/data/version_support.yml (v0.26 line); eksctl v0.22+ decides
// "extended support" when it runs, by comparing today with endOfStandardSupport
// (pkg/validations/extendedversion.go). A test checks this table against that file; refresh both
// together (README: "Which EKS Anywhere release").

export const EKSA_RELEASE = 'v0.26';

/** Newest first. */
export const KUBERNETES_VERSIONS = ['1.36', '1.35', '1.34', '1.33', '1.32', '1.31', '1.30'] as const;
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/** The CLI's own default (GetClusterDefaultKubernetesVersion): the newest. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = KUBERNETES_VERSIONS[0];

export interface SupportWindow {
  /** Last day of standard support (inclusive, UTC). */
  endOfStandardSupport: string;
  /** Last day of extended support (inclusive, UTC). */
  endOfExtendedSupport: string;
}

/** version_support.yml `kube:` entries for the versions above. */
export const SUPPORT_WINDOWS: Readonly<Record<KubernetesVersion, SupportWindow>> = {
  '1.36': {endOfStandardSupport: '2027-08-31', endOfExtendedSupport: '2028-08-31'},
  '1.35': {endOfStandardSupport: '2027-04-30', endOfExtendedSupport: '2028-04-30'},
  '1.34': {endOfStandardSupport: '2026-12-31', endOfExtendedSupport: '2027-12-31'},
  '1.33': {endOfStandardSupport: '2026-08-31', endOfExtendedSupport: '2027-08-31'},
  '1.32': {endOfStandardSupport: '2026-04-30', endOfExtendedSupport: '2027-04-30'},
  '1.31': {endOfStandardSupport: '2025-12-31', endOfExtendedSupport: '2026-12-31'},
  '1.30': {endOfStandardSupport: '2025-08-31', endOfExtendedSupport: '2026-08-31'},
};

export function isSupportedKubernetesVersion(value: string): value is KubernetesVersion {
  return (KUBERNETES_VERSIONS as readonly string[]).includes(value);
}

const DAY_MS = 86_400_000;

/** Midnight UTC after the given day: the first instant past it. */
function dayAfter(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) + DAY_MS;
}

export type SupportPhase = 'standard' | 'extended' | 'ended';

/**
 * Where a version stands at `now`. eksctl compares today's date with the end date
 * (`today.After(endOfStandardSupport)`), so the last day itself is still standard support.
 */
export function supportPhase(version: KubernetesVersion, now: number): SupportPhase {
  const w = SUPPORT_WINDOWS[version];
  if (now >= dayAfter(w.endOfExtendedSupport)) return 'ended';
  if (now >= dayAfter(w.endOfStandardSupport)) return 'extended';
  return 'standard';
}

export function needsLicenseToken(version: string, now: number): boolean {
  return isSupportedKubernetesVersion(version) && supportPhase(version, now) !== 'standard';
}

/** One line for the version picker: what support the version has today and until when. */
export function supportLabel(version: KubernetesVersion, now: number): string {
  const w = SUPPORT_WINDOWS[version];
  switch (supportPhase(version, now)) {
    case 'standard':
      return `standard support until ${w.endOfStandardSupport}`;
    case 'extended':
      return `extended until ${w.endOfExtendedSupport}, needs licence token`;
    case 'ended':
      return `support ended ${w.endOfExtendedSupport}`;
  }
}
