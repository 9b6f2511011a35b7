// Checks one field while the admin types, with the same rules as the file validator.
import {q} from './show.js';
import {BMC_COLUMNS, type Column} from './columns.js';
import {checkCell, checkSubnet, uniqueKey, type UniqueColumn} from './rules.js';
import type {Issue, RuleMode} from './types.js';

export interface FieldContext {
  mode?: RuleMode;
  /** The other cells of the same machine, for rules that look at more than one (BMC, subnet). */
  row?: Partial<Record<Column, string>>;
  /** Values other machines already use, for the uniqueness rules. */
  taken?: Partial<Record<UniqueColumn, Iterable<string>>>;
}

function isUniqueColumn(c: Column): c is UniqueColumn {
  return c === 'ip_address' || c === 'mac' || c === 'hostname' || c === 'bmc_ip';
}

/** Every issue of the field (errors first), as the file validator would report them for this cell. */
export function checkField(column: Column, value: string, context: FieldContext = {}): Issue[] {
  const mode = context.mode ?? 'strict';
  const row: Partial<Record<Column, string>> = {...context.row, [column]: value};
  const hasBmc = BMC_COLUMNS.some(c => (row[c] ?? '') !== '');
  const issues = checkCell(column, value, {mode, hasBmc});
  if (issues.some(i => i.level === 'error')) return issues;

  if (mode === 'strict' && (column === 'ip_address' || column === 'netmask' || column === 'gateway')) {
    const {ip_address: ip, netmask, gateway} = row;
    if (ip !== undefined && netmask !== undefined && gateway !== undefined) {
      const issue = checkSubnet(ip, netmask, gateway);
      if (issue) issues.unshift(issue);
    }
  }
  if (isUniqueColumn(column)) {
    const key = uniqueKey(column, value, mode);
    const clash = (c: UniqueColumn) => {
      for (const other of context.taken?.[c] ?? []) if (uniqueKey(c, other, mode) === key) return true;
      return false;
    };
    if (key !== '' && clash(column))
      issues.unshift({level: 'error', message: `${q(value)} is already used by another machine`});
    // Ours: a node address and a BMC address must never be the same.
    const cross = column === 'ip_address' ? 'bmc_ip' : column === 'bmc_ip' ? 'ip_address' : null;
    const sameRow = cross !== null && row[cross] !== undefined && uniqueKey(cross, row[cross], mode) === key;
    if (mode === 'strict' && key !== '' && cross && (sameRow || clash(cross))) {
      issues.unshift({level: 'error', message: `${q(value)} is already used as a ${cross} of a machine`});
    }
  }
  return issues;
}

/** The first error of the field, or null when the value may be kept. */
export function validateField(column: Column, value: string, context: FieldContext = {}): string | null {
  return checkField(column, value, context).find(i => i.level === 'error')?.message ?? null;
}
