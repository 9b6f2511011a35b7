// Validates a hardware.csv text: EKS Anywhere's parsing and rules, plus our stricter ones (mode 'strict').
// Every finding names the file line, the column and the value, so the admin can go straight to it.
import {q} from './show.js';
import {BMC_COLUMNS, COLUMNS, isColumn, REQUIRED_COLUMNS, shownValue, type Column} from './columns.js';
import {readCsvRecords, type CsvRecord} from './csv-reader.js';
import {parseLabels} from './labels.js';
import {normalizeMac} from '../net/mac.js';
import {checkCell, checkSubnet, labelIssues, NAMESERVER_SEPARATOR, uniqueKey, type UniqueColumn} from './rules.js';
import type {HardwareFinding, HardwareRow, Issue, RuleMode, ValidationResult} from './types.js';

export interface ValidateOptions {
  mode?: RuleMode;
}

const BOM = '\ufeff';

class Findings {
  readonly errors: HardwareFinding[] = [];
  readonly warnings: HardwareFinding[] = [];
  add(level: Issue['level'], line: number | null, column: string | null, value: string | null, message: string) {
    const finding = {line, column, value: shownValue(column, value), message};
    (level === 'error' ? this.errors : this.warnings).push(finding);
  }
}

/** File-level first, then by line, then in the order of the file's columns. */
function findingOrder(columns: readonly string[]): (a: HardwareFinding, b: HardwareFinding) => number {
  const position = new Map(columns.map((c, i) => [c, i] as const));
  const at = (f: HardwareFinding) => (f.column === null ? -1 : (position.get(f.column) ?? columns.length));
  return (a, b) => (a.line ?? 0) - (b.line ?? 0) || at(a) - at(b);
}

export function validateHardwareCsv(text: string, options: ValidateOptions = {}): ValidationResult {
  const mode = options.mode ?? 'strict';
  const out = new Findings();
  const rows: HardwareRow[] = [];
  let names: string[] = [];
  const result = (): ValidationResult => {
    out.errors.sort(findingOrder(names));
    out.warnings.sort(findingOrder(names));
    return {valid: out.errors.length === 0, machines: rows.length, errors: out.errors, warnings: out.warnings, rows};
  };

  if (text.length === 0) {
    out.add('error', null, null, null, `the file is empty; it needs a header line naming at least ${REQUIRED_COLUMNS.join(',')}`);
    return result();
  }
  const {records, error: syntax} = readCsvRecords(text);
  const header = records[0];
  const reportSyntax = (headerNames: readonly string[] | null) => {
    if (!syntax) return;
    const column = headerNames && syntax.line > (header?.line ?? 0) ? (headerNames[syntax.field] ?? null) : null;
    const what =
      syntax.kind === 'bare-quote'
        ? 'a " inside a value that does not start with a quote; quote the whole value and double the quote inside it, e.g. "pa""ss"'
        : 'a quoted value is not closed, or text follows its closing quote; inside quotes write a quote as ""';
    out.add('error', syntax.line, column, null, `${what}. EKS Anywhere stops reading here; later lines were not checked`);
  };

  if (!header) {
    if (syntax) reportSyntax(null);
    else out.add('error', null, null, null, 'the file has only blank lines; it needs a header line and one line per machine');
    return result();
  }

  // Header: names matched exactly; the last of duplicate names wins, as in EKS Anywhere.
  names = header.fields.slice();
  if (text.startsWith(BOM) && names[0]?.startsWith(BOM)) {
    names[0] = names[0].slice(BOM.length);
    out.add(
      'error',
      header.line,
      names[0],
      null,
      `the file starts with a UTF-8 byte order mark (BOM), which EKS Anywhere keeps as part of the first column's name, so it does not find ${q(names[0])}; save it as CSV without BOM`,
    );
  }
  const index = new Map<Column, number>();
  names.forEach((name, i) => {
    if (!isColumn(name)) return;
    if (index.has(name) && mode === 'strict') {
      out.add('warning', header.line, name, null, `column ${q(name)} appears more than once; EKS Anywhere uses the last one`);
    }
    index.set(name, i);
  });
  const nearMisses = new Set<string>();
  for (const column of REQUIRED_COLUMNS) {
    if (index.has(column)) continue;
    const near = names.find(n => n.trim().toLowerCase() === column);
    if (near !== undefined) nearMisses.add(near);
    const hint = near !== undefined ? `; found ${q(near)}, but names must match exactly (lowercase, no spaces)` : '';
    out.add('error', header.line, column, null, `required column ${q(column)} is missing from the header${hint}`);
  }
  if (mode === 'strict') {
    for (const name of names) {
      if (!isColumn(name) && !nearMisses.has(name)) {
        out.add('warning', header.line, name, null, `unknown column ${q(name)} is ignored by EKS Anywhere`);
      }
    }
    const bmcPresent = BMC_COLUMNS.filter(c => index.has(c));
    if (bmcPresent.length > 0 && bmcPresent.length < BMC_COLUMNS.length) {
      const missing = BMC_COLUMNS.filter(c => !index.has(c)).join(', ');
      out.add('error', header.line, null, null, `the header has ${bmcPresent.join(', ')} but not ${missing}; give all three BMC columns or none`);
    }
  }

  const seen = new Uniqueness(mode, out);
  for (const record of records.slice(1)) {
    if (record.fields.length !== names.length) {
      out.add(
        'error',
        record.line,
        null,
        null,
        `this row has ${record.fields.length} fields but the header has ${names.length}; a value containing a comma must be quoted`,
      );
      continue;
    }
    rows.push(checkRow(record, index, mode, out, seen));
  }
  reportSyntax(names);
  if (records.length === 1 && !syntax) {
    out.add('error', null, null, null, 'the file has a header but no machines; add one line per machine');
  }
  seen.crossCheck();
  return result();
}

function checkRow(
  record: CsvRecord,
  index: ReadonlyMap<Column, number>,
  mode: RuleMode,
  out: Findings,
  seen: Uniqueness,
): HardwareRow {
  const value = (c: Column): string | undefined => {
    const i = index.get(c);
    return i === undefined ? undefined : record.fields[i];
  };
  const lineOf = (c: Column): number => record.fieldLines[index.get(c) ?? 0] ?? record.line;
  const hasBmc = BMC_COLUMNS.some(c => (value(c) ?? '') !== '');
  const failed = new Set<Column>();
  const labelsCell = value('labels');
  const labels = labelsCell === undefined ? undefined : parseLabels(labelsCell, mode);
  for (const column of COLUMNS) {
    const v = value(column);
    if (v === undefined) continue;
    const issues = column === 'labels' && labels ? labelIssues(labels, mode) : checkCell(column, v, {mode, hasBmc});
    for (const issue of issues) {
      if (issue.level === 'error') failed.add(column);
      out.add(issue.level, lineOf(column), column, v, issue.message);
    }
  }
  const ip = value('ip_address');
  const netmask = value('netmask');
  const gateway = value('gateway');
  if (mode === 'strict' && ip !== undefined && netmask !== undefined && gateway !== undefined) {
    if (!failed.has('ip_address') && !failed.has('netmask') && !failed.has('gateway')) {
      const issue = checkSubnet(ip, netmask, gateway);
      if (issue) out.add(issue.level, lineOf('ip_address'), 'ip_address', ip, issue.message);
    }
  }

  const mac = value('mac') ?? '';
  const row: HardwareRow = {
    hostname: value('hostname') ?? '',
    ipAddress: ip ?? '',
    netmask: netmask ?? '',
    gateway: gateway ?? '',
    nameservers: (value('nameservers') ?? '') === '' ? [] : value('nameservers')!.split(NAMESERVER_SEPARATOR),
    mac: normalizeMac(mac) ?? mac.toLowerCase(),
    disk: value('disk') ?? '',
    labels: labels?.labels ?? {},
    line: record.line,
  };
  if (hasBmc) row.bmc = {ip: value('bmc_ip') ?? '', username: value('bmc_username') ?? '', password: value('bmc_password') ?? ''};
  const vlan = value('vlan_id');
  if (vlan !== undefined && vlan !== '') row.vlanId = vlan;

  seen.add('ip_address', row.ipAddress, lineOf('ip_address'));
  seen.add('mac', mac, lineOf('mac'));
  seen.add('hostname', row.hostname, lineOf('hostname'));
  if (row.bmc) seen.add('bmc_ip', row.bmc.ip, lineOf('bmc_ip'));
  return row;
}

/** Duplicate detection across rows in one pass: first occurrence by key, reported on the later line. */
class Uniqueness {
  private readonly first = new Map<UniqueColumn, Map<string, number>>();
  private readonly bmcIps: {key: string; line: number}[] = [];
  constructor(
    private readonly mode: RuleMode,
    private readonly out: Findings,
  ) {
    for (const c of ['ip_address', 'mac', 'hostname', 'bmc_ip'] as const) this.first.set(c, new Map());
  }

  add(column: UniqueColumn, shown: string, line: number) {
    const key = uniqueKey(column, shown, this.mode);
    if (key === '') return;
    const seen = this.first.get(column)!;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      this.out.add('error', line, column, shown, `duplicate ${column} ${q(shown)}: line ${earlier} has it too`);
    } else {
      seen.set(key, line);
    }
    if (column === 'bmc_ip') this.bmcIps.push({key, line});
  }

  /** Ours: a node's address must not be some machine's BMC address. */
  crossCheck() {
    if (this.mode !== 'strict') return;
    const hosts = this.first.get('ip_address')!;
    const reported = new Set<string>();
    for (const {key, line} of this.bmcIps) {
      const hostLine = hosts.get(key);
      if (hostLine === undefined || reported.has(key)) continue;
      reported.add(key);
      if (line >= hostLine) {
        this.out.add('error', line, 'bmc_ip', key, `bmc_ip ${q(key)} is also the ip_address on line ${hostLine}`);
      } else {
        this.out.add('error', hostLine, 'ip_address', key, `ip_address ${q(key)} is also the bmc_ip on line ${line}`);
      }
    }
  }
}
