// Between the session's answers and hardware.csv rows: build rows to write, and import rows from an
// existing file. Secrets come in and go out through the caller; this module reads no env or files.
import type {Answers, Machine} from '../session/answers.js';
import {normalizeMac} from '../net/mac.js';
import type {HardwareFinding, HardwareRow} from './types.js';
import {formatHardwareCsv} from './write.js';
import {validateHardwareCsv} from './validate.js';
import {bmcPasswordCrIssue} from './rules.js';
import {escapeControls} from '../run/display-text.js';

export interface SecretLookup {
  /** The BMC password of a machine, resolved by the caller from secrets.json, env or file. */
  bmcPassword(machine: Machine): string | undefined;
}

type Role = Machine['role'];

function rowFromMachine(
  machine: Machine,
  network: NonNullable<Answers['network']>,
  secrets: SecretLookup,
): HardwareRow {
  const row: HardwareRow = {
    hostname: machine.hostname,
    ipAddress: machine.ip,
    netmask: network.netmask ?? '',
    gateway: network.gateway ?? '',
    nameservers: [...(network.nameservers ?? [])],
    mac: normalizeMac(machine.mac) ?? machine.mac.toLowerCase(),
    disk: machine.disk,
    // The role decides type, whatever the extra labels say: the cluster's selectors match on it.
    labels: {...machine.labels, type: machine.role},
  };
  if (machine.vlanId !== undefined && String(machine.vlanId) !== '') row.vlanId = String(machine.vlanId);
  if (machine.bmc) {
    row.bmc = {ip: machine.bmc.ip, username: machine.bmc.username, password: secrets.bmcPassword(machine) ?? ''};
  }
  return row;
}

export function rowsFromAnswers(answers: Answers, secrets: SecretLookup): HardwareRow[] {
  const network = answers.network ?? {};
  return (answers.machines ?? []).map(m => rowFromMachine(m, network, secrets));
}

export interface ImportedHardware {
  machines: Machine[];
  /** Taken from the first row; rows that differ are named in warnings (the answers hold one network). */
  network: NonNullable<Answers['network']>;
  /** BMC passwords by hostname, for the caller to store as secrets. Never put into machines. */
  passwords: Map<string, string>;
  warnings: HardwareFinding[];
}

/** Turns rows of a (validated) hardware.csv into answers. */
export function machinesFromRows(rows: readonly HardwareRow[]): ImportedHardware {
  const machines: Machine[] = [];
  const passwords = new Map<string, string>();
  const warnings: HardwareFinding[] = [];
  const first = rows[0];
  const network: ImportedHardware['network'] = first
    ? {netmask: first.netmask, gateway: first.gateway, nameservers: [...first.nameservers]}
    : {};
  const warn = (row: HardwareRow, column: string | null, value: string | null, message: string) =>
    warnings.push({line: row.line ?? null, column, value, message});

  for (const row of rows) {
    if (row.netmask !== network.netmask)
      warn(
        row,
        'netmask',
        row.netmask,
        `differs from the first row's ${network.netmask}; the answers keep one network for all machines`,
      );
    if (row.gateway !== network.gateway)
      warn(
        row,
        'gateway',
        row.gateway,
        `differs from the first row's ${network.gateway}; the answers keep one network for all machines`,
      );
    const ns = row.nameservers.join('|');
    if (ns !== (network.nameservers ?? []).join('|'))
      warn(row, 'nameservers', ns, `differ from the first row's; the answers keep one network for all machines`);

    const {type, ...extra} = row.labels;
    let role: Role = 'worker';
    if (type === 'cp' || type === 'worker') role = type;
    else
      warn(
        row,
        'labels',
        type === undefined ? null : `type=${type}`,
        `no type=cp or type=worker label; imported as a worker (written back as type=worker)`,
      );

    const machine: Machine = {hostname: row.hostname, mac: row.mac, ip: row.ipAddress, role, disk: row.disk};
    if (Object.keys(extra).length > 0) machine.labels = extra;
    if (row.vlanId !== undefined) machine.vlanId = row.vlanId;
    if (row.bmc) {
      if (row.bmc.ip !== '' && row.bmc.username !== '') {
        machine.bmc = {ip: row.bmc.ip, username: row.bmc.username};
        if (row.bmc.password !== '') passwords.set(row.hostname, row.bmc.password);
      } else {
        warn(row, 'bmc_ip', row.bmc.ip, 'incomplete BMC fields were not imported');
      }
    }
    machines.push(machine);
  }
  return {machines, network, passwords, warnings};
}

export interface GeneratedHardwareCsv {
  csv: string;
  findings: {valid: boolean; errors: HardwareFinding[]; warnings: HardwareFinding[]};
}

/**
 * hardware.csv for `eksa-kong generate hardware-csv --answers FILE`. Findings name the answers key
 * (machines[i], network.*), never a line of the generated CSV (line is null): format with
 * formatAnswersFinding.
 */
export function generateHardwareCsvFromAnswers(answers: Answers, secrets: SecretLookup): GeneratedHardwareCsv {
  const errors: HardwareFinding[] = [];
  const warnings: HardwareFinding[] = [];
  const machines = answers.machines ?? [];
  const network = answers.network ?? {};
  const missingNetwork = new Set<string>();
  if (machines.length === 0)
    errors.push({line: null, column: null, value: null, message: 'answers: machines is missing or empty'});
  for (const [key, column] of [
    ['netmask', 'netmask'],
    ['gateway', 'gateway'],
    ['nameservers', 'nameservers'],
  ] as const) {
    const v = network[key];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) {
      missingNetwork.add(column);
      errors.push({line: null, column: null, value: null, message: `answers: network.${key} is missing`});
    }
  }
  const noPassword = new Set<number>();
  const indexOf = new Map(machines.map((m, i) => [m, i] as const));
  const lookup: SecretLookup = {
    bmcPassword: machine => {
      const password = secrets.bmcPassword(machine);
      if (password === undefined) noPassword.add(indexOf.get(machine) ?? -1);
      return password;
    },
  };
  const rows = rowsFromAnswers(answers, lookup);
  const csv = formatHardwareCsv(rows);
  const checked = validateHardwareCsv(csv);
  const machineAt = new Map<number, number>();
  checked.rows.forEach((row, i) => machineAt.set(row.line ?? 0, i));

  const place = (f: HardwareFinding): HardwareFinding | null => {
    if (f.line === null) return machines.length === 0 ? null : f;
    if (f.column !== null && missingNetwork.has(f.column)) return null;
    const i = machineAt.get(f.line);
    if (i === undefined) return f;
    if (f.column === 'bmc_password' && noPassword.has(i)) return null;
    // The generated CSV's line numbers mean nothing to someone reading the answers file: name machines.
    const message = f.message.replace(/\bline (\d+)\b/g, (text, n: string) => {
      const j = machineAt.get(Number(n));
      return j === undefined ? text : `machines[${j}]`;
    });
    return {...f, line: null, message: `machines[${i}] (${machines[i]?.hostname}): ${message}`};
  };
  for (const f of checked.errors) {
    const placed = place(f);
    if (placed) errors.push(placed);
  }
  for (const f of checked.warnings) {
    const placed = place(f);
    if (placed) warnings.push(placed);
  }
  machines.forEach((m, i) => {
    const line = null;
    const cr = bmcPasswordCrIssue(rows[i]?.bmc?.password ?? '');
    if (cr)
      errors.push({
        line,
        column: 'bmc_password',
        value: null,
        message: `machines[${i}] (${m.hostname}): ${cr.message}`,
      });
    if (noPassword.has(i)) {
      errors.push({
        line,
        column: 'bmc_password',
        value: null,
        message: `machines[${i}].bmc: no password found; give bmc.passwordEnv, bmc.passwordFile or bmc.password`,
      });
    }
    const type = m.labels?.['type'];
    if (type !== undefined && type !== m.role) {
      warnings.push({
        line,
        column: 'labels',
        value: `type=${type}`,
        message: `machines[${i}].labels.type is replaced by the role: type=${m.role}`,
      });
    }
  });
  return {csv, findings: {valid: errors.length === 0, errors, warnings}};
}

/** A finding about the answers: the column (when there is one) and the message that names the key. */
export function formatAnswersFinding(f: HardwareFinding, warning: boolean): string {
  const column = f.column === null ? '' : `${escapeControls(f.column)}: `;
  return `${column}${warning ? 'warning: ' : ''}${escapeControls(f.message)}`;
}
