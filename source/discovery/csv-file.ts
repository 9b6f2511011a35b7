// Import of an existing hardware.csv as a discovery source: source/hardware parses and validates it and
// turns rows into machines (machinesFromRows); this adapts them to discovery's findings. The BMC
// passwords of the file are handed back separately, for the caller to store as secrets.
import {readFileLimited, TooLargeError} from '../run/read-limited.js';
import {expandTilde} from '../session/home.js';
import {loadSecrets, mergeSecrets, saveSecrets, emptySecrets} from '../session/secrets.js';
import {machinesFromRows} from '../hardware/answers.js';
import {capFindingLines, formatFinding, HARDWARE_CSV_LIMIT} from '../hardware/cli.js';
import {validateHardwareCsv} from '../hardware/validate.js';
import {importRows, type CsvFinding} from './csv-import.js';

export interface CsvFileImport {
  findings: CsvFinding[];
  /** BMC passwords by BMC address. Never shown, never in step data. */
  passwords: Map<string, string>;
  /** Findings of the file as "line N: column: message" (passwords are never quoted). */
  problems: string[];
}

export async function importHardwareCsvFile(
  path: string,
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<{ok: true; value: CsvFileImport} | {ok: false; error: string}> {
  let text: string;
  const file = expandTilde(path, env['HOME'] ?? '');
  try {
    text = (await readFileLimited(file, HARDWARE_CSV_LIMIT, 'the CSV file')).toString('utf8');
  } catch (error) {
    if (error instanceof TooLargeError) return {ok: false, error: error.message};
    return {ok: false, error: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`};
  }
  const checked = validateHardwareCsv(text);
  const imported = machinesFromRows(checked.rows);
  const passwords = new Map<string, string>();
  const findings = importRows(imported.machines, m => {
    const pw = imported.passwords.get(m.hostname);
    if (m.bmc && pw !== undefined) passwords.set(m.bmc.ip, pw);
    return {
      hostname: m.hostname,
      mac: m.mac,
      ip: m.ip,
      disk: m.disk,
      labels: {...m.labels, type: m.role},
      ...(m.bmc ? {bmcIp: m.bmc.ip, bmcUsername: m.bmc.username} : {}),
    };
  });
  const problems = capFindingLines([
    ...checked.errors.map(f => formatFinding(f, false)),
    ...[...checked.warnings, ...imported.warnings].map(f => formatFinding(f, true)),
  ]);
  return {ok: true, value: {findings, passwords, problems}};
}

/** Keeps imported BMC passwords in the session's secrets.json (0600), by BMC address. */
export async function storeBmcPasswords(sessionDir: string, passwords: ReadonlyMap<string, string>): Promise<void> {
  if (passwords.size === 0) return;
  const update = emptySecrets();
  for (const [ip, pw] of passwords) update.bmc.byIp[ip] = pw;
  await saveSecrets(sessionDir, mergeSecrets(await loadSecrets(sessionDir), update));
}
