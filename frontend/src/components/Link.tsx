import type { ComponentChildren } from 'preact';
import { href, navigate } from '../lib/router';

interface Props {
  /** A base-relative route: "playlists", "accounts?connected=1". */
  to: string;
  class?: string;
  children?: ComponentChildren;
  onClick?: () => void;
  'aria-current'?: 'page' | undefined;
  'aria-label'?: string;
  'data-nav'?: string;
  /** -1 inside a table's rows: the row is the tab stop (components/row-navigation.ts). */
  tabIndex?: number;
  title?: string;
}

/** An <a> with a real href that navigates without reloading on a plain click. */
export function Link({ to, children, onClick, ...rest }: Props) {
  return (
    <a
      {...rest}
      href={href(to)}
      onClick={(e) => {
        onClick?.();
        if (
          e.defaultPrevented ||
          e.button !== 0 ||
          e.metaKey ||
          e.ctrlKey ||
          e.shiftKey ||
          e.altKey
        )
          return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
