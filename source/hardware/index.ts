// hardware.csv: read, validate, write, and build from or import into the session's answers.
export type {Finding, HardwareBmc, HardwareRow, Issue, Level, RuleMode, ValidationResult} from './types.js';
export {COLUMNS, DOCUMENTED_ORDER, REQUIRED_COLUMNS, type Column} from './columns.js';
export {readCsvRecords, countLines, type CsvRecord, type CsvReadResult, type CsvSyntaxError} from './csv-reader.js';
export {validateHardwareCsv, type ValidateOptions} from './validate.js';
export {formatHardwareCsv, writeHardwareCsvFile} from './write.js';
export {
  generateHardwareCsvFromAnswers,
  machinesFromRows,
  rowsFromAnswers,
  type GeneratedHardwareCsv,
  type ImportedHardware,
  type SecretLookup,
} from './answers.js';
export {suggestHostnames, suggestIps} from './suggest.js';
export {checkField, validateField, type FieldContext} from './field.js';
export {hardwareValidateCli, formatReport, formatJson, type CliOutput} from './cli.js';
export {normalizeMac, parseMac} from '../net/mac.js';
export {makeSyntheticCsv, makeSyntheticRows} from './synthetic.js';
