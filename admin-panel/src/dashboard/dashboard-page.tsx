/** The Dashboard: access settings, counts, request rate, latest instances and schemes. */
export function DashboardPage() {
  return (
    <>
      <div>
        <h1 className="wm-page__title">Dashboard</h1>
        <p className="wm-page__lead">Access to the Workflow API, and what the server is doing.</p>
      </div>
    </>
  );
}
