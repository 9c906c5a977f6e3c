import { describe, expect, it } from 'vitest';
import {
  baseFromDocument,
  hrefFor,
  normalizeBase,
  resolveUrl,
  routeFromPathname,
} from './base-path';

describe('base path', () => {
  it('normalizes to a leading and trailing slash', () => {
    expect(normalizeBase('')).toBe('/');
    expect(normalizeBase('/')).toBe('/');
    expect(normalizeBase('plm')).toBe('/plm/');
    expect(normalizeBase('/a/b//')).toBe('/a/b/');
  });

  it('cuts the base off the location path', () => {
    expect(routeFromPathname('/plm/playlists/1/abc', '/plm/')).toBe('playlists/1/abc');
    expect(routeFromPathname('/plm/', '/plm/')).toBe('');
    expect(routeFromPathname('/plm', '/plm/')).toBe('');
    expect(routeFromPathname('/playlists/', '/')).toBe('playlists');
    expect(routeFromPathname('/elsewhere', '/plm/')).toBe('');
  });

  it('builds hrefs and API URLs under a prefix', () => {
    expect(hrefFor('playlists?q=x', '/plm/')).toBe('/plm/playlists?q=x');
    expect(hrefFor('/accounts', '/')).toBe('/accounts');
    expect(resolveUrl('api/playlists', 'https://host.example/plm/')).toBe(
      'https://host.example/plm/api/playlists',
    );
    // A leading slash would escape the prefix: it is dropped.
    expect(resolveUrl('/api/events', 'https://host.example/plm/')).toBe(
      'https://host.example/plm/api/events',
    );
  });

  it('reads the base from <base href> and falls back to the root', () => {
    const doc = document.implementation.createHTMLDocument('t');
    expect(baseFromDocument(doc)).toBe('/');
    const base = doc.createElement('base');
    base.setAttribute('href', 'http://localhost:3000/plm/');
    doc.head.appendChild(base);
    expect(baseFromDocument(doc)).toBe('/plm/');
  });
});
