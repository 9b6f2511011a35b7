// Version skew between control plane and data plane (Kong's check_kong_version_compatibility): same major,
// DP minor not newer than the CP's; an older DP minor or any patch difference is accepted.

export const DEFAULT_DP_REPOSITORY = 'kong/kong-gateway';

export interface KongVersion {
  major: number;
  minor: number;
  /** Remaining numeric parts (patch, EE build), possibly empty. */
  rest: number[];
  text: string;
}

/** Parses "3.9.1.2", "3.9", "3.10.0.0-enterprise-edition"; null when it does not start with major.minor. */
export function parseKongVersion(text: string): KongVersion | null {
  const match = /^v?(\d+)\.(\d+)((?:\.\d+)*)/.exec(text.trim());
  if (!match) return null;
  const rest = (match[3] ?? '').split('.').filter(Boolean).map(Number);
  return {major: Number(match[1]), minor: Number(match[2]), rest, text: text.trim()};
}

export type SkewVerdict = 'same' | 'accepted' | 'rejected' | 'unknown';

export interface SkewCheck {
  verdict: SkewVerdict;
  /** Whether the CP will let this DP connect (unknown counts as not ok). */
  ok: boolean;
  explanation: string;
  /** What the CP would log when it refuses, as in section 4.6 of the reference. */
  cpLogLine?: string;
  fix?: string;
}

/** Checks a proposed DP version or image tag against the CP version from GET /. */
export function checkVersionSkew(cpVersionText: string, dpTag: string): SkewCheck {
  const cp = parseKongVersion(cpVersionText);
  if (!cp) {
    return {
      verdict: 'unknown',
      ok: false,
      explanation: `The control plane version "${cpVersionText}" cannot be read.`,
      fix: 'Read it from GET / on the control plane Admin API (field "version").',
    };
  }
  const dp = parseKongVersion(dpTag);
  if (!dp) {
    return {
      verdict: 'unknown',
      ok: false,
      explanation: `The data plane tag "${dpTag}" is not a version, so its skew against ${cp.text} cannot be checked (a moving tag may become a newer minor).`,
      fix: `Pin the image to the control plane version: ${DEFAULT_DP_REPOSITORY}:${cp.text}.`,
    };
  }
  if (dp.major !== cp.major) {
    return {
      verdict: 'rejected',
      ok: false,
      explanation: `Major versions differ (DP ${dp.major}, CP ${cp.major}): the control plane refuses the connection.`,
      cpLogLine: `data plane version ${dp.text} is incompatible with control plane version ${cp.text} (${cp.major}.x.y are accepted)`,
      fix: `Use ${DEFAULT_DP_REPOSITORY}:${cp.text}.`,
    };
  }
  if (dp.minor > cp.minor) {
    return {
      verdict: 'rejected',
      ok: false,
      explanation: `The data plane (${dp.major}.${dp.minor}) is a newer minor than the control plane (${cp.major}.${cp.minor}): it is refused; upgrade the control plane first.`,
      cpLogLine: `data plane version ${dp.text} is incompatible with older control plane version ${cp.text}`,
      fix: `Use ${DEFAULT_DP_REPOSITORY}:${cp.text}.`,
    };
  }
  if (dp.minor < cp.minor) {
    return {
      verdict: 'accepted',
      ok: true,
      explanation: `An older data plane minor (${dp.major}.${dp.minor} under a ${cp.major}.${cp.minor} control plane) is accepted, but configuration that needs newer features may not reach it.`,
      fix: `Prefer ${DEFAULT_DP_REPOSITORY}:${cp.text}.`,
    };
  }
  const floating = dp.rest.length === 0;
  if (compareRest(dp.rest, cp.rest) === 0 && !floating) {
    return {verdict: 'same', ok: true, explanation: `Same version as the control plane (${cp.text}).`};
  }
  return {
    verdict: 'accepted',
    ok: true,
    explanation: floating
      ? `Same minor (${dp.major}.${dp.minor}); the tag floats over patch releases, which is accepted but not reproducible.`
      : `Same minor with a different patch (${dp.text} vs ${cp.text}): accepted.`,
    ...(floating ? {fix: `Pin the exact version: ${DEFAULT_DP_REPOSITORY}:${cp.text}.`} : {}),
  };
}

function compareRest(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The DP image for a CP version: the same version of kong/kong-gateway. */
export function dpImageFor(cpVersion: string, repository = DEFAULT_DP_REPOSITORY): {repository: string; tag: string} {
  const parsed = parseKongVersion(cpVersion);
  // GET / may print an edition suffix; the image tags are the bare dotted version.
  const tag = parsed ? [parsed.major, parsed.minor, ...parsed.rest].join('.') : cpVersion.trim();
  return {repository, tag};
}

/** Splits "registry:5000/kong/kong-gateway:3.9.1.2" into repository and tag (tag undefined when absent). */
export function splitImage(image: string): {repository: string; tag?: string} {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return {repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1)};
  return {repository: withoutDigest};
}

/** The rule of the reference as rows, for a help screen: what the CP does with each kind of DP version. */
export const VERSION_SKEW_TABLE: ReadonlyArray<{dp: string; cp: string; result: 'accepted' | 'rejected'; why: string}> =
  [
    {dp: 'same version', cp: 'X.Y.Z', result: 'accepted', why: 'recommended: DP image tag = CP version'},
    {dp: 'X.Y, other patch', cp: 'X.Y.Z', result: 'accepted', why: 'patch releases are compatible'},
    {
      dp: 'X.(Y-1) or older minor',
      cp: 'X.Y.Z',
      result: 'accepted',
      why: 'older minors connect; newer config may not apply',
    },
    {
      dp: 'X.(Y+1) or newer minor',
      cp: 'X.Y.Z',
      result: 'rejected',
      why: 'kong_version_incompatible: upgrade the CP first',
    },
    {dp: 'other major', cp: 'X.Y.Z', result: 'rejected', why: 'kong_version_incompatible'},
  ];
