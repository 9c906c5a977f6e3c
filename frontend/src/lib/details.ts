// The playlist details form's rules, as Spotify enforces them (../shared/docs/spotify-api.md):
// a name of 1 to 200 characters, a description of at most 300 without line breaks, collaborative
// only on a private playlist; and a cover that is a JPEG of at most 256 KiB once base64-encoded.
import type { components } from '../api/schema';

export type DetailsChange = components['schemas']['DetailsChange'];

export const NAME_MAX = 200;
export const DESCRIPTION_MAX = 300;
/** Spotify's limit on the base64 text of a cover. */
export const COVER_BASE64_MAX = 256 * 1024;

export interface DetailsForm {
  name: string;
  description: string;
  public: boolean;
  collaborative: boolean;
}

export interface DetailsProblems {
  name?: string;
  description?: string;
  collaborative?: string;
}

/** Characters as people count them (an emoji is one), which is how Spotify counts too. */
export function charCount(text: string): number {
  return [...text].length;
}

export function detailsProblems(form: DetailsForm, before: DetailsForm): DetailsProblems {
  const problems: DetailsProblems = {};
  const name = form.name.trim();
  if (!name) problems.name = 'A playlist needs a name.';
  else if (charCount(name) > NAME_MAX)
    problems.name = `At most ${NAME_MAX} characters (now ${charCount(name)}).`;
  if (/[\r\n]/.test(form.description))
    problems.description = 'Spotify does not take line breaks in a description.';
  else if (charCount(form.description) > DESCRIPTION_MAX)
    problems.description = `At most ${DESCRIPTION_MAX} characters (now ${charCount(form.description)}).`;
  else if (!form.description.trim() && before.description.trim())
    problems.description = 'Spotify cannot clear a description; write a new one instead.';
  if (form.collaborative && form.public)
    problems.collaborative = 'Only a private playlist can be collaborative.';
  return problems;
}

/** The fields that changed, as the API wants them (absent: unchanged); null when none did. */
export function detailsChange(form: DetailsForm, before: DetailsForm): DetailsChange | null {
  const change: DetailsChange = {};
  if (form.name.trim() !== before.name) change.name = form.name.trim();
  if (form.description.trim() !== before.description) change.description = form.description.trim();
  if (form.public !== before.public) change.public = form.public;
  if (form.collaborative !== before.collaborative) change.collaborative = form.collaborative;
  return Object.keys(change).length ? change : null;
}

/** The base64 length of `bytes` bytes. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

/**
 * Why a file cannot be a cover, or null: it must be a JPEG (by its first bytes, whatever its
 * name says) and fit Spotify's limit once base64-encoded.
 */
export function coverProblem(head: Uint8Array, size: number): string | null {
  const jpeg = head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  if (!jpeg) return 'The cover must be a JPEG image.';
  if (base64Length(size) > COVER_BASE64_MAX) {
    const kib = Math.ceil(size / 1024);
    return `The image is ${kib} KiB; Spotify takes at most 192 KiB of JPEG (256 KiB once encoded).`;
  }
  return null;
}
