import { describe, expect, it } from 'vitest';
import {
  base64Length,
  coverProblem,
  detailsChange,
  detailsProblems,
  type DetailsForm,
} from './details';

const before: DetailsForm = { name: 'Mix', description: 'Old', public: true, collaborative: false };

describe('the details form', () => {
  it('checks the name, the description and collaborative', () => {
    expect(detailsProblems(before, before)).toEqual({});
    expect(detailsProblems({ ...before, name: '  ' }, before).name).toBe(
      'A playlist needs a name.',
    );
    expect(detailsProblems({ ...before, name: 'x'.repeat(201) }, before).name).toContain('200');
    expect(detailsProblems({ ...before, name: '🎵'.repeat(200) }, before).name).toBeUndefined();
    expect(detailsProblems({ ...before, description: 'a\nb' }, before).description).toContain(
      'line breaks',
    );
    expect(
      detailsProblems({ ...before, description: 'y'.repeat(301) }, before).description,
    ).toContain('300');
    expect(detailsProblems({ ...before, description: '' }, before).description).toContain(
      'cannot clear',
    );
    expect(detailsProblems({ ...before, collaborative: true }, before).collaborative).toBeTruthy();
    expect(
      detailsProblems({ ...before, public: false, collaborative: true }, before).collaborative,
    ).toBeUndefined();
  });

  it('sends only what changed', () => {
    expect(detailsChange(before, before)).toBeNull();
    expect(detailsChange({ ...before, name: ' New ', public: false }, before)).toEqual({
      name: 'New',
      public: false,
    });
  });

  it('takes a JPEG up to 256 KiB once base64-encoded, by its bytes', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    expect(base64Length(3)).toBe(4);
    expect(base64Length(196_608)).toBe(262_144);
    expect(coverProblem(jpeg, 196_608)).toBeNull();
    expect(coverProblem(jpeg, 196_609)).toContain('192 KiB');
    expect(coverProblem(png, 1000)).toBe('The cover must be a JPEG image.');
  });
});
