/**
 * Named forms (`getformbyflow`): a form is a piece of source text (HTML, JSON, whatever the
 * client renders) stored under a scheme code and a name, optionally for one state of that scheme.
 * Looking a form up for a process prefers the form of the process's current state and falls back
 * to the scheme-wide form of that name.
 */
import { WaymarkError } from '../errors/index.js';
import type { CallScope } from './workflow-service.js';
import type { ProcessInstance } from '../engine/types.js';
import type { FormRecord } from '../store/records.js';
import type { FormStore } from '../store/form-store.js';

export type { FormRecord, FormRecords } from '../store/records.js';

/** How the form service reads a process instance (the WorkflowService provides it). */
export interface InstanceReader {
  getInstance(processId: string, scope?: CallScope): Promise<ProcessInstance>;
}

const MAX_SOURCE_LENGTH = 1_000_000;
const NAME_PATTERN = /^[\p{L}\p{N}_.\- ]{1,200}$/u;

/** Stores forms and finds the one that fits a process. */
export class FormService {
  constructor(
    private readonly records: FormStore,
    private readonly instances: InstanceReader,
  ) {}

  /** Saves a form after checking its fields. */
  async save(input: { schemeCode: unknown; name: unknown; state?: unknown; source: unknown }): Promise<FormRecord> {
    const form: FormRecord = {
      schemeCode: requireName(input.schemeCode, 'schemeCode'),
      name: requireName(input.name, 'name'),
      state: input.state === undefined || input.state === null || input.state === '' ? null : requireName(input.state, 'state'),
      source: requireSource(input.source),
    };
    return this.records.saveForm(form);
  }

  /** The forms of one scheme. */
  async list(schemeCode: string): Promise<readonly FormRecord[]> {
    return this.records.listForms({ schemeCode });
  }

  /** Deletes a form; WM_NOT_FOUND when there is none. */
  async delete(schemeCode: string, name: string, state: string | null): Promise<void> {
    if (!(await this.records.deleteForm(schemeCode, name, state))) throw formNotFound(name, schemeCode, state);
  }

  /**
   * The form named `name` for a flow. With a process: the form for the process's scheme and
   * current state, else the scheme-wide one. Without a process: the scheme-wide form of
   * `schemeCode`, or, without that either, the only scheme-wide form of that name.
   */
  async getForFlow(input: { name: unknown; processId?: string; schemeCode?: string; scope?: CallScope }): Promise<FormRecord> {
    const name = requireName(input.name, 'name');
    if (input.processId) {
      const instance = await this.instances.getInstance(input.processId, input.scope);
      const byState = instance.stateName ? await this.records.getForm(instance.schemeCode, name, instance.stateName) : null;
      const form = byState ?? (await this.records.getForm(instance.schemeCode, name, null));
      if (!form) throw formNotFound(name, instance.schemeCode, instance.stateName);
      return form;
    }
    if (input.schemeCode) {
      const form = await this.records.getForm(input.schemeCode, name, null);
      if (!form) throw formNotFound(name, input.schemeCode, null);
      return form;
    }
    const candidates = (await this.records.listForms({ name })).filter((f) => f.state === null);
    const [only, ...others] = candidates;
    if (!only) throw formNotFound(name, null, null);
    if (others.length > 0) {
      throw new WaymarkError(
        'WM_INPUT_INVALID',
        `Several schemes have a form '${name}' (${candidates.map((f) => f.schemeCode).join(', ')}): pass processId or schemeCode`,
        { name },
      );
    }
    return only;
  }
}

function formNotFound(name: string, schemeCode: string | null, state: string | null): WaymarkError {
  const where = schemeCode ? ` of scheme '${schemeCode}'${state ? ` (state '${state}')` : ''}` : '';
  return new WaymarkError('WM_NOT_FOUND', `Form '${name}'${where} is not found`, { name, schemeCode, state });
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WaymarkError('WM_INPUT_MISSING', `Parameter '${field}' is required!`, { field });
  }
  const trimmed = value.trim();
  if (!NAME_PATTERN.test(trimmed)) {
    throw new WaymarkError('WM_INPUT_INVALID', `Parameter '${field}' may hold letters, digits, spaces, '_', '.', '-' (at most 200)`, {
      field,
    });
  }
  return trimmed;
}

function requireSource(value: unknown): string {
  if (typeof value !== 'string') {
    throw new WaymarkError('WM_INPUT_MISSING', `Parameter 'source' is required and must be string!`, { field: 'source' });
  }
  if (value.length > MAX_SOURCE_LENGTH) {
    throw new WaymarkError('WM_INPUT_INVALID', `Parameter 'source' is longer than ${MAX_SOURCE_LENGTH} characters`, { field: 'source' });
  }
  return value;
}

/** Forms held in memory: for tests, until the Store's `forms` table is in use. */
export class InMemoryFormRecords implements FormStore {
  private readonly forms = new Map<string, FormRecord>();

  async saveForm(form: FormRecord): Promise<FormRecord> {
    this.forms.set(formKey(form.schemeCode, form.name, form.state), form);
    return form;
  }
  async getForm(schemeCode: string, name: string, state: string | null): Promise<FormRecord | null> {
    return this.forms.get(formKey(schemeCode, name, state)) ?? null;
  }
  async listForms(filter: { schemeCode?: string; name?: string }): Promise<FormRecord[]> {
    return [...this.forms.values()].filter(
      (f) => (filter.schemeCode === undefined || f.schemeCode === filter.schemeCode) && (filter.name === undefined || f.name === filter.name),
    );
  }
  async deleteForm(schemeCode: string, name: string, state: string | null): Promise<boolean> {
    return this.forms.delete(formKey(schemeCode, name, state));
  }
}

function formKey(schemeCode: string, name: string, state: string | null): string {
  return JSON.stringify([schemeCode, name, state]);
}
