import { Outlet } from '@tanstack/react-router';
import { Header } from './header';
import { SideMenu } from './side-menu';

/** The signed-in layout: side menu, header, and the page. A skip link jumps past the menu. */
export function AppShell() {
  return (
    <div className="wm-shell">
      <a className="wm-skip-link" href="#main">
        Skip to content
      </a>
      <div className="wm-shell__side">
        <SideMenu />
      </div>
      <div className="wm-shell__main">
        <Header />
        <main id="main" className="wm-page" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
