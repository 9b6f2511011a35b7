// The labels column: key=value pairs separated by "|", each key and value trimmed, checked with the
// Kubernetes label rules (a qualified-name key, a value of at most 63 characters).
import {q} from './show.js';
import type {Issue, RuleMode} from './types.js';

export const LABEL_SEPARATOR = '|';

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface ParsedLabels {
  labels: Record<string, string>;
  issues: Issue[];
}

/** Why a label key is not a Kubernetes qualified name, or null when it is one. */
export function labelKeyProblem(key: string): string | null {
  const slash = key.indexOf('/');
  if (slash !== -1 && key.indexOf('/', slash + 1) !== -1) return 'it may contain at most one "/"';
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix === '') return 'the prefix before "/" is empty';
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      return 'the prefix before "/" must be a lowercase DNS name such as example.com';
    }
  }
  if (name === '') return 'the name is empty';
  if (name.length > 63) return 'the name is longer than 63 characters';
  if (!NAME.test(name)) {
    return 'the name may only hold letters, digits, "-", "_" and ".", and must start and end with a letter or digit';
  }
  return null;
}

export function labelValueProblem(value: string): string | null {
  if (value.length > 63) return 'it is longer than 63 characters';
  if (!VALUE.test(value)) {
    return 'it may only hold letters, digits, "-", "_" and ".", must start and end with a letter or digit, or be empty';
  }
  return null;
}

/** Parses a labels cell; problems come back as issues so the caller can place them. */
export function parseLabels(cell: string, mode: RuleMode = 'strict'): ParsedLabels {
  const labels: Record<string, string> = {};
  const issues: Issue[] = [];
  if (cell === '') return {labels, issues};
  const seen = new Set<string>();
  for (const pair of cell.split(LABEL_SEPARATOR)) {
    const kv = pair.trim().split('=');
    if (kv.length !== 2) {
      issues.push({
        level: 'error',
        message: `labels: ${q(pair)} is not a key=value pair (separate several with "|", e.g. type=cp|rack=r1)`,
      });
      continue;
    }
    const key = kv[0]!.trim();
    const value = kv[1]!.trim();
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) {
      issues.push({level: 'error', message: `label key ${q(key)} is not valid: ${keyProblem}`});
      continue;
    }
    const valueProblem = labelValueProblem(value);
    if (valueProblem) {
      issues.push({level: 'error', message: `label value ${q(value)} of key ${q(key)} is not valid: ${valueProblem}`});
      continue;
    }
    if (mode === 'strict' && seen.has(key)) {
      issues.push({level: 'warning', message: `label key ${q(key)} is given twice; EKS Anywhere keeps the last value`});
    }
    seen.add(key);
    labels[key] = value;
  }
  return {labels, issues};
}

/** type first (it is what the cluster's selectors match), then the others by key. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort((a, b) => (a === 'type' ? -1 : b === 'type' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return keys.map(k => `${k}=${labels[k]}`).join(LABEL_SEPARATOR);
}
