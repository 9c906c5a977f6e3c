import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { TagEditor, parseTagInput } from './TagEditor';

describe('TagEditor', () => {
  it('parses comma-separated input without duplicates', () => {
    expect(parseTagInput(' gym,  chill  out ,gym,, focus', ['focus'])).toEqual([
      'gym',
      'chill out',
    ]);
  });

  it('adds and removes tags through onSave', async () => {
    const onSave = vi.fn(async () => undefined);
    render(<TagEditor tags={['gym']} onSave={onSave} />);
    fireEvent.input(screen.getByLabelText('Add tags'), { target: { value: 'summer, road' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith(['gym', 'summer', 'road']));
    fireEvent.click(screen.getByRole('button', { name: 'Remove tag gym' }));
    await waitFor(() => expect(onSave).toHaveBeenLastCalledWith([]));
  });

  it('is read-only without onSave (viewers)', () => {
    render(<TagEditor tags={['gym']} onSave={null} />);
    expect(screen.getByText('gym')).toBeTruthy();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
