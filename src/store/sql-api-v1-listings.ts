/**
 * The `/api/v1` listings over kysely: a page of a model's instances and a page of a user's
 * tasks, each read in a fixed number of statements whatever the page size (they once read every
 * instance one by one). Same SQL on SQLite and PostgreSQL.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { inboxFromRow, instanceFromRow } from './rows.js';
import type { TenantTables } from './sql-tenant-records.js';
import type { WaymarkDatabase } from './tables.js';
import { InstanceStatus } from '../engine/types.js';
import type { AssigneeUser, ModelInstanceCounts, ModelInstancePageQuery, ModelInstanceRow, UserTaskPageQuery, UserTaskRow } from './tenant-records.js';

/** The tables the listings read. */
export type ListingTables = WaymarkDatabase & TenantTables;

/**
 * The model an instance belongs to, as `ModelService.modelOfInstance` decides it: the model of
 * its root's link, or else the first model (oldest, then by name) publishing its scheme to its tenant.
 */
const MODEL_OF_INSTANCE = sql`coalesce(im.model_id, (
  select fm.id from workflow_models fm
  where fm.tenant_id = i.tenant_id and fm.scheme_code = i.scheme_code
  order by fm.created_at, fm.name, fm.id limit 1))`;

/** Reads the `/api/v1` listings. */
export class SqlApiV1Listings {
  constructor(private readonly db: Kysely<ListingTables>) {}

  /** The root instances of a model: linked to it, or (when `unlinked` is given) of its scheme and tenant without a link. */
  private instancesOfModel(query: Pick<ModelInstancePageQuery, 'modelId' | 'unlinked'>) {
    return this.db
      .selectFrom('instances as i')
      .leftJoin('instance_models as im', 'im.instance_id', 'i.id')
      .where('i.parent_process_id', 'is', null)
      .where((eb) => {
        const linked = eb('im.model_id', '=', query.modelId);
        if (query.unlinked === null) return linked;
        return eb.or([
          linked,
          eb.and([eb('im.instance_id', 'is', null), eb('i.scheme_code', '=', query.unlinked.schemeCode), eb('i.tenant_id', '=', query.unlinked.tenantId)]),
        ]);
      });
  }

  async countModelInstances(query: Pick<ModelInstancePageQuery, 'modelId' | 'unlinked'> & { readonly assignees: readonly string[] | null }): Promise<ModelInstanceCounts> {
    const assignees = query.assignees === null || query.assignees.length === 0 ? null : [...query.assignees];
    const ended = [InstanceStatus.Finalized, InstanceStatus.Terminated];
    const row = await this.instancesOfModel(query)
      .select((eb) => [
        eb.fn.countAll<number | string>().as('total'),
        eb.fn.sum<number | string | null>(eb.case().when('i.status', 'not in', ended).then(1).else(0).end()).as('running'),
        eb.fn
          .sum<number | string | null>(
            assignees === null
              ? eb.val(0)
              : eb
                  .case()
                  .when(eb.exists(eb.selectFrom('inbox').select('inbox.process_id').whereRef('inbox.process_id', '=', 'i.id').where('inbox.identity_id', 'in', assignees)))
                  .then(1)
                  .else(0)
                  .end(),
          )
          .as('assigned'),
      ])
      .executeTakeFirstOrThrow();
    return { total: Number(row.total), running: Number(row.running ?? 0), assigned: Number(row.assigned ?? 0) };
  }

  /** The page of instances (one statement), then their inbox items (one more when the page is not empty). */
  async listModelInstances(query: ModelInstancePageQuery): Promise<readonly ModelInstanceRow[]> {
    if (query.statuses.length === 0 || query.take <= 0) return [];
    let page = this.instancesOfModel(query)
      .selectAll('i')
      .select('im.instance_name as link_instance_name')
      .where('i.status', 'in', [...query.statuses]);
    if (query.participants !== null) {
      const participants = [...query.participants];
      if (participants.length === 0) return [];
      page = page.where((eb) =>
        eb.or([
          eb.exists(eb.selectFrom('inbox').select('inbox.process_id').whereRef('inbox.process_id', '=', 'i.id').where('inbox.identity_id', 'in', participants)),
          eb.exists(eb.selectFrom('outbox').select('outbox.process_id').whereRef('outbox.process_id', '=', 'i.id').where('outbox.identity_id', 'in', participants)),
          eb.exists(eb.selectFrom('history').select('history.process_id').whereRef('history.process_id', '=', 'i.id').where('history.identity_id', 'in', participants)),
        ]),
      );
    }
    const rows = await page.orderBy('i.created_at').orderBy('i.id').limit(query.take).offset(query.skip).execute();
    if (rows.length === 0) return [];
    const inboxRows = await this.db
      .selectFrom('inbox')
      .selectAll()
      .where('process_id', 'in', rows.map((row) => row.id))
      .orderBy('added_at')
      .orderBy('process_id')
      .orderBy('identity_id')
      .execute();
    const inboxes = new Map<string, ReturnType<typeof inboxFromRow>[]>();
    for (const row of inboxRows) {
      const items = inboxes.get(row.process_id) ?? [];
      items.push(inboxFromRow(row));
      inboxes.set(row.process_id, items);
    }
    return rows.map(({ link_instance_name, ...row }) => ({
      instance: instanceFromRow(row),
      instanceName: link_instance_name,
      inbox: inboxes.get(row.id) ?? [],
    }));
  }

  /** Current (inbox) and completed (outbox) tasks of the identities, newest first: one statement. */
  async listUserTasks(query: UserTaskPageQuery): Promise<readonly UserTaskRow[]> {
    if (query.identities.length === 0 || query.tenantIds.length === 0 || query.take <= 0) return [];
    const identities = sql.join([...query.identities]);
    const tenants = sql.join([...query.tenantIds]);
    const model = query.modelId === undefined ? sql`` : sql`and m.id = ${query.modelId}`;
    const parts: RawBuilder<unknown>[] = [];
    if (query.status !== 'completed') {
      parts.push(sql`
        select 'current' as kind, ib.process_id, ib.identity_id, i.activity_name, ib.added_at as at,
               coalesce(i.last_transition_at, i.created_at) as created, 0 as seq, i.root_process_id,
               m.id as model_id, m.name as model_name, m.tenant_id as model_tenant_id, im.instance_name
        from inbox ib
        join instances i on i.id = ib.process_id
        left join instance_models im on im.instance_id = i.root_process_id
        join workflow_models m on m.id = ${MODEL_OF_INSTANCE}
        where ib.identity_id in (${identities}) and m.tenant_id in (${tenants}) ${model}`);
    }
    if (query.status !== 'current') {
      parts.push(sql`
        select 'completed' as kind, ob.process_id, ob.identity_id, ob.activity_name, ob.executed_at as at,
               ob.executed_at as created, ob.id as seq, i.root_process_id,
               m.id as model_id, m.name as model_name, m.tenant_id as model_tenant_id, im.instance_name
        from outbox ob
        join instances i on i.id = ob.process_id
        left join instance_models im on im.instance_id = i.root_process_id
        join workflow_models m on m.id = ${MODEL_OF_INSTANCE}
        where ob.identity_id in (${identities}) and m.tenant_id in (${tenants}) ${model}`);
    }
    const { rows } = await sql<TaskRow>`
      select * from (${sql.join(parts, sql` union all `)}) tasks
      order by created desc, kind desc, process_id, identity_id, seq
      limit ${query.take} offset ${query.skip}`.execute(this.db);
    return rows.map((row) => ({
      kind: row.kind === 'completed' ? 'completed' : 'current',
      processId: row.process_id,
      identityId: row.identity_id,
      activityName: row.activity_name,
      at: row.at,
      created: row.created,
      model: { id: row.model_id, name: row.model_name, tenantId: row.model_tenant_id },
      instanceName: row.instance_name,
      rootProcessId: row.root_process_id,
    }));
  }

  async assigneeUsers(identities: readonly string[]): Promise<readonly AssigneeUser[]> {
    if (identities.length === 0) return [];
    const emails = identities.filter((identity) => identity.includes('@')).map((identity) => identity.toLowerCase());
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where((eb) => (emails.length === 0 ? eb('id', 'in', [...identities]) : eb.or([eb('id', 'in', [...identities]), eb(eb.fn('lower', ['email']), 'in', emails)])))
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows;
  }
}

interface TaskRow {
  readonly kind: string;
  readonly process_id: string;
  readonly identity_id: string;
  readonly activity_name: string;
  readonly at: string;
  readonly created: string;
  readonly seq: number;
  readonly root_process_id: string;
  readonly model_id: string;
  readonly model_name: string;
  readonly model_tenant_id: string;
  readonly instance_name: string | null;
}
