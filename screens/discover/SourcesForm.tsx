// The Discover screen's settings: which sources run, and their values (port, BMC targets, credentials).
import React from 'react';
import {Box, Text} from 'ink';
import {TextField} from '../../source/ui/TextField.js';
import type {DiscoverySettings} from '../../source/discovery/plan.js';
import {useTheme} from '../../source/ui/theme.js';
import type {SourceRow} from '../../source/steps/discover/sources.js';

export function SourcesForm(props: {
  rows: SourceRow[];
  settings: DiscoverySettings;
  password: string;
  passwordStored: boolean;
  focus: number;
  editing: string | null;
  width: number;
  onChange(value: string): void;
  onSubmit(value: string): void;
  /** Esc in the field: the value is left as it was. */
  onCancel(): void;
}) {
  const theme = useTheme();
  const {rows, settings, password, focus, editing, width} = props;
  const labelWidth = Math.max(...rows.map(r => r.label.length)) + 1;
  return (
    <>
      {rows.map((row, i) => {
        const focused = i === focus;
        const box = row.on ? `[${row.on(settings) ? 'x' : ' '}] ` : '    ';
        const head = `${focused ? '›' : ' '} ${box}${row.label.padEnd(labelWidth)}`;
        if (focused && editing !== null && row.text) {
          return (
            <Box key={row.id} width={width}>
              <Text bold>{head}</Text>
              <TextField
                value={editing}
                onChange={props.onChange}
                onSubmit={props.onSubmit}
                onCancel={props.onCancel}
                {...(row.mask ? {mask: '*'} : {})}
                focus
              />
            </Box>
          );
        }
        let value = row.text ? row.text(settings, password) : '';
        if (row.mask) value = value ? '*'.repeat(Math.min(12, value.length)) : props.passwordStored ? '(stored)' : '';
        if (row.id === 'pxe' && Number.isNaN(settings.pxe.port)) value = '(not a port number)';
        const empty = value === '' && row.placeholder;
        return (
          <Text key={row.id} wrap="truncate-end">
            <Text
              bold={focused}
              inverse={focused && theme.monochrome}
              color={focused ? theme.color('accent') : undefined}
            >
              {head}
            </Text>
            <Text color={empty ? theme.color('muted') : undefined}>{empty ? row.placeholder : value}</Text>
          </Text>
        );
      })}
    </>
  );
}
