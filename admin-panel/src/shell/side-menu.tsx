import { Link } from '@tanstack/react-router';

/** The pages of the side menu; part 2's pages are added here as they land. */
const PAGES = [
  { to: '/', label: 'Dashboard', exact: true },
  { to: '/explorer', label: 'API explorer', exact: false },
] as const;

/** The side menu: the product name and a link per page; the current page is marked. */
export function SideMenu() {
  return (
    <nav className="wm-side-menu" aria-label="Main">
      <Link to="/" className="wm-side-menu__brand">
        <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={24} height={24} />
        <span>Waymark</span>
      </Link>
      <ul className="wm-side-menu__list">
        {PAGES.map((page) => (
          <li key={page.to}>
            <Link
              to={page.to}
              className="wm-side-menu__link"
              activeOptions={{ exact: page.exact }}
              activeProps={{ className: 'wm-side-menu__link wm-side-menu__link--active', 'aria-current': 'page' }}
            >
              {page.label}
            </Link>
          </li>
        ))}
      </ul>
      <a className="wm-side-menu__docs" href="/docs">
        API documentation
      </a>
    </nav>
  );
}
