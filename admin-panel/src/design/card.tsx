import { useId, type ReactNode } from 'react';

/** Props of {@link Card}. */
export interface CardProps {
  readonly title: ReactNode;
  /** Buttons or links at the right of the title. */
  readonly actions?: ReactNode;
  /** No padding around the body (for tables). */
  readonly flush?: boolean;
  readonly className?: string;
  readonly children: ReactNode;
}

/** A titled section; its heading labels it for assistive technology. */
export function Card({ title, actions, flush = false, className, children }: CardProps) {
  const headingId = useId();
  return (
    <section className={['wm-card', className ?? ''].filter(Boolean).join(' ')} aria-labelledby={headingId}>
      <header className="wm-card__header">
        <h2 id={headingId} className="wm-card__title">
          {title}
        </h2>
        {actions}
      </header>
      <div className={flush ? 'wm-card__body wm-card__body--flush' : 'wm-card__body'}>{children}</div>
    </section>
  );
}
