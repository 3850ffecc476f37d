/** One problem found while validating a scheme: where it is, and what is wrong. */
export interface SchemeProblem {
  /** A path into the scheme, e.g. `transitions[3] "ManagerSigning_Approved_1".conditions[0]`. */
  readonly where: string;
  readonly message: string;
}
