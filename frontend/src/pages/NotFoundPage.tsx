import { Link } from '../components/Link';
import { EmptyState } from '../components/ui';

export function NotFoundPage() {
  return (
    <div class="page">
      <EmptyState title="Page not found" icon="?" pageTitle>
        <p>This address does not lead anywhere in plm.</p>
        <Link to="playlists" class="btn btn-primary">
          Go to your playlists
        </Link>
      </EmptyState>
    </div>
  );
}
