// Values inside messages are shown JSON-quoted, so a control character or newline from the file cannot
// garble or drive the admin's terminal.
export function q(value: string | undefined): string {
  return JSON.stringify(value ?? '');
}
