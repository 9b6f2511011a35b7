// The error EKS Anywhere itself returns for a hardware.csv, in its own words, as `eksctl anywhere create
// cluster` prints it after "validations failed: ". The wizard's validator explains problems its own
// way (line, column, what to write); the demo's stand-in eksctl must instead say what eksctl says.
// Same reader (Go's encoding/csv algorithm), then the upstream sequence, aws/eks-anywhere v0.26
// pkg/providers/tinkerbell/hardware: csv.go (NewCSVReader: gocsv header matching, required columns),
// translate.go (TranslateAll: "read: invalid hardware: " around reader errors), normalize.go (MAC
// lowercased), validator.go (StaticMachineAssertions in order, then the uniqueness assertions),
// with apimachinery's label and DNS-1123 messages.
import {COLUMNS, REQUIRED_COLUMNS, type Column} from './columns.js';
import {readCsvRecords, type CsvSyntaxError} from './csv-reader.js';
import {DISK_PATTERN} from './rules.js';
import {goTrimSpace} from './validate.js';
import {isGoIp} from '../net/ipv4.js';
import {parseMac} from '../net/mac.js';

export interface EksaReadOptions {
  /**
   * As `create cluster` reads it: BMC options are always present there, so an empty BMC username or
   * password is not checked (validator.go). false = `generate hardware` and the other entry points.
   */
  createOptions: boolean;
}

/** encoding/csv's ParseError.Error(). */
function parseErrorText(e: CsvSyntaxError): string {
  const what = e.kind === 'bare-quote' ? 'bare " in non-quoted-field' : 'extraneous or missing " in quoted-field';
  const where = `parse error on line ${e.line}, column ${e.column}: ${what}`;
  return e.recordLine !== e.line ? `record on line ${e.recordLine}; ${where}` : where;
}

// apimachinery (validation/content): the texts and the regexes they quote.
const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_KEY_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

const bytes = (s: string) => Buffer.byteLength(s);
const maxLen = (n: number) => `must be no more than ${n} bytes`;
const regexError = (msg: string, re: string, ...examples: string[]) =>
  `${msg} (e.g. ${examples.map(e => `'${e}', `).join('or ')}regex used for validation is '${re}')`;

function dns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 253) errs.push(maxLen(253));
  if (!DNS1123_SUBDOMAIN.test(value))
    errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** IsQualifiedName (IsLabelKey). */
function labelKeyErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  if (parts.length > 2) {
    return [
      `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map(m => `prefix part ${m}`));
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (bytes(name) > 63) errs.push(`name part ${maxLen(63)}`);
  if (!LABEL_KEY.test(name))
    errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** IsValidLabelValue. */
function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 63) errs.push(maxLen(63));
  if (!LABEL_VALUE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

interface Machine {
  hostname: string;
  ip_address: string;
  netmask: string;
  gateway: string;
  nameservers: string[];
  mac: string;
  disk: string;
  labels: Map<string, string>;
  bmc_ip: string;
  bmc_username: string;
  bmc_password: string;
  vlan_id: string;
}

const LABELS_FIELD_INDEX = 7; // Machine.Labels in the struct (gocsv's index chain)

/** gocsv's unmarshalRow: each matched column in file order; nameservers append; labels parse or fail. */
function unmarshalRow(fields: readonly string[], columnOf: readonly (Column | undefined)[]): Machine | string {
  const m: Machine = {
    hostname: '',
    ip_address: '',
    netmask: '',
    gateway: '',
    nameservers: [],
    mac: '',
    disk: '',
    labels: new Map(),
    bmc_ip: '',
    bmc_username: '',
    bmc_password: '',
    vlan_id: '',
  };
  for (let j = 0; j < fields.length; j++) {
    const column = columnOf[j];
    const value = fields[j]!;
    if (column === undefined) continue;
    if (column === 'nameservers') m.nameservers.push(...value.split('|'));
    else if (column === 'labels') {
      m.labels = new Map();
      const split = value.split('|');
      if (split.length === 1 && split[0] === '') continue;
      for (const pair of split) {
        const kv = goTrimSpace(pair).split('=');
        if (kv.length !== 2) {
          return `read: invalid hardware: cannot assign field at ${j} to hardware.Machine through index chain [${LABELS_FIELD_INDEX}]: badly formatted key-value pair: ${pair}`;
        }
        m.labels.set(goTrimSpace(kv[0]!), goTrimSpace(kv[1]!));
      }
    } else m[column] = value;
  }
  m.mac = m.mac.toLowerCase(); // LowercaseMACAddress
  return m;
}

const empty = (field: string) => `machine: ${field} is empty`;

/** StaticMachineAssertions, first failure wins. */
function staticError(m: Machine, createOptions: boolean): string | undefined {
  if (m.ip_address === '') return empty('IPAddress');
  if (!isGoIp(m.ip_address)) return `IPAddress: is invalid: ${m.ip_address}`;
  if (m.gateway === '') return empty('Gateway');
  if (!isGoIp(m.gateway)) return `Gateway: is invalid: ${m.gateway}`;
  if (m.nameservers.length === 0) return empty('Nameservers');
  if (m.nameservers.includes('')) return 'machine: Nameservers contains an empty entry';
  if (m.netmask === '') return empty('Netmask');
  if (m.mac === '') return empty('MACAddress');
  if (!parseMac(m.mac)) return `MACAddress: address ${m.mac}: invalid MAC address`;
  if (m.hostname === '') return empty('Hostname');
  const dns = dns1123Subdomain(m.hostname);
  if (dns.length > 0) return `invalid hostname: ${m.hostname}: [${dns.join(' ')}]`;
  if (!DISK_PATTERN.test(m.disk)) return 'disk must be a valid linux path ("^(/dev/[\\w-]+)+$")';
  // Go ranges over a map here, so with several bad labels which one is reported varies between runs.
  for (const [key, value] of m.labels) {
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length > 0) return keyErrs.join('; ');
    const valueErrs = labelValueErrors(value);
    if (valueErrs.length > 0) return valueErrs.join('; ');
  }
  if (m.bmc_ip !== '' || m.bmc_username !== '' || m.bmc_password !== '') {
    if (m.bmc_ip === '') return empty('BMCIPAddress');
    if (!isGoIp(m.bmc_ip)) return `BMCIPAddress: is invalid: ${m.bmc_ip}`;
    if (!createOptions) {
      if (m.bmc_username === '') return empty('BMCUsername');
      if (m.bmc_password === '') return empty('BMCPassword');
    }
  }
  if (m.vlan_id !== '') {
    // strconv.Atoi: optional sign, decimal digits, within 64 bits.
    const digits = /^[+-]?(\d+)$/.exec(m.vlan_id)?.[1];
    if (digits === undefined || BigInt(m.vlan_id) > 2n ** 63n - 1n || BigInt(m.vlan_id) < -(2n ** 63n))
      return 'VLANID: must be a string integer';
    const n = Number(m.vlan_id);
    if (n < 1 || n > 4094) return 'VLANID: must be between 1 and 4094';
  }
  return undefined;
}

/**
 * undefined when EKS Anywhere reads the file without error (a header-only file included: it has
 * zero machines and fails later at the hardware count), else its error text.
 */
export function eksaHardwareError(text: string, options: EksaReadOptions): string | undefined {
  const {records, error: syntax} = readCsvRecords(text);
  const header = records[0];
  if (!header) return syntax ? parseErrorText(syntax) : 'EOF';
  // gocsv: a header feeds a field when it equals the name with or without surrounding spaces; the
  // required-columns check compares exact names.
  const names = header.fields;
  const columnOf = names.map(n => COLUMNS.find(c => c === n || c === goTrimSpace(n)));
  const missing = REQUIRED_COLUMNS.filter(c => !names.includes(c));
  if (missing.length > 0) return `missing required columns in csv: ${missing.join(', ')}`;

  const seen = {ip: new Set<string>(), mac: new Set<string>(), hostname: new Set<string>(), bmc: new Set<string>()};
  for (const record of records.slice(1)) {
    if (record.fields.length !== names.length)
      return `read: invalid hardware: record on line ${record.line}: wrong number of fields`;
    const m = unmarshalRow(record.fields, columnOf);
    if (typeof m === 'string') return m;
    const error = staticError(m, options.createOptions);
    if (error) return error;
    if (seen.ip.has(m.ip_address)) return `duplicate IPAddress: ${m.ip_address}`;
    seen.ip.add(m.ip_address);
    if (seen.mac.has(m.mac)) return `duplicate MACAddress: ${m.mac}`;
    seen.mac.add(m.mac);
    if (seen.hostname.has(m.hostname)) return `duplicate Hostname: ${m.hostname}`;
    seen.hostname.add(m.hostname);
    if (m.bmc_ip !== '' || m.bmc_username !== '' || m.bmc_password !== '') {
      if (m.bmc_ip === '') return `missing BMCIPAddress (mac="${m.mac}")`;
      if (seen.bmc.has(m.bmc_ip)) return `duplicate IPAddress: ${m.bmc_ip}`;
      seen.bmc.add(m.bmc_ip);
    }
  }
  if (syntax) return `read: invalid hardware: ${parseErrorText(syntax)}`;
  return undefined;
}
