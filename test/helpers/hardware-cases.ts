// Generated and mutated hardware.csv texts for the differential tests against EKS Anywhere's own reader
// (quoting, whitespace, headers, BOM, line endings, IPs, MACs, labels, VLANs, duplicates).
import fc from 'fast-check';
import {makeSyntheticCsv} from '../../source/hardware/synthetic.js';

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
/** Usually undefined; sometimes a value from arb. */
const rarely = <T>(arb: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({weight: oneIn - 1, arbitrary: fc.constant(undefined)}, {weight: 1, arbitrary: arb});
const cells = {
  hostname: pick(
    'eksa-cp01',
    'eksa-cp02',
    'eksa-wk01',
    'node-1',
    'Node1',
    'a.b',
    '',
    'node_1',
    'n'.repeat(64),
    ' eksa-cp01',
    'x',
  ),
  ip_address: pick(
    '10.20.0.11',
    '10.20.0.12',
    '10.20.0.13',
    '10.20.0.300',
    '',
    ' 10.20.0.11',
    '::1',
    '10.20.0.011',
    '1.2.3',
    '10.20.0.0',
    '10.20.0.1',
    '10.30.0.5',
  ),
  netmask: pick('255.255.255.0', '255.255.0.0', '', '255.0.255.0', 'x', '24', '0.0.0.0', '255.255.255.255'),
  gateway: pick('10.20.0.1', '10.20.0.1', '', 'gw', '10.20.1.1', '::1'),
  nameservers: pick(
    '10.20.0.2',
    '10.20.0.2|1.1.1.1',
    '',
    'ns1',
    '1.1.1.1|',
    '|1.1.1.1',
    ' 1.1.1.1',
    '1.1.1.1||8.8.8.8',
  ),
  mac: pick(
    'aa:bb:cc:00:00:01',
    'aa:bb:cc:00:00:02',
    'AA:BB:CC:00:00:01',
    'aa-bb-cc-00-00-03',
    'aabb.cc00.0004',
    '',
    'zz:bb:cc:00:00:05',
    '00:00:00:00:fe:80:00:00',
    'aa:bb:cc:00:00:0',
  ),
  disk: pick(
    '/dev/sda',
    '/dev/nvme0n1',
    '/dev/sda1',
    '/dev/disk/by-id/x',
    '',
    'sda',
    '/dev/',
    '/dev/sda/dev/sdb',
    ' /dev/sda',
  ),
  labels: pick(
    'type=cp',
    'type=worker',
    'type=worker|rack=r1',
    '',
    'type',
    'type=',
    ' type = cp ',
    'a=b=c',
    'type=cp|',
    'x/y=z',
    'type=c p',
    'k=' + 'v'.repeat(64),
    'Type=CP',
  ),
  bmc_ip: pick('10.20.1.11', '10.20.1.12', '', 'bmc', '10.20.0.11', ' 10.20.1.13'),
  bmc_username: pick('admin', '', 'root', ' admin'),
  bmc_password: pick('pw', '', 'p,w', 'p"w', 'a\r\nb', 'a\nb', 'a\rb', ' pw ', 'é'),
  vlan_id: pick('', '1', '4094', '0', '4095', 'x', ' 5', '05', '+5', '-1', '99999999999999999999'),
} as const;
type Col = keyof typeof cells;
const REQUIRED: Col[] = ['hostname', 'ip_address', 'netmask', 'gateway', 'nameservers', 'mac', 'disk', 'labels'];

const headerName = (c: Col, rate: number) =>
  fc.oneof(
    {weight: rate, arbitrary: fc.constant(c as string)},
    {weight: 1, arbitrary: pick(` ${c}`, `${c} `, `\t${c}`, c.toUpperCase(), `"${c}"`)},
  );
const columns = fc
  .record({
    optional: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom<Col[]>(
          ['bmc_ip', 'bmc_username', 'bmc_password'],
          ['bmc_ip', 'bmc_username', 'bmc_password', 'vlan_id'],
          [],
          ['vlan_id'],
        ),
      },
      {weight: 1, arbitrary: fc.subarray(['bmc_ip', 'bmc_username', 'bmc_password', 'vlan_id'] as Col[])},
    ),
    drop: rarely(fc.constantFrom(...REQUIRED), 15),
    dup: rarely(fc.constantFrom<Col>('nameservers', 'vlan_id', 'labels', 'bmc_ip', 'mac'), 5),
    unknown: fc.integer({min: 0, max: 3}).map(n => n === 0),
    order: fc.array(fc.nat(), {minLength: 14, maxLength: 14}),
  })
  .map(({optional, drop, dup, unknown, order}) => {
    const cols: (Col | 'vendor')[] = [...REQUIRED.filter(c => c !== drop), ...optional];
    if (dup) cols.push(dup);
    if (unknown) cols.push('vendor');
    return cols
      .map((c, i) => ({c, k: order[i] ?? i}))
      .sort((a, b) => a.k - b.k)
      .map(x => x.c);
  });

/** Row i's value that both validators accept. */
function validCell(c: Col, i: number): string {
  const n = i + 1;
  const valid: Record<Col, string> = {
    hostname: `eksa-n${n}`,
    ip_address: `10.20.0.${10 + n}`,
    netmask: '255.255.255.0',
    gateway: '10.20.0.1',
    nameservers: '10.20.0.2|1.1.1.1',
    mac: `aa:bb:cc:00:00:0${n}`,
    disk: '/dev/sda',
    labels: i === 0 ? 'type=cp' : 'type=worker|rack=r1',
    bmc_ip: `10.20.1.${10 + n}`,
    bmc_username: 'admin',
    bmc_password: `p,w"${n}`,
    vlan_id: String(100 + n),
  };
  return valid[c];
}

const quote = (v: string, always: boolean) => (always || /[,"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

// Each case draws how often a cell or header is tricky: from nearly every one to nearly none.
const csvCase = fc.tuple(columns, fc.integer({min: 3, max: 40})).chain(([cols, rate]) =>
  fc.record({
    cols: fc.constant(cols),
    names: fc.tuple(...cols.map(c => (c === 'vendor' ? fc.constant('vendor') : headerName(c, rate)))),
    // Mostly each row's valid value (so that enough files are valid), sometimes a tricky one.
    rows: fc
      .array(fc.tuple(...cols.map(c => (c === 'vendor' ? pick('dell', 'a b') : rarely<string>(cells[c], rate)))), {
        minLength: 0,
        maxLength: 4,
      })
      .map(rows => rows.map((r, i) => r.map((v, j) => v ?? validCell(cols[j] as Col, i)))),
    quoteAll: fc.integer({min: 0, max: 3}).map(n => n === 0),
    eol: pick('\n', '\n', '\n', '\r\n', '\r\n', '\r'),
    bom: fc.integer({min: 0, max: 9}).map(n => n === 0),
    finalEol: fc.boolean(),
    blank: fc.boolean(),
    extraField: rarely(fc.nat(3), 10).map(v => v ?? null),
  }),
);

type Case = {
  names: string[];
  rows: string[][];
  quoteAll: boolean;
  eol: string;
  bom: boolean;
  finalEol: boolean;
  blank: boolean;
  extraField: number | null;
};

function serialize(c: Case): string {
  const lines = [c.names.map((n: string) => quote(n, false)).join(',')];
  c.rows.forEach((r: string[], i: number) => {
    const fields = r.map(v => quote(v, c.quoteAll));
    if (c.extraField === i) fields.push('extra');
    lines.push(fields.join(','));
    if (c.blank && i === 0) lines.push('');
  });
  return (c.bom ? '\ufeff' : '') + lines.join(c.eol) + (c.finalEol ? c.eol : '');
}

/** Valid files mutated at the text level: the shapes a hand edit produces. */
const mutatedValid = fc
  .record({
    n: fc.integer({min: 1, max: 4}),
    at: fc.nat(),
    insert: pick(' ', '\t', '"', ',', '\r', '\n', '|', '=', 'A', '0', '\ufeff', ':', '-'),
  })
  .map(({n, at, insert}) => {
    const base = makeSyntheticCsv(n);
    const i = at % (base.length + 1);
    return base.slice(0, i) + insert + base.slice(i);
  });

/** A valid file with one or two faults: a header spelled differently, a tricky cell, or both in one column. */
const fewFaults = fc
  .record({
    cols: columns,
    n: fc.integer({min: 1, max: 4}),
    faults: fc.array(
      fc.record({
        col: fc.nat(),
        row: fc.nat(),
        header: fc.boolean(),
        cell: fc.boolean(),
        variant: fc.nat(4),
        value: fc.nat(20),
      }),
      {minLength: 1, maxLength: 2},
    ),
    eol: pick('\n', '\r\n'),
  })
  .map(({cols, n, faults, eol}) => {
    const names: string[] = cols.map(c => c);
    const rows = Array.from({length: n}, (_, i) => cols.map(c => (c === 'vendor' ? 'dell' : validCell(c, i))));
    for (const f of faults) {
      const j = f.col % cols.length;
      const c = cols[j]!;
      if (c === 'vendor') continue;
      if (f.header) names[j] = [` ${c}`, `${c} `, `\t${c}`, c.toUpperCase(), `\u00a0${c}`][f.variant]!;
      if (f.cell || !f.header) {
        const pool = fc.sample(cells[c], {numRuns: 1, seed: f.value * 7919 + j})[0]!;
        rows[f.row % n]![j] = pool;
      }
    }
    return [names.join(','), ...rows.map(r => r.map(v => quote(v, false)).join(','))].join(eol) + eol;
  });

export const anyCase = fc.oneof(
  {weight: 4, arbitrary: csvCase.map(c => serialize(c as Case))},
  {weight: 3, arbitrary: fewFaults},
  {weight: 1, arbitrary: mutatedValid},
);
