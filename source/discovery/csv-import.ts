// Rows of an existing hardware.csv enter discovery as machines with source "csv". source/hardware owns
// parsing and validation; the integrator passes an adapter from its row type to ours. Passwords stay
// out: discovery results are shown and saved, secrets are not.
export interface ImportedMachine {
  hostname?: string;
  mac: string;
  ip?: string;
  bmcIp?: string;
  bmcUsername?: string;
  disk?: string;
  labels?: Record<string, string>;
  /** 1-based line of the row in the file, for messages. */
  line?: number;
}

/** Maps one parsed hardware.csv row to an imported machine; null skips the row. */
export type HardwareRowAdapter<Row> = (row: Row, index: number) => ImportedMachine | null;

export interface CsvFinding {
  source: 'csv';
  machine: ImportedMachine;
}

export function importRows<Row>(rows: readonly Row[], adapter: HardwareRowAdapter<Row>): CsvFinding[] {
  const out: CsvFinding[] = [];
  rows.forEach((row, i) => {
    const m = adapter(row, i);
    if (m) out.push({source: 'csv', machine: m});
  });
  return out;
}
