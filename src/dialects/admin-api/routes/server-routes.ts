/** `GET /admin/api/server`: what the panel's header shows about the server. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { errorResponses } from './schemas.js';

const ServerInfo = Type.Object(
  {
    name: Type.Literal('Waymark'),
    version: Type.String({ description: 'The server version (package.json)' }),
    nodeId: Type.String({ description: 'The id of the node that answered' }),
    clustered: Type.Boolean({ description: 'True on PostgreSQL, where several nodes may share the database' }),
    store: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
    startedAt: Type.String({ format: 'date-time', description: 'When this node started serving' }),
  },
  { title: 'Server' },
);

/** What the server route shows. */
export interface ServerRouteOptions {
  readonly server: {
    readonly version: string;
    readonly nodeId: string;
    readonly clustered: boolean;
    readonly store: 'sqlite' | 'postgres';
    readonly startedAt: string;
  };
}

/** The server route; registered inside the admin API's guarded scope. */
export const serverRoutes: FastifyPluginAsync<ServerRouteOptions> = async (plainApp, { server }) => {
  const app = plainApp.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/server',
    { schema: { tags: ['Server'], summary: 'Version and node of the server', response: { 200: ServerInfo, ...errorResponses() } } },
    async () => ({ name: 'Waymark' as const, ...server }),
  );
};
