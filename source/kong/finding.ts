// The common shape of every check the Kong steps report: screens show title + detail and, when not ok,
// the one-line fix. Never holds a secret.
export type FindingStatus = 'ok' | 'warn' | 'fail' | 'pending';

export interface Finding {
  id: string;
  status: FindingStatus;
  title: string;
  detail?: string;
  /** One line telling the admin what to do; present when status is not ok. */
  fix?: string;
}

export function worstStatus(findings: readonly Finding[]): FindingStatus {
  const order: FindingStatus[] = ['fail', 'pending', 'warn', 'ok'];
  for (const status of order) if (findings.some(f => f.status === status)) return status;
  return 'ok';
}
