import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, describeError, fetchReadiness, fetchServerInfo, session } from '../api';
import { Badge, Button, useToast } from '../design';
import { ThemeSwitch } from './theme-switch';

const READINESS_REFRESH_MS = 10_000;

/** The header: server version, node id and readiness (refreshed), the theme switch, sign out. */
export function Header() {
  const server = useQuery({ queryKey: ['server'], queryFn: () => fetchServerInfo(api), staleTime: 60_000 });
  const readiness = useQuery({ queryKey: ['readiness'], queryFn: () => fetchReadiness(api), refetchInterval: READINESS_REFRESH_MS });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [signingOut, setSigningOut] = useState(false);

  const signOut = async () => {
    setSigningOut(true);
    try {
      await session.signOut();
      queryClient.clear();
      await navigate({ to: '/sign-in', search: { reason: 'signed-out' } });
    } catch (error) {
      toast('error', describeError(error));
      setSigningOut(false);
    }
  };

  return (
    <header className="wm-header">
      <dl className="wm-header__facts">
        <div>
          <dt>Version</dt>
          <dd>{server.data?.version ?? '…'}</dd>
        </div>
        <div>
          <dt>Node</dt>
          <dd>
            <code title={server.data?.nodeId}>{server.data === undefined ? '…' : shortNodeId(server.data.nodeId)}</code>
          </dd>
        </div>
        <div>
          <dt>Readiness</dt>
          <dd>
            {readiness.data === undefined ? (
              readiness.isError ? (
                <Badge tone="danger">unreachable</Badge>
              ) : (
                <Badge>checking…</Badge>
              )
            ) : readiness.data.ready ? (
              <Badge tone="success">ready</Badge>
            ) : (
              <Badge tone="danger">not ready</Badge>
            )}
          </dd>
        </div>
      </dl>
      <div className="wm-header__actions">
        <ThemeSwitch />
        <Button size="small" busy={signingOut} onClick={() => void signOut()}>
          Sign out
        </Button>
      </div>
    </header>
  );
}

/** A node id is a UUID; its first group tells nodes apart on screen (the title shows all of it). */
function shortNodeId(nodeId: string): string {
  return nodeId.length > 13 ? `${nodeId.slice(0, 8)}…` : nodeId;
}
