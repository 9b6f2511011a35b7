// The common shape of every check the Kong steps report: screens show title + detail and, when not ok,
// the one-line fix. Never holds a secret.
export type FindingStatus = 'ok' | 'warn' | 'fail' | 'pending';

export interface KongFinding {
  id: string;
  status: FindingStatus;
  title: string;
  detail?: string;
  /** One line telling the admin what to do; present when status is not ok. */
  fix?: string;
}
