/**
 * `/admin/api/dashboard…`: the Dashboard's figures (counts, nodes), this node's request rate,
 * and the latest instances. Each reads through the service layer without a full scan.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { RequestRateCounter } from '../../../http/request-rate.js';
import { DASHBOARD_STATUSES, MAX_LATEST_INSTANCES, type DashboardService } from '../../../services/dashboard-service.js';
import { boundedCountSchema, errorResponses } from './schemas.js';

/** Longest request-rate range, in minutes (the counter keeps an hour). */
export const MAX_RATE_MINUTES = 60;
const DEFAULT_RATE_MINUTES = 15;
const DEFAULT_LATEST = 20;

const StatusName = Type.Union([...DASHBOARD_STATUSES, 'Initialized'].map((status) => Type.Literal(status)));

const Overview = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    schemes: Type.Integer({ description: 'Scheme codes stored' }),
    instances: Type.Object(
      {
        ...Object.fromEntries(DASHBOARD_STATUSES.map((status) => [status, Type.Integer({ minimum: 0 })])),
        total: Type.Integer({ minimum: 0, description: 'Every root instance, whatever its status' }),
      },
      { description: 'Root instances by status, exact (from the counters the store keeps)' },
    ),
    pendingTimers: boundedCountSchema('Armed timers not yet fired'),
    openUserTasks: boundedCountSchema('Inbox items: commands an identity may run on an instance'),
    errorsLast24h: boundedCountSchema('Process log entries of level error (Workflow API logerror) in the last 24 hours'),
    countBound: Type.Integer({ description: 'Where the bounded counts stop' }),
    node: Type.Object({ id: Type.String(), clustered: Type.Boolean() }),
    nodes: Type.Array(
      Type.Object({
        id: Type.String(),
        host: Type.String(),
        pid: Type.Integer(),
        runtimeState: Type.String({ description: 'running, stopping, stopped or lost' }),
        startedAt: Type.String({ format: 'date-time' }),
        heartbeatAt: Type.String({ format: 'date-time' }),
        self: Type.Boolean({ description: 'The node that answered' }),
      }),
      { description: 'The nodes sharing the database, with their last heartbeat (empty unless clustered)' },
    ),
  },
  { title: 'Dashboard figures' },
);

const RequestRate = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'The first second of perSecond' }),
    perSecond: Type.Array(Type.Integer({ minimum: 0 }), { description: 'Requests finished by this node in each second, oldest first; the last is the current second' }),
    total: Type.Integer({ minimum: 0 }),
    averagePerSecond: Type.Number({ description: 'Over the finished seconds' }),
    nodeId: Type.String(),
  },
  { title: 'Request rate of this node' },
);

const LatestInstances = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        id: Type.String(),
        schemeCode: Type.String(),
        schemeVersion: Type.Integer(),
        status: StatusName,
        activityName: Type.String(),
        stateName: Type.Union([Type.String(), Type.Null()]),
        tenantId: Type.Union([Type.String(), Type.Null()]),
        createdAt: Type.String({ format: 'date-time' }),
        lastTransitionAt: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
    total: Type.Integer({ description: 'Every root instance' }),
  },
  { title: 'Latest instances' },
);

/** What the dashboard routes use. */
export interface DashboardRouteOptions {
  readonly dashboard: DashboardService;
  readonly requestRate: RequestRateCounter;
  readonly nodeId: string;
}

/** The dashboard routes; registered inside the admin API's guarded scope. */
export const dashboardRoutes: FastifyPluginAsync<DashboardRouteOptions> = async (plainApp, { dashboard, requestRate, nodeId }) => {
  const app = plainApp.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Dashboard'];

  app.get(
    '/dashboard',
    {
      schema: {
        tags,
        summary: 'Counts of schemes, instances, timers, user tasks and errors; the nodes',
        response: { 200: Overview, ...errorResponses() },
      },
    },
    async () => {
      const overview = await dashboard.overview();
      return { ...overview, nodes: [...overview.nodes] };
    },
  );

  app.get(
    '/dashboard/requests',
    {
      schema: {
        tags,
        summary: 'Requests per second finished by this node over the last minutes',
        description: 'An in-memory count of every finished HTTP request of the node that answers (probes and the panel included); it starts from zero at each start.',
        querystring: Type.Object(
          { minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RATE_MINUTES, default: DEFAULT_RATE_MINUTES })) },
          { additionalProperties: false },
        ),
        response: { 200: RequestRate, ...errorResponses(400) },
      },
    },
    async (request) => {
      const series = requestRate.series((request.query.minutes ?? DEFAULT_RATE_MINUTES) * 60);
      return { ...series, perSecond: [...series.perSecond], nodeId };
    },
  );

  app.get(
    '/dashboard/latest-instances',
    {
      schema: {
        tags,
        summary: 'The newest root instances, newest first',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LATEST_INSTANCES, default: DEFAULT_LATEST })) },
          { additionalProperties: false },
        ),
        response: { 200: LatestInstances, ...errorResponses(400) },
      },
    },
    async (request) => {
      const latest = await dashboard.latestInstances(request.query.limit ?? DEFAULT_LATEST);
      return { items: [...latest.items], total: latest.total };
    },
  );
};
