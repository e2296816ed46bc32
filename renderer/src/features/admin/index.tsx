// Administration (admins only): register users and hand over their one-time
// enrollment secret, list identities, revoke a user everywhere.
import '../../components/ui/feature-page.css';
import './admin.css';

export { AdminPage } from './admin-page';
