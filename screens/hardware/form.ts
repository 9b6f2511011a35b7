// The hardware form's fields in screen order: the shared network first, then the current machine's.
import type {MachineDraft, MachineField, NetworkDraft, NetworkField} from '../../source/hardware/drafts.js';

export type FormField =
  | {kind: 'network'; field: NetworkField; label: string}
  | {kind: 'machine'; field: MachineField | 'role'; label: string};

export const FORM_FIELDS: FormField[] = [
  {kind: 'network', field: 'netmask', label: 'netmask'},
  {kind: 'network', field: 'gateway', label: 'gateway'},
  {kind: 'network', field: 'nameservers', label: 'nameservers'},
  {kind: 'machine', field: 'hostname', label: 'hostname'},
  {kind: 'machine', field: 'ip', label: 'ip address'},
  {kind: 'machine', field: 'role', label: 'role'},
  {kind: 'machine', field: 'disk', label: 'disk'},
  {kind: 'machine', field: 'mac', label: 'boot mac'},
  {kind: 'machine', field: 'bmcIp', label: 'bmc ip'},
  {kind: 'machine', field: 'bmcUsername', label: 'bmc username'},
  {kind: 'machine', field: 'bmcPassword', label: 'bmc password'},
  {kind: 'machine', field: 'labels', label: 'labels'},
  {kind: 'machine', field: 'vlanId', label: 'vlan id'},
];

export function valueOf(f: FormField, network: NetworkDraft, machine: MachineDraft | undefined): string {
  if (f.kind === 'network') return network[f.field];
  if (!machine) return '';
  return f.field === 'role' ? machine.role : machine[f.field];
}

/** A new draft list with one machine field changed (editing the password drops the answers' reference). */
export function setMachineField(
  drafts: readonly MachineDraft[],
  i: number,
  field: MachineField,
  value: string,
): MachineDraft[] {
  return drafts.map((d, j) => {
    if (j !== i) return d;
    const next: MachineDraft = {...d, [field]: value};
    if (field === 'bmcPassword') delete next.bmcRef;
    return next;
  });
}
