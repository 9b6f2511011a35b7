// Validates a hardware.csv text: EKS Anywhere's parsing and rules, plus our stricter ones (mode 'strict').
// Every finding names the file line, the column and the value, so the admin can go straight to it.
import {q} from './show.js';
import {BMC_COLUMNS, COLUMNS, isColumn, REQUIRED_COLUMNS, shownValue, type Column} from './columns.js';
import {readCsvRecords, type CsvRecord} from './csv-reader.js';
import {parseLabels} from './labels.js';
import {normalizeMac} from '../net/mac.js';
import {
  checkCell,
  checkSubnet,
  labelIssues,
  NAMESERVER_SEPARATOR,
  ours,
  uniqueKey,
  type UniqueColumn,
} from './rules.js';
import type {HardwareFinding, HardwareRow, Issue, RuleMode, ValidationResult} from './types.js';

export interface ValidateOptions {
  mode?: RuleMode;
}

const BOM = '\ufeff';

// Go's unicode.IsSpace (White_Space): unlike JavaScript's trim(), it keeps U+FEFF, so a BOM stays.
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'g');

/** strings.TrimSpace as Go does it. */
export function goTrimSpace(s: string): string {
  return s.replace(GO_TRIM, '');
}

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
    out.add(
      'error',
      null,
      null,
      null,
      `the file is empty; it needs a header line naming at least ${REQUIRED_COLUMNS.join(',')}`,
    );
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
    out.add(
      'error',
      syntax.line,
      column,
      null,
      `${what}. EKS Anywhere stops reading here; later lines were not checked`,
    );
  };

  if (!header) {
    if (syntax) reportSyntax(null);
    else
      out.add(
        'error',
        null,
        null,
        null,
        'the file has only blank lines; it needs a header line and one line per machine',
      );
    return result();
  }
  // A lone CR is data to Go's encoding/csv (EKS Anywhere's reader), so a file with CR-only line ends
  // ("CSV (Macintosh)") is one header line whose cells are every value, passwords included: refuse it
  // in one message and show none of it.
  if (header.fields.some(f => f.includes('\r'))) {
    out.add(
      'error',
      null,
      null,
      null,
      ours(
        text.includes('\n')
          ? 'the header line holds a carriage return inside a cell; save the file with one kind of line end ("CSV UTF-8")'
          : "the lines of this file end with a carriage return only (Excel's \"CSV (Macintosh)\"); EKS Anywhere reads it as one header line and finds no machine. Save it as \"CSV UTF-8\" or convert it, e.g. tr '\\r' '\\n' < in.csv > out.csv",
      ),
    );
    return result();
  }

  // Header: names matched exactly; the last of duplicate names wins, as in EKS Anywhere.
  names = header.fields.slice();
  if (text.startsWith(BOM) && names[0]?.startsWith(BOM)) {
    names[0] = names[0].slice(BOM.length);
    // EKS Anywhere refuses it only when the first column is a required one given nowhere else.
    const first = names[0];
    const eksaRefuses = (REQUIRED_COLUMNS as readonly string[]).includes(first) && !names.slice(1).includes(first);
    const message = `the file starts with a UTF-8 byte order mark (BOM), which EKS Anywhere keeps as part of the first column's name`;
    out.add(
      'error',
      header.line,
      first,
      null,
      eksaRefuses
        ? `${message}, so it does not find ${q(first)}; save it as CSV without BOM`
        : ours(`${message}; save it as CSV without BOM`),
    );
  }
  // gocsv feeds a field from every header that equals its name once Go's TrimSpace is applied
  // (reflect.go matchesKey), while the required-columns check compares exact names (decode.go
  // mismatchStructFields). So ` vlan_id` is read as vlan_id, but ` mac` alone is "missing".
  const positions = new Map<Column, number[]>();
  const exact = new Set<string>();
  names.forEach((name, i) => {
    if (isColumn(name)) exact.add(name);
    const column = goTrimSpace(name);
    if (!isColumn(column)) return;
    positions.set(column, [...(positions.get(column) ?? []), i]);
  });
  const index = new Map<Column, number>();
  for (const [column, at] of positions) {
    if (!exact.has(column) && (REQUIRED_COLUMNS as readonly string[]).includes(column)) continue;
    index.set(column, at[at.length - 1]!);
    if (mode !== 'strict') continue;
    for (const i of at) {
      if (names[i] !== column) {
        out.add(
          'warning',
          header.line,
          column,
          null,
          `column ${q(names[i]!)} has spaces around its name; EKS Anywhere still reads it as ${q(column)}: remove the spaces`,
        );
      }
    }
    if (at.length > 1) {
      const how = column === 'nameservers' ? 'joins their values with "|"' : 'uses the last one';
      out.add('warning', header.line, column, null, `column ${q(column)} appears more than once; EKS Anywhere ${how}`);
    }
  }
  const joined = new Map<Column, number[]>();
  const ns = positions.get('nameservers');
  if (ns && ns.length > 1 && index.has('nameservers')) joined.set('nameservers', ns);
  const nearMisses = new Set<string>();
  for (const column of REQUIRED_COLUMNS) {
    if (index.has(column)) continue;
    const near = names.find(n => n.trim().toLowerCase() === column);
    if (near !== undefined) nearMisses.add(near);
    const hint = near !== undefined ? `; found ${q(near)}, but names must match exactly (lowercase, no spaces)` : '';
    out.add('error', header.line, column, null, `required column ${q(column)} is missing from the header${hint}`);
  }
  if (mode === 'strict') {
    // Shown by position only: a cell that is not a column name may be a value (a password) that a
    // broken header or line end moved into the header.
    names.forEach((name, i) => {
      if (!isColumn(name) && !nearMisses.has(name)) {
        out.add(
          'warning',
          header.line,
          null,
          null,
          `header field ${i + 1} is not a known column name and is ignored by EKS Anywhere (known: ${COLUMNS.join(',')})`,
        );
      }
    });
    const bmcPresent = BMC_COLUMNS.filter(c => index.has(c));
    if (bmcPresent.length > 0 && bmcPresent.length < BMC_COLUMNS.length) {
      const missing = BMC_COLUMNS.filter(c => !index.has(c)).join(', ');
      out.add(
        'error',
        header.line,
        null,
        null,
        ours(`the header has ${bmcPresent.join(', ')} but not ${missing}; give all three BMC columns or none`),
      );
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
    rows.push(checkRow(record, index, joined, mode, out, seen));
  }
  reportSyntax(names);
  if (records.length === 1 && !syntax) {
    out.add(
      'error',
      null,
      null,
      null,
      ours(
        'the file has a header but no machines; add one line per machine (EKS Anywhere reads it as zero machines and fails later at the hardware count)',
      ),
    );
  }
  seen.crossCheck();
  return result();
}

function checkRow(
  record: CsvRecord,
  index: ReadonlyMap<Column, number>,
  joined: ReadonlyMap<Column, readonly number[]>,
  mode: RuleMode,
  out: Findings,
  seen: Uniqueness,
): HardwareRow {
  const value = (c: Column): string | undefined => {
    // Nameservers.UnmarshalCSV appends: duplicated columns are concatenated, not last-wins.
    const all = joined.get(c);
    if (all) return all.map(i => record.fields[i]).join(NAMESERVER_SEPARATOR);
    const i = index.get(c);
    return i === undefined ? undefined : record.fields[i];
  };
  const lineOf = (c: Column): number => record.fieldLines[index.get(c) ?? 0] ?? record.line;
  const hasBmc = BMC_COLUMNS.some(c => (value(c) ?? '') !== '');
  const failed = new Set<Column>();
  // An unquoted password with a comma shifts its tail into the next cell and that cell's value into the
  // one after. When the cells read that way (the next one fails, the one after passes its check), the
  // next cell may be part of a password: never quote it.
  const afterPassword = shiftedPasswordTail(record, index, mode);
  const labelsCell = value('labels');
  const labels = labelsCell === undefined ? undefined : parseLabels(labelsCell, mode);
  for (const column of COLUMNS) {
    const v = value(column);
    if (v === undefined) continue;
    const issues = column === 'labels' && labels ? labelIssues(labels, mode) : checkCell(column, v, {mode, hasBmc});
    for (const issue of issues) {
      if (issue.level === 'error') failed.add(column);
      if (issue.level === 'error' && index.get(column) === afterPassword) {
        const message = `this value is not a valid ${column} and is not shown: it follows bmc_password and the next value would fit ${column}, so it may be the rest of a password that contains a comma; quote such a password, e.g. "pa,ss"`;
        out.add(issue.level, lineOf(column), column, null, message);
        continue;
      }
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
  if (hasBmc)
    row.bmc = {ip: value('bmc_ip') ?? '', username: value('bmc_username') ?? '', password: value('bmc_password') ?? ''};
  const vlan = value('vlan_id');
  if (vlan !== undefined && vlan !== '') row.vlanId = vlan;

  seen.add('ip_address', row.ipAddress, lineOf('ip_address'));
  seen.add('mac', mac, lineOf('mac'));
  seen.add('hostname', row.hostname, lineOf('hostname'));
  if (row.bmc) seen.add('bmc_ip', row.bmc.ip, lineOf('bmc_ip'));
  return row;
}

/** Index of the cell that may hold the tail of a comma-split password, or undefined. */
function shiftedPasswordTail(
  record: CsvRecord,
  index: ReadonlyMap<Column, number>,
  mode: RuleMode,
): number | undefined {
  const at = index.get('bmc_password');
  if (at === undefined || (record.fields[at] ?? '') === '') return undefined;
  const tailAt = at + 1;
  const column = [...index].find(([, i]) => i === tailAt)?.[0];
  const tail = record.fields[tailAt];
  const next = record.fields[tailAt + 1];
  if (column === undefined || tail === undefined || next === undefined || column === 'labels') return undefined;
  const fails = (v: string) => checkCell(column, v, {mode, hasBmc: true}).some(i => i.level === 'error');
  return fails(tail) && !fails(next) ? tailAt : undefined;
}

/** Duplicate detection across rows in one pass: first occurrence by key, reported on the later line. */
class Uniqueness {
  private readonly first = new Map<UniqueColumn, Map<string, number>>();
  private readonly bmcIps: {key: string; line: number}[] = [];
  /** EKS Anywhere's key of the first occurrence, by column and line. */
  private readonly shownAt = new Map<string, string>();
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
      // EKS Anywhere compares lowercased MACs; aa-bb-… and aa:bb:… are the same card only to us.
      const eksaSame = uniqueKey(column, shown, 'eksa') === this.shownAt.get(`${column}\0${earlier}`);
      const message = `duplicate ${column} ${q(shown)}: line ${earlier} has it too`;
      this.out.add('error', line, column, shown, eksaSame ? message : ours(message));
    } else {
      seen.set(key, line);
      this.shownAt.set(`${column}\0${line}`, uniqueKey(column, shown, 'eksa'));
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
        this.out.add('error', line, 'bmc_ip', key, ours(`bmc_ip ${q(key)} is also the ip_address on line ${hostLine}`));
      } else {
        this.out.add(
          'error',
          hostLine,
          'ip_address',
          key,
          ours(`ip_address ${q(key)} is also the bmc_ip on line ${line}`),
        );
      }
    }
  }
}
