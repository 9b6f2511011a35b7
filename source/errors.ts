// The errors a user reads as one line, with the exit code the CLI gives them. Messages name the key,
// file or flag to fix, never a secret value. (Session store errors are in source/session/errors.ts.)

/** A command line that cannot be used: exit 2 with one line. */
export class UsageError extends Error {}

/**
 * An answer that is given but cannot be used (a variable that is not set, a file that cannot be read,
 * values that break a rule): exit 2 in headless runs, naming the answers-file key.
 */
export class AnswerError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/** A missing answer in a headless run: exit 2, naming the answers-file key. */
export class MissingAnswerError extends AnswerError {
  constructor(
    key: string,
    readonly expected: string,
  ) {
    super(key, `missing answer: ${key} (${expected}); set it in the answers file`);
  }
}

/** A step that cannot go on for a reason the user must fix (exit 1 in headless runs). */
export class StepFailure extends Error {}
