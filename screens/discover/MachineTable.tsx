// The live table of machines found: one line each (picked, role, boot MAC, BMC, disk, sources), a window
// that follows the cursor, and the highlighted machine's details underneath.
import React from 'react';
import {Text} from 'ink';
import type {DiscoveredMachine} from '../../source/discovery/correlate.js';
import type {Role} from '../../source/steps/discover/step.js';
import {useTheme} from '../../source/ui/theme.js';

const SOURCE_LETTER: Record<string, string> = {csv: 'C', redfish: 'R', ipmi: 'I', power: 'W', pxe: 'P'};

function cell(text: string, n: number): string {
  return text.length > n ? text.slice(0, n - 1) + '…' : text.padEnd(n);
}

export function tableLine(m: DiscoveredMachine, role: Role | undefined, cursor: boolean): string {
  const mac = m.bootMac ?? m.macs[0] ?? '(no MAC yet)';
  const src = m.sources.map(s => SOURCE_LETTER[s] ?? '?').join('');
  const what = [m.vendor, m.model].filter(Boolean).join(' ') || m.hostname || '';
  return `${cursor ? '›' : ' '} [${role ? 'x' : ' '}] ${cell(role ?? '', 6)} ${cell(mac, 17)} ${cell(m.bmc?.address ?? '-', 15)} ${cell(m.disk?.device ?? '-', 12)} ${cell(src, 5)} ${what}`;
}

export const TABLE_HEADER = `  pick role   ${'boot MAC'.padEnd(17)} ${'BMC'.padEnd(15)} ${'disk'.padEnd(12)} ${'src'.padEnd(5)} vendor/model`;

/** Lines under the table for the highlighted machine; always DETAIL_LINES of them, so the layout holds. */
export const DETAIL_LINES = 4;

export function details(m: DiscoveredMachine): string[] {
  const names: Record<string, string> = {
    csv: 'hardware.csv',
    redfish: 'Redfish',
    ipmi: 'IPMI',
    power: 'power-on',
    pxe: 'PXE',
  };
  const notes = [...m.conflicts.map(c => `conflict: ${c}`), ...(m.warnings ?? []).filter(w => !w.startsWith('disk: '))];
  const boot = m.bootMac
    ? `boot MAC ${m.bootMac} from ${m.bootMacSource ?? 'unknown'}${m.bootMacDetail ? ` (${m.bootMacDetail})` : ''}`
    : 'boot MAC: none known; PXE-boot the machine (or power it on through its BMC) to learn it';
  const diskNote = (m.warnings ?? []).find(w => w.startsWith('disk: '));
  return [
    `${[m.vendor, m.model, m.serial && `serial ${m.serial}`].filter(Boolean).join(' ') || 'unknown model'} · UUID ${m.uuid ?? '-'} · from ${m.sources.map(s => names[s] ?? s).join(', ')}`,
    `${boot} · NICs ${m.macs.join(' ') || '-'}`,
    m.disk
      ? `disk ${m.disk.device}: ${m.disk.reason}`
      : (diskNote ?? 'disk: no suggestion; confirm it on the next screen'),
    notes.length ? `! ${notes[0]}${notes.length > 1 ? ` (+${notes.length - 1} more)` : ''}` : '',
  ];
}

export function MachineTable(props: {
  machines: DiscoveredMachine[];
  roles: ReadonlyMap<string, Role>;
  cursor: number;
  rows: number;
  width: number;
}) {
  const theme = useTheme();
  const {machines, roles, cursor, rows, width} = props;
  if (machines.length === 0) {
    return <Text color={theme.color('muted')}>No machines yet: they appear here as the sources report them.</Text>;
  }
  const start = Math.max(0, Math.min(cursor - Math.floor(rows / 2), machines.length - rows));
  const shown = machines.slice(start, start + Math.max(1, rows));
  const current = machines[cursor];
  return (
    <>
      <Text bold wrap="truncate-end">
        {TABLE_HEADER.slice(0, width)}
      </Text>
      {shown.map((m, k) => (
        <Text
          key={m.id}
          wrap="truncate-end"
          color={m.conflicts.length ? theme.color('warn') : undefined}
          bold={start + k === cursor}
        >
          {tableLine(m, roles.get(m.id), start + k === cursor).slice(0, width)}
        </Text>
      ))}
      {current
        ? details(current).map((line, i) => (
            <Text
              key={`d${i}`}
              color={i === DETAIL_LINES - 1 ? theme.color('warn') : theme.color('muted')}
              wrap="truncate-end"
            >
              {`  ${line}`}
            </Text>
          ))
        : null}
    </>
  );
}
