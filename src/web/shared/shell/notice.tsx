import type { ReactNode } from 'react';

/**
 * A page-sized message with its heading (the page's `h1`), an explanation and what to do next: the sign-in
 * prompt, the wrong-account notice, a path no page answers.
 */
export function Notice({ title, children, actions, tone = 'info' }: { title: string; children: ReactNode; actions: ReactNode; tone?: 'info' | 'warning' }) {
  return (
    <section className={`zcd-notice zcd-notice--${tone}`} aria-labelledby="notice-title">
      <h1 id="notice-title" className="zcd-notice__title">
        {title}
      </h1>
      <div className="zcd-notice__text">{children}</div>
      <div className="zcd-notice__actions">{actions}</div>
    </section>
  );
}
