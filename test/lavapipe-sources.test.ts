// The lavapipe set-up's private apt sources come from the machine's own
// debian.sources: the system's stanzas as they are, plus a backports stanza with
// the same mirror and keyring, so no mirror host is ever written into the repo.
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script, typed only where the backend needs it
import { privateSources } from '../scripts/setup-lavapipe.mjs';

const SYSTEM = `Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe('lavapipe apt sources', () => {
  it('adds a backports stanza derived from the release stanza, keeping the system ones', () => {
    const out = (privateSources as (t: string, c: string) => string)(SYSTEM, 'bookworm');
    const stanzas = out.trim().split(/\n\n/);
    expect(stanzas).toHaveLength(3);
    expect(stanzas[2]).toBe(
      'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    );
    expect(out).toContain('Suites: bookworm bookworm-updates');
  });

  it('does not add backports twice, and refuses sources without the release', () => {
    const withBp = `${SYSTEM}\nTypes: deb\nURIs: http://m/debian\nSuites: bookworm-backports\nComponents: main\n`;
    expect(((privateSources as (t: string, c: string) => string)(withBp, 'bookworm').match(/bookworm-backports/g) ?? []).length).toBe(1);
    expect(() => (privateSources as (t: string, c: string) => string)(SYSTEM, 'trixie')).toThrow(/no stanza .* "trixie"/);
  });
});
