/**
 * Schemes: the native JSON format, vendor XML import/export, CEL expressions and compilation
 * into the immutable model the engine runs.
 */
export * from './model.js';
export {
  compileExpression,
  celTypeOf,
  MAX_EXPRESSION_LENGTH,
  MAX_EXPRESSION_NODES,
  MAX_EXPRESSION_DEPTH,
  type CelType,
} from './expressions.js';
export {
  parseInterval,
  isInterval,
  parseTimeOfDay,
  parseTimerDate,
  type TimeOfDay,
  type TimerDate,
} from './timer-values.js';
export { compileTimer, timerSchedule, type TimerProblem } from './timer-schedule.js';
export * from './action-arguments.js';
export { parseSchemeJson, toSchemeJson } from './json-format.js';
export { importVendorXml, MAX_XML_LENGTH, type VendorXmlImportOptions } from './xml-import.js';
export { exportVendorXml } from './xml-export.js';
export { formatTypedValue } from './xml-typed-values.js';
export {
  compileScheme,
  BUILT_IN_ACTIONS,
  BUILT_IN_CONDITIONS,
  BUILT_IN_RULES,
  FILE_ACTIONS,
  SYSTEM_PARAMETER_NAMES,
  MAX_SCHEME_ELEMENTS,
  type CompileOptions,
} from './compile.js';
export { loadScheme, type LoadSchemeInput, type LoadSchemeOptions } from './load-scheme.js';
export { isPrototypeKey } from './reserved-names.js';
