import { render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { sessionInfo } from '../test/fixtures';
import { json, mockApi } from '../test/server';
import { formatDateTime } from '../lib/format';
import { setSession } from '../lib/session';
import { SettingsPage } from './SettingsPage';

beforeEach(() => {
  setSession(sessionInfo('editor'));
});

describe('SettingsPage', () => {
  it('re-reads the session when it opens, so the end of the session shown is current', async () => {
    const later = '2026-05-09T08:00:00Z';
    mockApi({ 'GET api/session': json({ ...sessionInfo('editor'), expires_at: later }) });
    render(<SettingsPage />);
    expect(screen.getByText(formatDateTime('2026-04-01T00:00:00Z'))).toBeTruthy();
    await waitFor(() => expect(screen.getByText(formatDateTime(later))).toBeTruthy());
  });
});
