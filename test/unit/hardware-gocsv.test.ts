// How EKS Anywhere's CSV library (gocarina/gocsv, as pinned by eks-anywhere v0.26) matches headers:
// a header equal to a column once trimmed (Go's TrimSpace) feeds that column, but the required-columns
// check compares exact names; duplicated nameservers columns are appended, others last-wins.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {validateHardwareCsv, goTrimSpace} from '../../source/hardware/validate.js';
import {generateHardwareCsvFromAnswers} from '../../source/hardware/answers.js';
import {WIZARD_RULE} from '../../source/hardware/rules.js';

const H = 'hostname,mac,ip_address,netmask,gateway,nameservers,labels,disk';
const ROW = 'eksa-cp01,aa:bb:cc:00:00:01,10.20.0.11,255.255.255.0,10.20.0.1,10.20.0.2,type=cp,/dev/sda';

test('an optional column with spaces around its name is read, as gocsv reads it: vlan_id 0 is refused', () => {
  for (const name of [' vlan_id', 'vlan_id ', '\tvlan_id']) {
    const r = validateHardwareCsv(`${H},${name}\n${ROW},0\n`);
    assert.equal(r.valid, false, JSON.stringify(name));
    assert.ok(r.errors.some(e => e.column === 'vlan_id' && /outside 1-4094/.test(e.message)));
    assert.ok(
      r.warnings.some(w => /has spaces around its name; EKS Anywhere still reads it as "vlan_id"/.test(w.message)),
    );
    assert.equal(validateHardwareCsv(`${H},${name}\n${ROW},5\n`).rows[0]?.vlanId, '5');
  }
  // A required column must match exactly: " mac" alone is missing for EKS Anywhere.
  const r = validateHardwareCsv(`${H.replace(',mac,', ', mac,')}\n${ROW}\n`);
  assert.match(r.errors[0]?.message ?? '', /required column "mac" is missing from the header; found " mac"/);
});

test('Go’s TrimSpace keeps a BOM (JavaScript’s trim() would drop it)', () => {
  assert.equal(goTrimSpace(' \t vlan_id\u00a0'), 'vlan_id');
  assert.equal(goTrimSpace('\ufeffvlan_id'), '\ufeffvlan_id');
});

test('duplicated nameservers columns are joined, not last-wins', () => {
  const r = validateHardwareCsv(`${H},nameservers\n${ROW},1.1.1.1\n`);
  assert.equal(r.valid, true);
  assert.deepEqual(r.rows[0]?.nameservers, ['10.20.0.2', '1.1.1.1']);
  assert.ok(r.warnings.some(w => /appears more than once; EKS Anywhere joins their values/.test(w.message)));
  // An empty duplicate adds an empty entry, which EKS Anywhere refuses.
  const empty = validateHardwareCsv(`${H},nameservers\n${ROW},\n`);
  assert.ok(empty.errors.some(e => /contains an empty entry/.test(e.message)));
});

test('a BMC password holding a carriage return is refused as the wizard’s rule', () => {
  const file = validateHardwareCsv(`${H},bmc_ip,bmc_username,bmc_password\n${ROW},10.20.1.11,admin,"a\rb"\n`);
  assert.ok(
    file.errors.some(
      e => e.column === 'bmc_password' && /carriage return/.test(e.message) && e.message.includes(WIZARD_RULE),
    ),
  );
  const fromAnswers = generateHardwareCsvFromAnswers(
    {
      network: {netmask: '255.255.255.0', gateway: '10.20.0.1', nameservers: ['10.20.0.2']},
      machines: [
        {
          hostname: 'eksa-cp01',
          mac: 'aa:bb:cc:00:00:01',
          ip: '10.20.0.11',
          role: 'cp',
          disk: '/dev/sda',
          bmc: {ip: '10.20.1.11', username: 'admin', password: 'x'},
        },
      ],
    },
    {bmcPassword: () => 'pa\r\nss'},
  );
  assert.equal(fromAnswers.findings.valid, false);
  const msg = fromAnswers.findings.errors.find(e => e.column === 'bmc_password')?.message ?? '';
  assert.match(msg, /machines\[0\] \(eksa-cp01\): bmc_password contains a carriage return/);
  assert.ok(!msg.includes('pa\r\nss'));
});

test('a header-only file and partial BMC columns say they are the wizard’s rules', () => {
  assert.ok(validateHardwareCsv(`${H}\n`).errors.every(e => e.message.includes(WIZARD_RULE)));
  assert.ok(
    validateHardwareCsv(`${H},bmc_ip\n${ROW},10.20.1.11\n`).errors.some(
      e => /give all three BMC columns or none/.test(e.message) && e.message.includes(WIZARD_RULE),
    ),
  );
});
