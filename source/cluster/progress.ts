// A streaming parser of `eksctl anywhere create cluster` console output. It keys a phase bar on the
// V0 anchor lines (current and older wording), keeps the validation checklist, and notices the end.
// Unknown lines are ignored: wording changes between releases and must not break the bar.

export interface Phase {
  title: string;
  /** Anchors that start this phase. */
  anchors: readonly RegExp[];
}

export const PHASES: readonly Phase[] = [
  {title: 'Setup and validations', anchors: [/^Performing setup and validations/]},
  {title: 'Bootstrap cluster and Tinkerbell stack', anchors: [/^Creating new bootstrap cluster/]},
  {title: 'Provisioning the machines', anchors: [/^Creating new (management|workload) cluster/]},
  {title: 'Moving management to the new cluster', anchors: [/^Moving .*cluster management/]},
  {title: 'Writing the cluster config', anchors: [/^Writing cluster config file/]},
  {title: 'Deleting the bootstrap cluster', anchors: [/^Deleting bootstrap cluster/]},
];

/** Known lines inside a phase, shown as the current activity (with a friendlier text where useful). */
const ACTIVITIES: readonly [RegExp, string | null][] = [
  [/^Provider specific pre-capi-install-setup/, 'Starting the Tinkerbell stack (Smee container, tink-server)'],
  [/^Installing cluster-api providers on bootstrap cluster/, null],
  [/^Provider specific post-setup/, 'Registering hardware and waiting for the BMCs to be contactable (up to 5 min)'],
  [/^Installing EKS-A custom components on bootstrap cluster/, null],
  [/^Installing EKS-D components/, null],
  [/^Installing EKS-A custom components \(CRD and controller\)/, null],
  [/^Applying cluster spec/, null],
  [/^Waiting for control plane to be ready/, 'Waiting for the control plane (PXE boot, image stream, kubeadm)'],
  [/^Waiting for default CNI to be updated/, null],
  [/^Waiting for worker nodes to be ready/, null],
  [/^Waiting for cluster changes to be completed/, null],
  [/^Creating EKS-A namespace/, null],
  [/^Installing cluster-api providers on (management|workload) cluster/, null],
  [/^Installing EKS-A secrets on (management|workload) cluster/, null],
  [/^Installing networking on workload cluster/, null],
  [/^Installing EKS-A custom components on the (management|workload) cluster/, null],
  [/^Moving cluster spec to workload cluster/, null],
  [/^Installing GitOps Toolkit on workload cluster/, null],
  [/^GitOps field not specified/, null],
  [/^Enabling curated packages on the cluster/, null],
  [/^Package controller disabled/, null],
  [/^collecting .*diagnostics/i, 'Collecting diagnostics (support bundle)'],
];

const SUCCESS = /Cluster created!/;
const VALIDATION_PASS = /^✅\s+(.+)$/;
const VALIDATION_FAIL = /^❌\s+Validation failed\s*(\{.*\})?\s*$/;
const OLD_VALIDATIONS_PASS = /^Create preflight validations pass/;
// logger.MarkWarning prefixes "⚠️" with no space of its own (pkg/logger/logger.go); callers add one or not.
const WARNING_MARK = /^\u26A0\uFE0F?\s*(.+)$/u;
const TERMINATING = /^Warning: Terminating this operation may leave the cluster in an irrecoverable state/;
const PRIVATE_KEY = /^Private key saved to (\S+?)\.? Use /;
const SUPPORT_BUNDLE = /(support-bundle-[^\s"',]+\.tar\.gz)/;

/**
 * At -v 4 and above every line starts with an ISO8601 time and a V<n> level (zap console encoder),
 * sometimes followed by the caller; error-level lines carry a negative level (V-1). Strip them to get
 * the message.
 */
const TIMESTAMP_PREFIX =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s+V(-?\d+)\s+(?:[\w./-]+\.go:\d+\s+)?/;

export interface ParsedLine {
  message: string;
  /** Level when the line had the -v 4 prefix. */
  level: number | undefined;
  /** The structured tail ("message<TAB>{json}"), parsed when it is JSON. */
  fields: Record<string, unknown> | undefined;
}

export function parseConsoleLine(raw: string): ParsedLine {
  let line = raw.replace(/\r$/, '').replace(/\x1b\[[0-9;]*m/g, '');
  let level: number | undefined;
  const ts = TIMESTAMP_PREFIX.exec(line);
  if (ts) {
    level = Number(ts[1]);
    line = line.slice(ts[0].length);
  }
  let fields: Record<string, unknown> | undefined;
  const tab = line.indexOf('\t{');
  let message = line;
  if (tab >= 0 && !VALIDATION_FAIL.test(line.trim())) {
    fields = parseFields(line.slice(tab + 1));
    if (fields) message = line.slice(0, tab);
  }
  return {message: message.trim(), level, fields};
}

function parseFields(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text.trim());
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export type PhaseState = 'pending' | 'running' | 'done' | 'failed';

export interface PhaseProgress {
  title: string;
  state: PhaseState;
  startedAt: number | undefined;
  endedAt: number | undefined;
  /** Time spent, so far for the running phase. */
  durationMs: number | undefined;
}

export interface ValidationItem {
  name: string;
  ok: boolean;
  error?: string;
  remediation?: string;
}

export type Outcome = 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface ProgressState {
  /** Index of the current phase, -1 before the first anchor. */
  phaseIndex: number;
  total: number;
  phases: PhaseProgress[];
  /** The latest known line inside the phase, for a one-line "now doing". */
  activity: string | undefined;
  validations: ValidationItem[];
  warnings: string[];
  outcome: Outcome;
  /** The `Error: ...` text when the create failed. */
  error: string | undefined;
  /** Lines that look like errors (for the failure mapping), in order. */
  errorLines: string[];
  privateKeyPath: string | undefined;
  supportBundle: string | undefined;
}

export interface ProgressClock {
  now(): number;
}

export class CreateProgressParser {
  private phaseIndex = -1;
  private readonly started: (number | undefined)[] = PHASES.map(() => undefined);
  private readonly ended: (number | undefined)[] = PHASES.map(() => undefined);
  /** Phases whose times are unknown: read back from an earlier output, not seen as they happened. */
  private readonly untimed: boolean[] = PHASES.map(() => false);
  private activity: string | undefined;
  private readonly validations: ValidationItem[] = [];
  private readonly warnings: string[] = [];
  private readonly errorLines: string[] = [];
  private outcome: Outcome = 'running';
  private error: string | undefined;
  private privateKeyPath: string | undefined;
  private supportBundle: string | undefined;

  constructor(private readonly clock: ProgressClock) {}

  /** The index of the current phase (-1 before the first). */
  get phase(): number {
    return this.phaseIndex;
  }

  /** Feed one line. Returns true when the visible state changed. */
  push(raw: string): boolean {
    const {message, fields} = parseConsoleLine(raw);
    if (message === '') return false;

    const anchored = PHASES.findIndex(p => p.anchors.some(a => a.test(message)));
    // Phases only move forward: a repeated or older anchor must not rewind the bar.
    if (anchored >= 0 && anchored > this.phaseIndex) {
      this.enterPhase(anchored);
      this.activity = undefined;
      return true;
    }
    if (SUCCESS.test(message)) {
      const now = this.clock.now();
      if (this.phaseIndex >= 0) this.ended[this.phaseIndex] ??= now;
      for (let i = 0; i < PHASES.length; i++) {
        // Phases the run skipped (older releases) count as done.
        this.started[i] ??= now;
        this.ended[i] ??= now;
      }
      this.phaseIndex = PHASES.length - 1;
      this.outcome = 'succeeded';
      this.activity = undefined;
      return true;
    }
    const pass = VALIDATION_PASS.exec(message);
    if (pass) {
      this.validations.push({name: pass[1]!.trim(), ok: true});
      return true;
    }
    const fail = VALIDATION_FAIL.exec(message);
    if (fail) {
      const f = fail[1] ? parseFields(fail[1]) : undefined;
      const item: ValidationItem = {name: String(f?.validation ?? 'unknown validation'), ok: false};
      if (typeof f?.error === 'string' && f.error !== '') item.error = f.error;
      if (typeof f?.remediation === 'string' && f.remediation !== '') item.remediation = f.remediation;
      this.validations.push(item);
      if (item.error) this.errorLines.push(item.error);
      return true;
    }
    if (OLD_VALIDATIONS_PASS.test(message)) {
      this.validations.push({name: 'Create preflight validations', ok: true});
      return true;
    }
    const key = PRIVATE_KEY.exec(message);
    if (key) {
      this.privateKeyPath = key[1];
      return true;
    }
    const bundle = SUPPORT_BUNDLE.exec(message) ?? SUPPORT_BUNDLE.exec(JSON.stringify(fields ?? {}));
    if (bundle) this.supportBundle = bundle[1];
    if (TERMINATING.test(message)) {
      this.outcome = 'interrupted';
      this.markFailed();
      return true;
    }
    if (message.startsWith('Error: ')) {
      this.outcome = 'failed';
      this.error = message.slice('Error: '.length);
      this.errorLines.push(this.error);
      this.markFailed();
      return true;
    }
    if (message.startsWith('Warning:')) {
      this.warnings.push(message);
      return true;
    }
    const marked = WARNING_MARK.exec(message);
    if (marked) {
      const extra = fields
        ? Object.entries(fields).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        : [];
      this.warnings.push(extra.length ? `${marked[1]!} (${extra.join(', ')})` : marked[1]!);
      return true;
    }
    for (const [pattern, text] of ACTIVITIES) {
      if (pattern.test(message)) {
        if (this.phaseIndex < 0) this.enterPhase(0);
        this.activity = text ?? message;
        return true;
      }
    }
    if (typeof fields?.error === 'string') this.errorLines.push(fields.error);
    return bundle !== null;
  }

  /** The process ended. A non-zero exit without an `Error:` line still counts as a failure. */
  finish(exitCode: number | null, signal?: string | null): ProgressState {
    if (this.outcome === 'running') {
      if (exitCode === 0) {
        // eksctl exited 0 without the final line (older wording): trust the exit status.
        this.push('Cluster created!');
      } else {
        this.outcome = signal ? 'interrupted' : 'failed';
        this.error ??= signal ? `stopped by ${signal}` : `eksctl exited with ${String(exitCode)}`;
        this.markFailed();
      }
    }
    return this.state();
  }

  /**
   * The lines so far were read back from an earlier output (a resume), not as they were written: the
   * phases they started have no known times, and none is made up for them.
   */
  untimeStarted(): void {
    for (let i = 0; i < PHASES.length; i++) if (this.started[i] !== undefined) this.untimed[i] = true;
  }

  /**
   * The process ended but its exit status is unknown (an eksctl left running by a killed wizard is not
   * our child): without the success line it failed, for the reason given unless a line said why.
   */
  finishUnobserved(reason: string): ProgressState {
    if (this.outcome === 'running') {
      this.outcome = 'failed';
      this.error ??= reason;
      this.markFailed();
    }
    return this.state();
  }

  state(): ProgressState {
    const now = this.clock.now();
    const phases = PHASES.map((p, i): PhaseProgress => {
      const startedAt = this.started[i];
      const endedAt = this.ended[i];
      let state: PhaseState = 'pending';
      if (startedAt !== undefined) state = endedAt === undefined ? 'running' : 'done';
      if (i === this.phaseIndex && (this.outcome === 'failed' || this.outcome === 'interrupted')) state = 'failed';
      return {
        title: p.title,
        state,
        startedAt,
        endedAt,
        durationMs: startedAt === undefined || this.untimed[i] ? undefined : (endedAt ?? now) - startedAt,
      };
    });
    return {
      phaseIndex: this.phaseIndex,
      total: PHASES.length,
      phases,
      activity: this.activity,
      validations: [...this.validations],
      warnings: [...this.warnings],
      outcome: this.outcome,
      error: this.error,
      errorLines: [...this.errorLines],
      privateKeyPath: this.privateKeyPath,
      supportBundle: this.supportBundle,
    };
  }

  private enterPhase(index: number): void {
    const now = this.clock.now();
    if (this.phaseIndex >= 0) this.ended[this.phaseIndex] ??= now;
    // Skipped phases (a line missing in some release) are closed at zero length.
    for (let i = Math.max(0, this.phaseIndex); i < index; i++) {
      this.started[i] ??= now;
      this.ended[i] ??= now;
    }
    this.phaseIndex = index;
    this.started[index] = now;
  }

  private markFailed(): void {
    if (this.phaseIndex >= 0) this.ended[this.phaseIndex] ??= this.clock.now();
  }
}

/** A recorded transcript: one `<seconds-offset>\t<line>` per line (the line may itself hold tabs). */
export interface TranscriptLine {
  offsetSeconds: number;
  line: string;
  /** The logger level eksctl prints it at (`<seconds>\tV<n>\t<line>`): shown only at -v n or more. */
  level: number;
}

export function parseTranscriptFile(text: string): TranscriptLine[] {
  const out: TranscriptLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const tab = raw.indexOf('\t');
    if (tab < 0) throw new Error(`transcript line without an offset: ${raw}`);
    const offsetSeconds = Number(raw.slice(0, tab));
    if (!Number.isFinite(offsetSeconds)) throw new Error(`transcript offset is not a number: ${raw}`);
    const leveled = /^V(\d)\t/.exec(raw.slice(tab + 1));
    out.push({
      offsetSeconds,
      line: raw.slice(tab + 1 + (leveled ? leveled[0].length : 0)),
      level: leveled ? Number(leveled[1]) : 0,
    });
  }
  return out;
}
