// Column names of hardware.csv, spelled exactly as EKS Anywhere matches them (case-sensitive).

// vlan_id is optional in EKS Anywhere and not in its documented header, so it comes after it.
const DOCUMENTED = [
  'hostname',
  'bmc_ip',
  'bmc_username',
  'bmc_password',
  'mac',
  'ip_address',
  'netmask',
  'gateway',
  'nameservers',
  'labels',
  'disk',
] as const;

export const COLUMNS = [...DOCUMENTED, 'vlan_id'] as const;
export type Column = (typeof COLUMNS)[number];

/** EKS Anywhere refuses a file whose header lacks any of these (the values of labels may be empty). */
export const REQUIRED_COLUMNS: readonly Column[] = [
  'hostname',
  'ip_address',
  'netmask',
  'gateway',
  'nameservers',
  'mac',
  'disk',
  'labels',
];

export const BMC_COLUMNS: readonly Column[] = ['bmc_ip', 'bmc_username', 'bmc_password'];

/** The header order of EKS Anywhere's documentation, which the writer uses. */
export const DOCUMENTED_ORDER: readonly Column[] = DOCUMENTED;

const known = new Set<string>(COLUMNS);
export function isColumn(name: string): name is Column {
  return known.has(name);
}

/** What a finding shows as the value of a cell: passwords never leave this module. */
export function shownValue(column: string | null, value: string | null): string | null {
  if (column === 'bmc_password' && value !== null) return '(hidden)';
  return value;
}
