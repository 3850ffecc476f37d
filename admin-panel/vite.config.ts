// Builds the admin panel into dist/, which the server serves at /admin (src/http/admin-panel-files.ts).
// Routes load their pages on demand (see src/router.tsx), so the first page loads only the shell.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The budget test (test/admin-panel/bundle-budget.test.ts) reads it to sum the first page's JavaScript.
    manifest: true,
    sourcemap: true,
    target: 'es2022',
    rollupOptions: {
      output: {
        // The framework changes less often than the app: a separate chunk stays cached across releases.
        manualChunks(id: string) {
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react';
          if (id.includes('node_modules/@tanstack/')) return 'tanstack';
          if (id.includes('node_modules/@codemirror/') || id.includes('node_modules/@lezer/')) return 'codemirror';
          return undefined;
        },
      },
    },
  },
  server: {
    // `npm run dev -w admin-panel` serves the app with hot reload and forwards the API to a running server.
    proxy: {
      '/admin/api': 'http://localhost:8077',
      '/admin/login': 'http://localhost:8077',
      '/admin/logout': 'http://localhost:8077',
      '/admin/session': 'http://localhost:8077',
      '/readiness': 'http://localhost:8077',
      '/openapi': 'http://localhost:8077',
      '/.well-known': 'http://localhost:8077',
      // What the API explorer sends: the two APIs and the OpenID Connect token endpoint.
      '/workflowapi': 'http://localhost:8077',
      '/api/v1': 'http://localhost:8077',
      '/connect': 'http://localhost:8077',
    },
  },
});
