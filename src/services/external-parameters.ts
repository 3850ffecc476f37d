/**
 * Parameters whose values live in the user's service (the Callback API's parameter provider:
 * `getparameternames`, `getparameter`, `setparameter`). The engine stays pure: the service reads
 * their values before a step and gives them to the engine as the instance's parameters, then,
 * after the step and before it is stored, writes the ones the step changed and leaves them out
 * of what is stored.
 */
import { WaymarkError } from '../errors/index.js';
import { isSystemParameter } from '../engine/index.js';
import type { JsonValue, ProcessFamily, ProcessInstance, StepResult } from '../engine/types.js';

/** The process a provider call is about. */
export interface ExternalParameterTarget {
  readonly instance: ProcessInstance;
  /** Ids of the live subprocesses it started. */
  readonly subprocessIds: readonly string[];
}

/** Where external parameters live (the runtime provides it over the callback servers). */
export interface ExternalParameterProvider {
  /** The names kept outside for instances of `schemeCode` (empty: none). */
  names(schemeCode: string): Promise<ReadonlySet<string>>;
  read(name: string, target: ExternalParameterTarget): Promise<JsonValue>;
  write(name: string, value: JsonValue, target: ExternalParameterTarget): Promise<void>;
}

/** A family the engine works on, and the stored one it was made from. */
interface Overlay {
  readonly stored: ProcessFamily;
  /** The values read, by instance id. */
  readonly values: ReadonlyMap<string, Readonly<Record<string, JsonValue>>>;
}

const NONE: ReadonlySet<string> = new Set();

/** How the workflow service reads and writes external parameters around a step. */
export class ExternalParameterBridge {
  private readonly overlays = new WeakMap<ProcessFamily, Overlay>();

  constructor(private readonly provider: ExternalParameterProvider | undefined) {}

  /**
   * The family as the engine should see it: each member's external parameters read into its
   * parameters. The family itself when no member's scheme has any.
   */
  async withValues(family: ProcessFamily): Promise<ProcessFamily> {
    if (this.provider === undefined) return family;
    const values = new Map<string, Record<string, JsonValue>>();
    const instances = new Map<string, ProcessInstance>();
    for (const [id, member] of family.instances) {
      const names = await this.namesFor(member);
      if (names.size === 0) {
        instances.set(id, member);
        continue;
      }
      const read: Record<string, JsonValue> = {};
      for (const name of names) read[name] = await this.provider.read(name, { instance: member, subprocessIds: childrenOf(family.instances.values(), id) });
      values.set(id, read);
      instances.set(id, { ...member, parameters: { ...member.parameters, ...read } });
    }
    if (values.size === 0) return family;
    const overlaid: ProcessFamily = { ...family, root: instances.get(family.root.id) ?? family.root, instances };
    this.overlays.set(overlaid, { stored: family, values });
    return overlaid;
  }

  /** The stored family behind a family from {@link withValues} (the family itself otherwise). */
  stored(family: ProcessFamily): ProcessFamily {
    return this.overlays.get(family)?.stored ?? family;
  }

  /**
   * After the engine, before the store: writes each external parameter the step set, changed or
   * removed (a removed one is written as null) and returns the step without them. `family` is
   * the one the engine worked on (null for a new instance: nothing was read for it).
   * A failed write throws, and the caller stores nothing.
   */
  async settle(family: ProcessFamily | null, step: StepResult): Promise<StepResult> {
    if (this.provider === undefined) return step;
    const overlay = family === null ? undefined : this.overlays.get(family);
    let changed = false;
    const instances: ProcessInstance[] = [];
    for (const instance of step.instances) {
      const names = await this.namesFor(instance);
      const before = overlay?.values.get(instance.id) ?? {};
      const kept: Record<string, JsonValue> = {};
      let hasExternal = false;
      for (const [name, value] of Object.entries(instance.parameters)) {
        if (names.has(name)) hasExternal = true;
        else kept[name] = value;
      }
      for (const name of names) {
        const now = Object.hasOwn(instance.parameters, name) ? instance.parameters[name]! : undefined;
        const was = Object.hasOwn(before, name) ? before[name] : undefined;
        if (sameJson(now, was)) continue;
        const members = family === null ? step.instances : [...family.instances.values(), ...step.instances];
        const stored = { ...instance, parameters: kept };
        await this.provider.write(name, now ?? null, { instance: stored, subprocessIds: childrenOf(members, instance.id, step.removedInstanceIds) });
      }
      if (hasExternal) {
        changed = true;
        instances.push({ ...instance, parameters: kept });
      } else {
        instances.push(instance);
      }
    }
    return changed ? { ...step, instances } : step;
  }

  /** True when the callback servers keep `name` for instances of `instance`'s scheme. */
  async isExternal(instance: ProcessInstance, name: string): Promise<boolean> {
    return (await this.namesFor(instance)).has(name);
  }

  /** Reads one external parameter (see {@link isExternal}). */
  async read(name: string, target: ExternalParameterTarget): Promise<JsonValue> {
    if (this.provider === undefined) throw new WaymarkError('WM_INTERNAL', `Parameter '${name}' is not external: no parameter provider`, { parameterName: name });
    return this.provider.read(name, target);
  }

  private async namesFor(instance: ProcessInstance): Promise<ReadonlySet<string>> {
    if (this.provider === undefined) return NONE;
    const names = await this.provider.names(instance.schemeCode);
    if (names.size === 0) return NONE;
    // A System parameter is Waymark's own, whatever a callback server lists.
    const external = [...names].filter((name) => !isSystemParameter(name));
    for (const name of external) {
      if (name.trim() === '') throw new WaymarkError('WM_ACTION_FAILED', `A callback server listed an empty parameter name for scheme '${instance.schemeCode}'`, { schemeCode: instance.schemeCode });
    }
    return new Set(external);
  }
}

function childrenOf(members: Iterable<ProcessInstance>, parentId: string, removed: readonly string[] = []): string[] {
  const ids = new Set<string>();
  for (const member of members) if (member.parentProcessId === parentId && !removed.includes(member.id)) ids.add(member.id);
  return [...ids];
}

function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
