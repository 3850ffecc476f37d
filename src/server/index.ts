/**
 * The composition root: the one place that opens the store and builds the services, the runtime,
 * the access control and the HTTP plugins, in that order (see docs/architecture.md). Every other
 * folder is a part it assembles.
 */
export { startServer, publicUrlWarning, type RunningServer, type StartServerOptions } from './start-server.js';
export { buildApp, type AppDeps } from './build-app.js';
export { buildServices, createApiV1Services, type ApiV1Services, type ServiceParts } from './build-services.js';
export { installedPlugins } from './installed-plugins.js';
export { tuneHeapForServing, type HeapTuning } from './heap-tuning.js';
