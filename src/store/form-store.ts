/**
 * The form seam of the store: named forms of a scheme (`getformbyflow`), per state or for any
 * state.
 */

/** One stored form. `state` null means "any state of the scheme". */
export interface FormRecord {
  readonly schemeCode: string;
  readonly name: string;
  readonly state: string | null;
  readonly source: string;
}

/** Where forms are kept. */
export interface FormStore {
  /** Saves (inserts or replaces) the form with this scheme code, name and state. */
  saveForm(form: FormRecord): Promise<FormRecord>;
  getForm(schemeCode: string, name: string, state: string | null): Promise<FormRecord | null>;
  /** Forms of a scheme, or forms of a name across schemes. */
  listForms(filter: { schemeCode?: string; name?: string }): Promise<readonly FormRecord[]>;
  /** True when a form was deleted. */
  deleteForm(schemeCode: string, name: string, state: string | null): Promise<boolean>;
}
