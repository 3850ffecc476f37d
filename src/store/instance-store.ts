/**
 * The instance seam of the store: process instances and what each step writes beside them
 * (history, inbox, outbox folder, armed timers, outbox-queue messages). A step's writes are one
 * transaction ({@link InstanceStore.applyStep}), whichever seams its rows belong to.
 */
import type { ArmedTimer, InboxItem, OutboxItem, ProcessInstance, StepResult, TransitionRecord } from '../engine/types.js';
import type { NewOutboxMessage } from './outbox-queue.js';

/** A history row as stored (a TransitionRecord with its order). */
export interface StoredTransition extends TransitionRecord {
  readonly id: number;
  readonly order: number;
}

/** Which inbox or outbox items to read. */
export interface FolderFilter {
  readonly processId?: string;
  readonly identityId?: string;
  readonly tenantId?: string;
}

/** Filter, sort and page for listing instances. */
export interface InstanceQuery {
  readonly take?: number; // 0 = all
  readonly skip?: number;
  readonly statuses?: readonly number[];
  readonly schemeCode?: string;
  readonly tenantId?: string;
  /** Matches id, scheme code, activity or state name (substring, case-insensitive). */
  readonly search?: string;
  readonly fromCreationDate?: string;
  readonly toCreationDate?: string;
  readonly fromLastTransitionDate?: string;
  readonly toLastTransitionDate?: string;
  readonly sort?: { readonly field: 'createdAt' | 'lastTransitionAt' | 'schemeCode' | 'activityName' | 'stateName' | 'status' | 'id'; readonly direction: 'asc' | 'desc' };
  /** Only root processes (default true). */
  readonly rootsOnly?: boolean;
}

/** A page of `listInstances` and how many instances match the query. */
export interface InstancePage {
  readonly items: readonly ProcessInstance[];
  /**
   * How many instances match, whatever the page. Exact for listings of root instances filtered
   * only by status, scheme and tenant, and for `take` 0; a search, date range or subprocess
   * listing is counted only up to `max(10,000, skip + take)` rows: when more match, `total` is
   * that bound + 1 and `totalIsLowerBound` is true.
   */
  readonly total: number;
  /** True when more instances match than were counted: `total` means "at least". */
  readonly totalIsLowerBound: boolean;
}

/**
 * Writes of one step: all applied in one transaction, or none.
 * `expectedRevisions` maps instance id → the revision it had when loaded (absent for new
 * instances): if any stored revision differs, the whole step fails with WM_INSTANCE_CONFLICT.
 */
export interface StepWrite {
  readonly step: StepResult;
  readonly expectedRevisions: ReadonlyMap<string, number>;
  /** Outbox messages the step caused (notifications, webhooks), stored in the same transaction. */
  readonly messages?: readonly NewOutboxMessage[];
  /**
   * The changed instances as the step read them (optional): the store then writes only the
   * columns that differ, which spares the indexes of the others.
   */
  readonly before?: ReadonlyMap<string, ProcessInstance>;
  /**
   * The armed timers of the step's instances as the step read them (optional), an entry (maybe
   * empty) for each instance whose timers were read. The store then deletes no timer rows of an
   * instance that had none the step drops. Used only for instances the step changes under their
   * revision check: a timer is only ever armed by a step that changes its instance (the engine's
   * steps write the timers of the instances they create, change or remove, and nothing else), so
   * none can have been armed since the read without failing this step with WM_INSTANCE_CONFLICT.
   */
  readonly timersBefore?: ReadonlyMap<string, readonly ArmedTimer[]>;
}

/** A process family as stored: the root first, then its subprocesses, and all their timers. */
export interface StoredFamily {
  readonly instances: readonly ProcessInstance[];
  readonly timers: readonly ArmedTimer[];
}

/** Where instances and their steps are kept. */
export interface InstanceStore {
  getInstance(id: string): Promise<ProcessInstance | null>;
  /** The root process and all its subprocesses. */
  getProcessFamily(rootProcessId: string): Promise<readonly ProcessInstance[]>;
  /** The family of the instance `processId` (root or subprocess) with its timers, read together; null when it does not exist. */
  loadFamily(processId: string): Promise<StoredFamily | null>;
  /**
   * The families of many instances (each a root or a subprocess) with their timers, in a few
   * queries whatever their number: the timer scheduler reads a claimed batch with it. Keyed by
   * each given id that exists (ids of one family share one StoredFamily); missing ids are absent.
   */
  loadFamilies(processIds: readonly string[]): Promise<ReadonlyMap<string, StoredFamily>>;
  listInstances(query: InstanceQuery): Promise<InstancePage>;
  /** Applies one engine step atomically (see StepWrite). New instances with an existing id: WM_INSTANCE_EXISTS. */
  applyStep(write: StepWrite): Promise<void>;
  /** Removes instances with their parameters, history, inbox, outbox and timers (and their subprocesses). */
  deleteInstances(ids: readonly string[]): Promise<number>;

  getHistory(processId: string): Promise<readonly StoredTransition[]>;
  /** Inbox items by process and/or identity; `tenantId` keeps only items of that tenant's instances. */
  getInbox(filter: FolderFilter): Promise<readonly InboxItem[]>;
  /** Outbox items, filtered like the inbox. */
  getOutbox(filter: FolderFilter): Promise<readonly OutboxItem[]>;
}
