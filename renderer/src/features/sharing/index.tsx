// Sharing: share files or text with people or groups, see and revoke who has
// access, see every access and refused attempt, and open what others shared.
import '../../components/ui/feature-page.css';
import './sharing.css';

export { SharingPage } from './sharing-page';
export { OpenShared } from './open-shared';
