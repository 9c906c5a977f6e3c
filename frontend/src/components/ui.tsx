// Small presentational pieces shared by the pages.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { describeError } from '../api/client';

export function Spinner({ label = 'Loading…' }: { label?: string }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/**
 * The page's h1 while it has nothing else to show (loading, a failed load): every page has one,
 * so a screen reader's "next heading" and the document outline always find where the page starts.
 */
export function HiddenPageTitle({ children }: { children: ComponentChildren }) {
  return <h1 class="visually-hidden">{children}</h1>;
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="notice notice-error" role="alert">
      <p>{describeError(error)}</p>
      {onRetry ? (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  icon = '♫',
  pageTitle,
}: {
  title: string;
  children?: ComponentChildren;
  icon?: string;
  /** The page's own heading (h1): the whole page is this state ("Page not found"). */
  pageTitle?: boolean;
}) {
  const Heading = pageTitle ? 'h1' : 'h2';
  return (
    <div class="empty">
      <div class="empty-icon" aria-hidden="true">
        {icon}
      </div>
      <Heading class={pageTitle ? 'empty-title' : undefined}>{title}</Heading>
      {children}
    </div>
  );
}

export function Badge({
  kind = 'neutral',
  children,
  title,
}: {
  kind?: 'neutral' | 'accent' | 'warn' | 'danger' | 'ok';
  children: ComponentChildren;
  title?: string;
}) {
  return (
    <span class={`badge badge-${kind}`} title={title}>
      {children}
    </span>
  );
}

/** A cover image with a placeholder while loading, when missing, or when it fails. */
export function Cover({ url, size, alt = '' }: { url: string | null; size: number; alt?: string }) {
  const [failed, setFailed] = useState(false);
  // A string style is set in one go (cssText); an object is set property by property.
  const style = `width:${size}px;height:${size}px`;
  if (!url || failed) {
    return (
      <span
        class="cover cover-placeholder"
        style={style}
        aria-hidden={alt === '' ? 'true' : undefined}
      >
        ♪
      </span>
    );
  }
  return (
    <span class="cover" style={style}>
      {/* loading before src: the attributes are set in this order */}
      <img
        loading="lazy"
        decoding="async"
        src={url}
        alt={alt}
        width={size}
        height={size}
        onError={() => setFailed(true)}
      />
    </span>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard permission (plain http on a LAN address): select a hidden textarea instead.
      const area = document.createElement('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <button type="button" class="btn btn-small" onClick={copy}>
      <span aria-live="polite">{copied ? 'Copied' : label}</span>
    </button>
  );
}

/** A form error next to the submit button, announced when it appears. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="form-error" role="alert">
      {typeof error === 'string' ? error : describeError(error)}
    </p>
  );
}

/** A labelled select of a toolbar: options are [value, text] pairs. */
export function SelectField({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (v: string) => void;
}) {
  return (
    <div class="field field-compact">
      <label for={id} class="label-small">
        {label}
      </label>
      <select
        id={id}
        class="input input-small"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface Column {
  label: string;
  /** Said to screen readers only (e.g. "Actions" over a column of buttons). */
  hidden?: boolean;
  class?: string;
}

/** A plain data table in a card: a caption for screen readers, column headers, and the rows. */
export function DataTable({
  caption,
  columns,
  children,
  class: className,
  testId,
}: {
  caption: string;
  columns: readonly Column[];
  children: ComponentChildren;
  class?: string;
  testId?: string;
}) {
  return (
    <div class="table-wrap card card-flush">
      <table class={`data-table${className ? ` ${className}` : ''}`} data-testid={testId}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" class={c.class}>
                {c.hidden ? <span class="visually-hidden">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
