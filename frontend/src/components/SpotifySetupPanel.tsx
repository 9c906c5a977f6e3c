import type { SpotifySetup } from '../api/client';
import { CopyButton } from './ui';

/** How to register the Spotify app: the exact redirect URI, what is wrong, and the steps. */
export function SpotifySetupPanel({ setup }: { setup: SpotifySetup }) {
  const problems = setup.redirect_uri_problems;
  const needsAttention = !setup.client_id_configured || problems.length > 0;
  const body = (
    <>
      {!setup.client_id_configured ? (
        <p>
          plm has no Spotify client ID yet, so no account can be connected. Register an app with
          Spotify, then start <code>plm serve</code> with <code>PLM_SPOTIFY_CLIENT_ID</code> set.
        </p>
      ) : null}
      {problems.length > 0 ? (
        <div class="notice notice-warn" role="note">
          <p>
            <strong>Spotify will refuse this redirect URI:</strong>
          </p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="field">
        <span class="label" id="redirect-uri-label">
          Redirect URI to register
        </span>
        <div class="copy-row">
          <code class="copy-value" aria-labelledby="redirect-uri-label" data-testid="redirect-uri">
            {setup.redirect_uri}
          </code>
          <CopyButton text={setup.redirect_uri} label="Copy URI" />
        </div>
      </div>
      <ol class="steps">
        <li>
          Open the{' '}
          <a href={setup.dashboard_url} target="_blank" rel="noreferrer noopener">
            Spotify developer dashboard
          </a>{' '}
          and create an app (any name; tick “Web API”).
        </li>
        <li>Under Redirect URIs, add the URI above exactly as shown, and save.</li>
        <li>
          In User Management, add the Spotify accounts you will connect (development-mode apps serve
          only listed users).
        </li>
        <li>
          Copy the Client ID into <code>PLM_SPOTIFY_CLIENT_ID</code> and restart{' '}
          <code>plm serve</code>.
        </li>
      </ol>
    </>
  );
  if (needsAttention) {
    return (
      <section class="card setup-panel setup-attention" aria-labelledby="spotify-setup-title">
        <h2 id="spotify-setup-title">Set up your Spotify app</h2>
        {body}
      </section>
    );
  }
  return (
    <details class="card setup-panel">
      <summary>Spotify app settings</summary>
      {body}
    </details>
  );
}
