// The stand-in eksctl reports hardware.csv refusals in EKS Anywhere's own words: eksaHardwareError
// must print exactly what EKS Anywhere's reader and validator (v0.26, ../shared/oracles/eksa-hardware)
// print, for a set of bad files and for generated ones, with create's BMC options and without.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {eksaHardwareError} from '../../source/hardware/eksa-errors.js';
import {recogniseFailure} from '../../source/cluster/failures.js';
import {anyCase} from '../helpers/hardware-cases.js';
import {judge, oracleSkipReason} from '../helpers/eksa-oracle.js';

const skip = oracleSkipReason();

const HEADER = 'hostname,bmc_ip,bmc_username,bmc_password,mac,ip_address,netmask,gateway,nameservers,labels,disk';
const ROW =
  'eksa-cp01,10.20.1.11,admin,pw,aa:bb:cc:00:00:01,10.20.0.11,255.255.255.0,10.20.0.1,10.20.0.2,type=cp,/dev/sda';
const ROW2 =
  'eksa-wk01,10.20.1.12,admin,pw,aa:bb:cc:00:00:02,10.20.0.12,255.255.255.0,10.20.0.1,10.20.0.2,type=worker,/dev/sda';
/** ROW with one column replaced. */
const cols = HEADER.split(',');
const withCell = (column: string, value: string, row = ROW) => {
  const cells = row.split(',');
  cells[cols.indexOf(column)] = value;
  return cells.join(',');
};
const file = (...lines: string[]) => lines.join('\n') + '\n';

const BAD: string[] = [
  '',
  '\n\n',
  file('hostname,mac'),
  file(HEADER.replace('mac', 'Mac'), ROW),
  file('\ufeff' + HEADER, ROW),
  file(HEADER, ROW + ',extra'),
  file(HEADER, withCell('ip_address', '')),
  file(HEADER, withCell('ip_address', '10.20.0.300')),
  file(HEADER, withCell('ip_address', ' 10.20.0.11')),
  file(HEADER, withCell('gateway', '')),
  file(HEADER, withCell('gateway', 'gw')),
  file(HEADER, withCell('nameservers', '')),
  file(HEADER, withCell('nameservers', '1.1.1.1|')),
  file(HEADER, withCell('netmask', '')),
  file(HEADER, withCell('mac', '')),
  file(HEADER, withCell('mac', 'zz:bb:cc:00:00:01')),
  file(HEADER, withCell('hostname', '')),
  file(HEADER, withCell('hostname', 'Node1')),
  file(HEADER, withCell('hostname', 'n'.repeat(254))),
  file(HEADER, withCell('disk', '/dev/')),
  file(HEADER, withCell('disk', 'sda')),
  file(HEADER, withCell('labels', 'type')),
  file(HEADER, withCell('labels', 'a=b=c')),
  file(HEADER, withCell('labels', 'type=c p')),
  file(HEADER, withCell('labels', 'type=' + 'v'.repeat(64))),
  file(HEADER, withCell('labels', 'Ex.com/type=cp')),
  file(HEADER, withCell('labels', '/type=cp')),
  file(HEADER, withCell('labels', 'a/b/c=cp')),
  file(HEADER, withCell('labels', '=cp')),
  file(HEADER, withCell('labels', 'k'.repeat(64) + '=cp')),
  file(HEADER, withCell('bmc_ip', '')),
  file(HEADER, withCell('bmc_ip', 'bmc')),
  file(HEADER, withCell('bmc_username', '')),
  file(HEADER, withCell('bmc_password', '')),
  file(HEADER + ',vlan_id', ROW + ',0'),
  file(HEADER + ',vlan_id', ROW + ',4095'),
  file(HEADER + ',vlan_id', ROW + ',x'),
  file(HEADER + ',vlan_id', ROW + ',99999999999999999999'),
  file(HEADER + ', vlan_id', ROW + ',0'),
  file(HEADER, ROW, withCell('hostname', 'eksa-cp01', ROW2)),
  file(HEADER, ROW, withCell('ip_address', '10.20.0.11', ROW2)),
  file(HEADER, ROW, withCell('mac', 'AA:BB:CC:00:00:01', ROW2)),
  file(HEADER, ROW, withCell('bmc_ip', '10.20.1.11', ROW2)),
  file(HEADER, ROW, withCell('bmc_password', 'p"w', ROW2)),
  file(HEADER, ROW, withCell('bmc_password', '"p"w"', ROW2)),
  file(HEADER, ROW, withCell('bmc_password', '"pé\nw', ROW2)),
  file(HEADER, withCell('nameservers', '"a"b')),
  file('host"name' + HEADER.slice(8), ROW),
  HEADER + '\n' + withCell('bmc_password', '"pw'),
];

/** The oracle prints what eksctl would after "reading csv:" or "generating hardware yaml:"; create prints it bare. */
const bare = (detail: string) => detail.replace(/^(reading csv|generating hardware yaml): /, '');

/** Go ranges over the labels map: with two bad labels in one row, either may be reported. */
const labelRule = /^(name part|prefix part|a valid label|must be no more than 63 bytes)/;

function compare(texts: readonly string[], createOptions: boolean): string[] {
  const verdicts = judge(texts, createOptions);
  const problems: string[] = [];
  texts.forEach((text, i) => {
    const v = verdicts[i]!;
    const ours = eksaHardwareError(text, {createOptions});
    const theirs = v.ok ? undefined : bare(v.detail);
    if (ours === theirs) return;
    if (ours && theirs && labelRule.test(ours) && labelRule.test(theirs)) return;
    problems.push(`${JSON.stringify(text)}\n  EKS Anywhere: ${theirs ?? 'OK'}\n  ours:         ${ours ?? 'OK'}`);
  });
  return problems;
}

test(
  'hardware.csv refusals in EKS Anywhere’s words: a set of bad files, as create and as generate hardware',
  {skip, timeout: 300_000},
  () => {
    for (const createOptions of [true, false]) {
      const problems = compare(BAD, createOptions);
      assert.deepEqual(problems, [], `createOptions=${createOptions}`);
    }
    // Each is refused (the set is all bad), and every refusal maps to the hardware.csv failure and its fix.
    for (const text of BAD) {
      const error = eksaHardwareError(text, {createOptions: true});
      if (text === file(HEADER, withCell('bmc_username', '')) || text === file(HEADER, withCell('bmc_password', '')))
        continue; // create accepts an empty BMC username or password (reference 1.6 #1)
      assert.ok(error, JSON.stringify(text));
      if (error === 'EOF') continue;
      assert.equal(recogniseFailure([`Error: validations failed: ${error}`])?.id, 'hardware-csv', error);
    }
  },
);

test(
  'hardware.csv refusals in EKS Anywhere’s words: generated and mutated files (≥1000) get the oracle’s exact message',
  {skip, timeout: 600_000},
  () => {
    const texts = fc.sample(anyCase, {numRuns: 1500, seed: 4242});
    const problems = [...compare(texts, true), ...compare(texts, false)];
    assert.deepEqual(problems.slice(0, 6), [], `${problems.length} difference(s)`);
  },
);
