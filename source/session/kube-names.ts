// What Kubernetes, helm and kubeconfig accept for the names an answers file gives. These values end up
// in commands, kubeconfig lookups and YAML, so anything else is refused up front with the key named.
import * as z from 'zod';
import {isIpv4} from '../net/ipv4.js';

// k8s.io/apimachinery/pkg/util/validation: IsDNS1123Label (namespaces) and IsDNS1123Subdomain (secrets).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// helm pkg/chartutil/validate_name.go: releaseNameRegex and maxReleaseNameLen = 53.
const HELM_RELEASE_MAX = 53;
// C0 controls, DEL and C1 controls (ESC, BEL, CR, newline... and the 8-bit CSI).

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function hasControlCharacter(value: string): boolean {
  return CONTROL.test(value);
}

export const namespaceName = z
  .string()
  .max(63, 'a Kubernetes namespace has at most 63 characters')
  .regex(
    DNS1123_LABEL,
    'a Kubernetes namespace is lowercase letters, digits and "-", starting and ending with a letter or digit',
  );

export const secretName = z
  .string()
  .max(253, 'a Kubernetes secret name has at most 253 characters')
  .regex(
    DNS1123_SUBDOMAIN,
    'a Kubernetes secret name is lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
  );

export const helmReleaseName = z
  .string()
  .max(HELM_RELEASE_MAX, `a helm release name has at most ${HELM_RELEASE_MAX} characters`)
  .regex(
    DNS1123_SUBDOMAIN,
    'a helm release name is lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
  );

/** A kubeconfig context: any text kubectl can be given as one argument, so no control characters and no leading "-". */
export const contextName = z
  .string()
  .min(1)
  .max(253, 'a kubeconfig context name here has at most 253 characters')
  .refine(v => !hasControlCharacter(v), 'a kubeconfig context name cannot contain control characters (newline, ESC...)')
  .refine(v => !v.startsWith('-'), 'a kubeconfig context name cannot start with "-"');

/** A file path given to a tool or read by us: one line, and not something a tool could read as a flag. */
export const pathText = z
  .string()
  .max(4096, 'a path has at most 4096 characters')
  .refine(v => !hasControlCharacter(v), 'a path cannot contain control characters (newline, ESC...)')
  .refine(v => !v.startsWith('-'), 'a path cannot start with "-"; write ./ before it');

/** A network interface name as Linux accepts it (IFNAMSIZ 16 with the NUL; no "/", ":" or spaces). */
export const interfaceName = z
  .string()
  .regex(
    /^[A-Za-z0-9_.@][A-Za-z0-9_.@-]{0,14}$/,
    'a network interface name is at most 15 letters, digits, "_", ".", "@" or "-", not starting with "-"',
  );

export const ipv4Text = z.string().refine(isIpv4, 'an IPv4 address such as 10.0.0.5');

/** Free text that is shown or written on one line (a label, a URL): no control characters. */
export const lineText = z
  .string()
  .max(4096, 'at most 4096 characters')
  .refine(v => !hasControlCharacter(v), 'cannot contain control characters (newline, ESC...)');

/** The name of an environment variable (POSIX portable names). */
export const envVarName = z
  .string()
  .max(255, 'an environment variable name here has at most 255 characters')
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'an environment variable name is letters, digits and "_", not starting with a digit',
  );
