import { Link } from '@tanstack/react-router';

/** A panel URL that names no page. */
export function NotFoundPage() {
  return (
    <main className="wm-centered-page">
      <h1>Page not found</h1>
      <p>This address is not a page of the admin panel.</p>
      <p>
        <Link to="/">Go to the Dashboard</Link>
      </p>
    </main>
  );
}
