/**
 * Builders of fake engine output for the store's tests and the crash test. Not exported from
 * the folder's index: production code never builds steps by hand.
 */
import assert from 'node:assert/strict';
import type { ArmedTimer, InboxItem, OutboxItem, ProcessInstance, StepResult, TransitionRecord } from '../engine/types.js';
import type { WaymarkError } from '../errors/index.js';
import type { SchemeDefinition } from '../scheme/model.js';
import type { StepWrite } from './store.js';

/** An empty scheme definition with the given code (and tags): enough for the store, which never runs it. */
export function fakeScheme(code: string, tags: string[] = []): SchemeDefinition {
  return {
    code,
    name: code,
    tags,
    logEnabled: false,
    parameters: [],
    actors: [],
    commands: [],
    timers: [],
    activities: [],
    transitions: [],
    localization: [],
  };
}

/** For `assert.rejects`: the error is a WaymarkError with this code. */
export function hasCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.equal((error as WaymarkError).code, code, String(error));
    return true;
  };
}

/** A root process instance in `Initialized` at revision 0, with any field overridden. */
export function fakeInstance(overrides: Partial<ProcessInstance> & { id: string }): ProcessInstance {
  return {
    schemeCode: 'VacationRequest',
    schemeId: 'scheme-1',
    schemeVersion: 1,
    tenantId: null,
    status: 0,
    activityName: 'Draft',
    stateName: 'Draft',
    previousActivityName: null,
    previousStateName: null,
    previousActivityForDirect: null,
    previousStateForDirect: null,
    previousActivityForReverse: null,
    previousStateForReverse: null,
    parentProcessId: null,
    rootProcessId: overrides.id,
    startingTransitionName: null,
    parameters: {},
    errorMessage: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    lastTransitionAt: null,
    revision: 0,
    ...overrides,
  };
}

/** One executed transition of `processId`. */
export function fakeTransition(processId: string, from: string, to: string, at = '2026-01-01T00:01:00.000Z'): TransitionRecord {
  return {
    processId,
    fromActivityName: from,
    fromStateName: from,
    toActivityName: to,
    toStateName: to,
    triggerType: 'Command',
    triggerName: `Go${to}`,
    transitionName: `${from}_${to}`,
    classifier: 'Direct',
    identityId: 'alice',
    impersonatedIdentityId: null,
    isFinalised: false,
    transitionTime: at,
  };
}

/** A StepResult with nothing in it but what is given. */
export function fakeStep(parts: {
  instances?: readonly ProcessInstance[];
  removedInstanceIds?: readonly string[];
  history?: readonly TransitionRecord[];
  inbox?: Record<string, readonly InboxItem[]>;
  outbox?: readonly OutboxItem[];
  timers?: Record<string, readonly ArmedTimer[]>;
}): StepResult {
  return {
    instances: parts.instances ?? [],
    removedInstanceIds: parts.removedInstanceIds ?? [],
    history: parts.history ?? [],
    inbox: new Map(Object.entries(parts.inbox ?? {})),
    outbox: parts.outbox ?? [],
    timers: new Map(Object.entries(parts.timers ?? {})),
    events: [],
    messages: [],
  };
}

/** A StepWrite for `step` expecting the given stored revisions. */
export function fakeWrite(step: StepResult, expectedRevisions: Record<string, number> = {}): StepWrite {
  return { step, expectedRevisions: new Map(Object.entries(expectedRevisions)) };
}
