// The hardware step's work, shared by its screen and its headless run: check the answers are complete,
// build and validate hardware.csv from them, write it (0600) into the session folder, and re-check it.
import {readFile} from 'node:fs/promises';
import {isAbsolute, join} from 'node:path';
import type {Answers} from '../session/answers.js';
import {formatAnswersFinding, generateHardwareCsvFromAnswers, rowsFromAnswers, type SecretLookup} from './answers.js';
import {capFindingLines, formatFinding} from './cli.js';
import {formatHardwareCsv, writeHardwareCsvFile} from './write.js';
import {validateHardwareCsv} from './validate.js';
import type {HardwareFinding} from './types.js';

export const HARDWARE_CSV = 'hardware.csv';

/** The first answer hardware.csv cannot be built without, as the answers-file key and what it expects. */
export function missingHardwareAnswer(answers: Answers, secrets: SecretLookup): {key: string; expected: string} | null {
  const n = answers.network ?? {};
  if (!n.netmask) return {key: 'network.netmask', expected: 'the netmask of the node network, e.g. 255.255.255.0'};
  if (!n.gateway) return {key: 'network.gateway', expected: 'the default gateway of the node network'};
  if (!n.nameservers?.length) return {key: 'network.nameservers', expected: 'a list of DNS server addresses'};
  const machines = answers.machines ?? [];
  if (machines.length === 0)
    return {key: 'machines', expected: 'a list of machines: hostname, mac, ip, role, disk, bmc'};
  for (const [i, m] of machines.entries()) {
    if (m.bmc && secrets.bmcPassword(m) === undefined) {
      return {
        key: `machines[${i}].bmc.passwordEnv`,
        expected: `an environment variable that holds the BMC password of ${m.hostname} (or bmc.passwordFile, or bmc.password)`,
      };
    }
  }
  return null;
}

export type BuildResult =
  {ok: true; path: string; machines: number; warnings: string[]} | {ok: false; errors: string[]; warnings: string[]};

const lines = (fs: readonly HardwareFinding[], warning: boolean) =>
  capFindingLines(fs.map(f => formatAnswersFinding(f, warning)));

/** Validates what the answers would write and, when valid, writes hardware.csv into dir. */
export async function writeHardwareFromAnswers(
  answers: Answers,
  secrets: SecretLookup,
  dir: string,
): Promise<BuildResult> {
  const generated = generateHardwareCsvFromAnswers(answers, secrets);
  const warnings = lines(generated.findings.warnings, true);
  if (!generated.findings.valid) return {ok: false, errors: lines(generated.findings.errors, false), warnings};
  const path = join(dir, HARDWARE_CSV);
  await writeHardwareCsvFile(path, rowsFromAnswers(answers, secrets));
  return {ok: true, path, machines: answers.machines?.length ?? 0, warnings};
}

/** hardware.csv as it would be written, every password shown as ***. */
export function previewHardwareCsv(answers: Answers, hasPassword: (i: number) => boolean): string {
  const machines = answers.machines ?? [];
  const index = new Map(machines.map((m, i) => [m, i] as const));
  return formatHardwareCsv(
    rowsFromAnswers(answers, {bmcPassword: m => (hasPassword(index.get(m) ?? -1) ? '***' : '')}),
  );
}

/** On resume: the file is still there and still valid. */
export async function checkHardwareFile(
  sessionDir: string,
  recorded: string | undefined,
): Promise<{ok: boolean; detail: string}> {
  if (!recorded) return {ok: false, detail: 'no hardware.csv was recorded'};
  const path = isAbsolute(recorded) ? recorded : join(sessionDir, recorded);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return {ok: false, detail: `${recorded} is missing; build it again`};
  }
  const result = validateHardwareCsv(text);
  if (!result.valid) {
    const first = result.errors[0]!;
    return {ok: false, detail: `${recorded} no longer validates: ${formatFinding(first, false)}`};
  }
  return {ok: true, detail: `${recorded}: ${result.machines} machines, valid`};
}
