import { AccessCard } from './access-card';
import { CountsCard } from './counts-card';
import { LatestInstancesCard, SchemesCard } from './latest-card';
import { NodesCard } from './nodes-card';
import { PasswordCard } from './password-card';
import './dashboard.css';

/** The Dashboard: access settings, counts, request rate, latest instances and schemes. */
export function DashboardPage() {
  return (
    <>
      <div>
        <h1 className="wm-page__title">Dashboard</h1>
        <p className="wm-page__lead">Access to the Workflow API, and what the server is doing. The figures refresh by themselves.</p>
      </div>
      <div className="wm-dashboard">
        <div className="wm-dashboard__wide">
          <CountsCard />
        </div>
        <div className="wm-dashboard__wide">
          <NodesCard />
        </div>
        <AccessCard />
        <div className="wm-dashboard__column">
          <SchemesCard />
          <PasswordCard />
        </div>
        <div className="wm-dashboard__wide">
          <LatestInstancesCard />
        </div>
      </div>
    </>
  );
}
