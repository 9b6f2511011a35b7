// Shapes shared by the hardware.csv reader, validator, writer and the screens that use them.

/** One problem in a hardware.csv. line is 1-based in the file; column is a header name, null for a whole row or file. */
export interface HardwareFinding {
  line: number | null;
  column: string | null;
  value: string | null;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  /** Data rows that had the header's number of fields. */
  machines: number;
  errors: HardwareFinding[];
  warnings: HardwareFinding[];
  rows: HardwareRow[];
}

export interface HardwareBmc {
  ip: string;
  username: string;
  password: string;
}

/** One machine as hardware.csv describes it. Values are as written, except the MAC (lowercase, colons). */
export interface HardwareRow {
  hostname: string;
  ipAddress: string;
  netmask: string;
  gateway: string;
  nameservers: string[];
  mac: string;
  disk: string;
  /** Hardware labels, e.g. {type: 'cp'}; the cluster spec's selectors match these. */
  labels: Record<string, string>;
  /** Absent when the row has no BMC fields at all. */
  bmc?: HardwareBmc;
  vlanId?: string;
  /** Where the row starts in the file it was read from. */
  line?: number;
}

/** 'strict' = EKS Anywhere's rules plus ours (the default); 'eksa' = only what EKS Anywhere itself checks. */
export type RuleMode = 'strict' | 'eksa';

export type Level = 'error' | 'warning';

/** A rule's verdict on one value, before it is placed at a line and column. */
export interface Issue {
  level: Level;
  message: string;
}
