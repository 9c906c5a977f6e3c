import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { describe, expect, it, vi } from 'vitest';
import { MAX_TAG_BYTES, TagEditor, parseTagInput, tagBytes } from './TagEditor';

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

  it('limits tags to 64 bytes of UTF-8, as the server does', async () => {
    expect(tagBytes('abc')).toBe(3);
    expect(tagBytes('é')).toBe(2);
    expect(tagBytes('😀')).toBe(4);
    const onSave = vi.fn(async () => undefined);
    render(<TagEditor tags={[]} onSave={onSave} />);
    const input = screen.getByLabelText('Add tags');
    // 33 characters, 66 bytes: refused although it is under 64 characters
    fireEvent.input(input, { target: { value: 'é'.repeat(33) } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(screen.getByRole('alert').textContent).toContain(`${MAX_TAG_BYTES} bytes`);
    expect(onSave).not.toHaveBeenCalled();
    // 32 characters, 64 bytes: accepted
    fireEvent.input(input, { target: { value: 'é'.repeat(32) } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith(['é'.repeat(32)]));
  });

  it('keeps the focus in place after removing a tag: on the next tag, or the input', async () => {
    function Stateful() {
      const [tags, setTags] = useState(['gym', 'chill', 'focus']);
      return <TagEditor tags={tags} onSave={async (next) => setTags(next)} />;
    }
    render(<Stateful />);
    const chill = screen.getByRole('button', { name: 'Remove tag chill' });
    chill.focus();
    fireEvent.click(chill);
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove tag focus' })),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Remove tag focus' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Add tags')));
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['gym×']);
  });
});
