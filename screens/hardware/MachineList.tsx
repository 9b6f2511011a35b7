// One line per machine under the form: where each stands, so errors on other machines are not hidden.
import React from 'react';
import {Text} from 'ink';
import {draftErrors, type MachineDraft, type NetworkDraft} from '../../source/hardware/drafts.js';
import {useTheme} from '../../source/ui/theme.js';

export function MachineList({
  drafts,
  network,
  current,
  width,
  rows,
}: {
  drafts: MachineDraft[];
  network: NetworkDraft;
  current: number;
  width: number;
  rows: number;
}) {
  const theme = useTheme();
  if (rows <= 0 || drafts.length === 0) return null;
  const errors = draftErrors(drafts, network);
  const start = Math.max(0, Math.min(current - Math.floor(rows / 2), drafts.length - rows));
  return (
    <>
      {drafts.slice(start, start + rows).map((d, k) => {
        const i = start + k;
        const bad = errors.filter(e => e.machine === i).length;
        const line = `${i === current ? '›' : ' '} ${String(i + 1).padStart(2)} ${d.hostname.padEnd(12)} ${d.ip.padEnd(15)} ${d.role.padEnd(6)} ${d.disk}`;
        return (
          <Text key={i} wrap="truncate-end" color={bad ? theme.color('error') : undefined}>
            {`${line}  ${bad ? `✖ ${bad} to fix` : '✔'}`.slice(0, width)}
          </Text>
        );
      })}
    </>
  );
}
