/**
 * The panel's entry: applies the remembered theme, builds the query cache and the router, and
 * sends the user to the sign-in page (with a message) whenever a request finds the session gone.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { onSessionLost } from './api';
import { applyTheme, storedTheme, ToastProvider } from './design';
import { createQueryClient } from './query-client';
import { createAppRouter } from './router';
import { sessionQuery } from './session-query';
import './shell/shell.css';

applyTheme(storedTheme());

const queryClient = createQueryClient();
const router = createAppRouter(queryClient);

onSessionLost((reason) => {
  queryClient.setQueryData(sessionQuery.queryKey, null);
  if (router.state.location.pathname === '/sign-in') return;
  void router.navigate({ to: '/sign-in', search: { reason, redirect: router.state.location.href } });
});

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
