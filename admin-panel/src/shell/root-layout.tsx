import { Outlet } from '@tanstack/react-router';

/** The root of every page: the shell or the sign-in page. */
export function RootLayout() {
  return <Outlet />;
}
