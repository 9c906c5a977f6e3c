import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { account, job } from '../test/fixtures';
import { AccountCard, avatarLetter, expiryText } from './AccountCard';

const noop = () => undefined;

describe('AccountCard', () => {
  it('shows a healthy account with its expiry in a calm style', () => {
    render(
      <AccountCard
        account={account({ days_until_expiry: 120 })}
        job={null}
        canWrite
        onSync={noop}
        onReconnect={noop}
        onDisconnect={noop}
      />,
    );
    expect(screen.getByText('Active')).toBeTruthy();
    const expiry = screen.getByTestId('expiry');
    expect(expiry.textContent).toContain('Authorization expires in 120 days');
    expect(expiry.className).not.toContain('expiry-warning');
  });

  it('warns when the authorization is about to expire', () => {
    render(
      <AccountCard
        account={account({ days_until_expiry: 9, expiry_warning: true })}
        job={null}
        canWrite
        onSync={noop}
        onReconnect={noop}
        onDisconnect={noop}
      />,
    );
    const expiry = screen.getByTestId('expiry');
    expect(expiry.className).toContain('expiry-warning');
    expect(expiry.textContent).toContain('expires in 9 days');
    expect(expiry.textContent).toContain('reconnect before then');
    expect(screen.getByRole('button', { name: 'Reconnect' }).className).toContain(
      'btn-primary-outline',
    );
  });

  it('marks an account that needs re-authorization and disables sync', () => {
    const onReconnect = vi.fn();
    render(
      <AccountCard
        account={account({ status: 'needs_reauth', expiry_warning: true, days_until_expiry: -2 })}
        job={null}
        canWrite
        onSync={noop}
        onReconnect={onReconnect}
        onDisconnect={noop}
      />,
    );
    expect(screen.getByText('Needs re-authorization')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Sync now' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    expect(onReconnect).toHaveBeenCalled();
    expect(expiryText(account({ days_until_expiry: -2 }))).toBe('Authorization expired');
  });

  it('shows live sync progress, and no actions for viewers', () => {
    render(
      <AccountCard
        account={account()}
        job={job({ done: 30, total: 120 })}
        canWrite={false}
        onSync={noop}
        onReconnect={noop}
        onDisconnect={noop}
      />,
    );
    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText('30 of 120 playlists')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('shows the whole first character of a name, emoji included, upper-cased', () => {
    expect(avatarLetter('😀 party')).toBe('😀');
    expect(avatarLetter('élodie')).toBe('É');
    expect(avatarLetter('')).toBe('?');
    render(
      <AccountCard
        account={account({ display_name: '🎧 Mixes' })}
        job={null}
        canWrite
        onSync={noop}
        onReconnect={noop}
        onDisconnect={noop}
      />,
    );
    expect(document.querySelector('.avatar')!.textContent).toBe('🎧');
  });

  it('shows an interrupted sync as one that resumes, with sync still disabled', () => {
    render(
      <AccountCard
        account={account()}
        job={job({ state: 'interrupted', done: 30, total: 120 })}
        canWrite
        onSync={noop}
        onReconnect={noop}
        onDisconnect={noop}
      />,
    );
    expect(screen.getByRole('progressbar').getAttribute('aria-valuetext')).toBe(
      'Interrupted; it resumes by itself…',
    );
    expect((screen.getByRole('button', { name: 'Syncing…' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });
});
