// The rules for one cell of hardware.csv. The file validator and the screen's field validator both call
// these, so a rule lives in exactly one place. Each returns issues in EKS Anywhere's order: the first
// error is the one EKS Anywhere would report; our stricter rules come after it.
import {q} from './show.js';
import type {Column} from './columns.js';
import {DNS1123_SUBDOMAIN, parseLabels, type ParsedLabels} from './labels.js';
import {formatIpv4, isGoIp, netmaskPrefix, networkOf, parseIpv4, prefixMask} from '../net/ipv4.js';
import {formatMac, normalizeMac, parseMac} from '../net/mac.js';
import type {Issue, RuleMode} from './types.js';

export const NAMESERVER_SEPARATOR = '|';
/** EKS Anywhere's disk rule, verbatim. */
export const DISK_PATTERN = /^(\/dev\/[\w-]+)+$/;
const PARTITION = /^\/dev\/((s|v|xv|h)d[a-z]+\d+|(nvme\d+n\d+|mmcblk\d+|loop\d+|md\d+)p\d+)$/;
const INTEGER = /^[+-]?\d+$/;

export interface CellContext {
  mode: RuleMode;
  /** Any of bmc_ip, bmc_username, bmc_password is non-empty in this row. */
  hasBmc: boolean;
}

/**
 * Marks the refusals that are the wizard's own, stricter than EKS Anywhere (which would accept the
 * value): an admin comparing with eksctl's behaviour must be able to tell them apart.
 */
export const WIZARD_RULE = "eksa-kong's rule, stricter than EKS Anywhere";
export const ours = (message: string) => `${message} (${WIZARD_RULE})`;

const err = (message: string): Issue => ({level: 'error', message});
const warn = (message: string): Issue => ({level: 'warning', message});

function checkIp(value: string, mode: RuleMode, what: string): Issue[] {
  if (value === '') return [err(`${what} is empty`)];
  if (!isGoIp(value)) {
    const hint = value.trim() !== value ? ' (remove the spaces around it)' : '';
    return [err(`${q(value)} is not a valid IP address${hint}`)];
  }
  if (mode === 'strict' && parseIpv4(value) === null) {
    return [err(ours(`${q(value)} is an IPv6 address; EKS Anywhere builds bare-metal hardware with IPv4 only`))];
  }
  return [];
}

export function checkHostname(value: string, mode: RuleMode): Issue[] {
  if (value === '') return [err('hostname is empty')];
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    return [
      err(
        `${q(value)} is not a valid hostname: use lowercase letters, digits and "-", starting and ending with a letter or digit`,
      ),
    ];
  }
  if (mode === 'eksa') return [];
  if (!value.includes('.')) return value.length > 63 ? [err(ours(`${q(value)} is longer than 63 characters`))] : [];
  const parts = value.split('.');
  if (parts.some(p => p.length > 63)) return [err(ours(`${q(value)} has a part longer than 63 characters`))];
  return [warn(`${q(value)} contains dots; a single name such as ${q(parts[0])} is safer (it becomes the node name)`)];
}

export function checkNetmask(value: string, mode: RuleMode): Issue[] {
  if (value === '') return [err('netmask is empty')];
  if (mode === 'eksa') return [];
  if (parseIpv4(value) === null) return [err(ours(`${q(value)} is not a dotted netmask such as 255.255.255.0`))];
  const prefix = netmaskPrefix(value);
  if (prefix === null) return [err(ours(`${q(value)} is not a contiguous netmask (its one bits must all come first)`))];
  if (prefix === 0) return [err(ours(`${q(value)} is /0 and leaves no network part`))];
  return [];
}

export function checkNameservers(value: string, mode: RuleMode): Issue[] {
  if (value === '') return [err('nameservers is empty')];
  const entries = value.split(NAMESERVER_SEPARATOR);
  if (entries.some(e => e === '')) {
    return [err(`${q(value)} contains an empty entry (separate several nameservers with "|", no "|" at the ends)`)];
  }
  if (mode === 'eksa') return [];
  for (const e of entries) {
    if (parseIpv4(e) === null) return [err(ours(`nameserver ${q(e)} is not an IPv4 address`))];
  }
  return [];
}

export function checkMac(value: string, mode: RuleMode): Issue[] {
  if (value === '') return [err('mac is empty')];
  const parsed = parseMac(value);
  if (!parsed) return [err(`${q(value)} is not a valid MAC address (write it as aa:bb:cc:dd:ee:ff)`)];
  if (mode === 'eksa') return [];
  if (parsed.octets.length !== 6) {
    return [err(ours(`${q(value)} has ${parsed.octets.length} octets; a network card's MAC address has 6`))];
  }
  if (parsed.separator !== ':') {
    return [
      warn(
        `${q(value)} is not in colon form; written as ${formatMac(parsed.octets)} (EKS Anywhere would keep it as given)`,
      ),
    ];
  }
  return [];
}

export function checkDisk(value: string, mode: RuleMode): Issue[] {
  if (value === '') return [err('disk is empty')];
  if (!DISK_PATTERN.test(value)) {
    return [
      err(
        `${q(value)} is not a device path such as /dev/sda or /dev/nvme0n1 (EKS Anywhere requires ^(/dev/[\\w-]+)+$)`,
      ),
    ];
  }
  if (mode === 'eksa') return [];
  if (value.indexOf('/dev/', 1) !== -1)
    return [err(ours(`${q(value)} names more than one device; give one whole disk`))];
  if (PARTITION.test(value)) {
    return [warn(`${q(value)} looks like a partition; the OS is installed onto a whole disk such as /dev/sda`)];
  }
  return [];
}

export function checkLabels(value: string, mode: RuleMode): Issue[] {
  return labelIssues(parseLabels(value, mode), mode);
}

/** The labels rules on an already parsed cell (the file validator parses each cell once). */
export function labelIssues(parsed: ParsedLabels, mode: RuleMode): Issue[] {
  const {labels} = parsed;
  const issues = parsed.issues.slice();
  if (mode === 'strict' && !issues.some(i => i.level === 'error') && labels['type'] === undefined) {
    issues.push(warn('no "type" label: no node group selects this machine, so it stays a spare'));
  }
  return issues;
}

export function checkBmcIp(value: string, ctx: CellContext): Issue[] {
  if (!ctx.hasBmc) return [];
  if (value === '')
    return [err('bmc_ip is empty but bmc_username or bmc_password is set; give all three BMC fields or none')];
  return checkIp(value, ctx.mode, 'bmc_ip');
}

/**
 * Go's encoding/csv turns CR LF inside a quoted field into LF (and we cannot know which the BMC
 * expects), so a password holding a CR would not reach the BMC as typed.
 */
export function bmcPasswordCrIssue(password: string): Issue | undefined {
  if (!password.includes('\r')) return undefined;
  return err(
    ours(
      'bmc_password contains a carriage return (CR); EKS Anywhere reads CR LF in a CSV value as LF, so the BMC would get a different password',
    ),
  );
}

// Controls no BMC takes in a login, and that would drive the terminal when the file is printed
// (generate hardware-csv). A password keeps newline and tab, which the CSV quotes and round-trips.
const LOGIN_CONTROL = {
  bmc_username: /[\u0000-\u001f\u007f-\u009f]/,
  bmc_password: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/,
};

function checkBmcCredential(column: 'bmc_username' | 'bmc_password', value: string, ctx: CellContext): Issue[] {
  const cr = column === 'bmc_password' ? bmcPasswordCrIssue(value) : undefined;
  if (cr) return [cr];
  // The value is not quoted: it may be a password.
  if (LOGIN_CONTROL[column].test(value))
    return [err(ours(`${column} contains a control character (ESC, BEL, NUL...); a BMC login is printable text`))];
  if (!ctx.hasBmc || value !== '') return [];
  // EKS Anywhere refuses this in `generate hardware`, but `create cluster` passes BMC options and
  // accepts it, then fails after minutes waiting for the BMC (reference 1.6 #1).
  return [
    err(
      `${column} is empty but other BMC fields are set; give all three BMC fields or none (${WIZARD_RULE} for create cluster, which would accept it and then fail to reach the BMC)`,
    ),
  ];
}

export function checkVlanId(value: string): Issue[] {
  if (value === '') return [];
  // Go's strconv.Atoi: optional sign, decimal digits, within 64 bits.
  if (!INTEGER.test(value) || value.replace(/^[+-]/, '').replace(/^0+/, '').length > 18) {
    return [err(`${q(value)} is not an integer`)];
  }
  const n = Number(value);
  if (n < 1 || n > 4094) return [err(`${value} is outside 1-4094`)];
  return [];
}

/** All issues of one cell, first error first. */
export function checkCell(column: Column, value: string, ctx: CellContext): Issue[] {
  switch (column) {
    case 'hostname':
      return checkHostname(value, ctx.mode);
    case 'ip_address':
      return checkIp(value, ctx.mode, 'ip_address');
    case 'gateway':
      return checkIp(value, ctx.mode, 'gateway');
    case 'netmask':
      return checkNetmask(value, ctx.mode);
    case 'nameservers':
      return checkNameservers(value, ctx.mode);
    case 'mac':
      return checkMac(value, ctx.mode);
    case 'disk':
      return checkDisk(value, ctx.mode);
    case 'labels':
      return checkLabels(value, ctx.mode);
    case 'bmc_ip':
      return checkBmcIp(value, ctx);
    case 'bmc_username':
    case 'bmc_password':
      return checkBmcCredential(column, value, ctx);
    case 'vlan_id':
      return checkVlanId(value);
  }
}

/**
 * Our subnet rule (EKS Anywhere has none): the node must reach its gateway directly. Returns null when
 * fine or when a value is itself invalid (its own rule reports that).
 */
export function checkSubnet(ipAddress: string, netmask: string, gateway: string): Issue | null {
  const ip = parseIpv4(ipAddress);
  const gw = parseIpv4(gateway);
  const prefix = netmaskPrefix(netmask);
  if (ip === null || gw === null || prefix === null || prefix === 0) return null;
  const net = networkOf(ip, prefix);
  const cidr = `${formatIpv4(net)}/${prefix}`;
  if (networkOf(gw, prefix) !== net) {
    return err(
      ours(
        `ip_address ${ipAddress} and gateway ${gateway} are not in the same subnet under netmask ${netmask} (${cidr})`,
      ),
    );
  }
  if (ip === gw) return err(ours(`ip_address ${ipAddress} is the gateway's address`));
  if (prefix <= 30) {
    const broadcast = (net | ~prefixMask(prefix)) >>> 0;
    if (ip === net) return err(ours(`ip_address ${ipAddress} is the network address of ${cidr}`));
    if (ip === broadcast) return err(ours(`ip_address ${ipAddress} is the broadcast address of ${cidr}`));
  }
  return null;
}

export type UniqueColumn = 'ip_address' | 'mac' | 'hostname' | 'bmc_ip';

/** What two rows are compared by in the uniqueness rules; '' means "not compared". */
export function uniqueKey(column: UniqueColumn, value: string, mode: RuleMode): string {
  if (column === 'mac') return mode === 'strict' ? (normalizeMac(value) ?? value.toLowerCase()) : value.toLowerCase();
  return value;
}
