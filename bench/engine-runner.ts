/**
 * Waymark's engine alone (no HTTP, no store): the bench scheme from createInstance through its
 * three commands to Finalized, with each step's result applied to an in-memory family.
 */
import { randomUUID } from 'node:crypto';
import { createInstance, executeCommand, InstanceStatus, type EngineContext, type ProcessFamily, type ProcessInstance, type StepResult } from '../src/engine/index.js';
import { loadScheme } from '../src/scheme/index.js';
import { noCallbackServer } from '../src/services/index.js';
import { BENCH_PATH, benchSchemeXml } from './workspace.js';

function applyToFamily(family: ProcessFamily | null, step: StepResult, rootId: string): ProcessFamily {
  const instances = new Map<string, ProcessInstance>(family?.instances ?? []);
  for (const id of step.removedInstanceIds) instances.delete(id);
  for (const instance of step.instances) instances.set(instance.id, { ...instance, revision: instance.revision + 1 });
  const root = instances.get(rootId);
  if (root === undefined) throw new Error(`the step lost the root instance ${rootId}`);
  return { root, instances, timers: step.timers };
}

/** Returns a function that runs one bench instance to Finalized through the pure engine. */
export function waymarkEngineRunner(): () => Promise<void> {
  const scheme = loadScheme({ xml: benchSchemeXml() }, { fileActionsSandbox: false, callbackServerConfigured: false });
  const context = (): EngineContext => ({
    now: new Date(),
    directory: { isInRole: async () => false, usersInRole: async () => [] },
    external: noCallbackServer,
    schemeFor: () => scheme,
    newId: randomUUID,
  });
  return async () => {
    const processId = randomUUID();
    const created = await createInstance(context(), scheme, {
      processId,
      schemeId: 'bench-scheme',
      schemeVersion: 1,
      tenantId: null,
      actor: { identityId: 'author', impersonatedIdentityId: null },
      parameters: [],
    });
    let family = applyToFamily(null, created, processId);
    for (const step of BENCH_PATH) {
      const result = await executeCommand(context(), family, {
        processId,
        command: step.command,
        actor: { identityId: step.identityId, impersonatedIdentityId: null },
        parameters: [],
      });
      if (!result.wasExecuted) throw new Error(`${step.command} was not executed on ${processId}`);
      family = applyToFamily(family, result.step, processId);
    }
    if (family.root.status !== InstanceStatus.Finalized) throw new Error(`${processId} ended in status ${family.root.status}, not Finalized`);
  };
}
