// Errors the CLI prints as one line (err.message) without a stack trace: each names the file it is about.
// Messages never contain a secret value: only names of files, keys and environment variables.

/** A session cannot be created, found, read or saved. */
export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    message: string,
    /** The file or folder the message is about, when there is one. */
    readonly file?: string,
  ) {
    super(message);
  }
}

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

/** A session the store refused to write because it would not load again; `problem` names the key. */
export class InvalidSessionError extends SessionError {
  override name = 'InvalidSessionError';
  constructor(
    message: string,
    file: string,
    /** e.g. "answers.discovery.pxe.port: Too big: expected number to be <=65535" */
    readonly problem: string,
  ) {
    super(message, file);
  }
}

/** Another live process holds the session's lock. */
export class LockError extends SessionError {
  override name = 'LockError';
  constructor(
    message: string,
    file: string,
    /** Absent when the lock file could not be read. */
    readonly holder?: LockHolder,
  ) {
    super(message, file);
  }
}

/** A secret reference (env var or file) cannot be resolved, or secrets.json is unreadable. */
export class SecretError extends Error {
  override name = 'SecretError';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

export interface AnswersIssue {
  /** Dotted path with list indexes, e.g. machines[1].role ('' for the whole file). */
  path: string;
  /** 1-based line in the answers file, when known. */
  line?: number;
  /** What is wrong or expected, e.g. "expected cp or worker". */
  problem: string;
}

/** The answers file is missing, is not YAML, or does not fit the answers schema. */
export class AnswersFileError extends Error {
  override name = 'AnswersFileError';
  constructor(
    message: string,
    readonly file: string,
    readonly issues: AnswersIssue[] = [],
  ) {
    super(message);
  }
}

/** Short reason for a failed file operation: the code, never the content. */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ELOOP':
      return 'it is a symbolic link (eksa-kong keeps its files only in real folders: remove the link or give the real path)';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case undefined:
      return err instanceof Error ? err.message : String(err);
    default:
      return code;
  }
}
