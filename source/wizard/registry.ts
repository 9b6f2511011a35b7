// Kept so the wizard's callers need not know where things moved: the steps and their registry are in
// source/steps/ (types.ts, registry.ts, <id>/index.ts), the user-facing errors in source/errors.ts.
export type {CheckResult, StepContext, StepDefinition, StepOutcome} from '../steps/types.js';
export {allSteps, getStep} from '../steps/registry.js';
export {AnswerError, MissingAnswerError, StepFailure} from '../errors.js';
