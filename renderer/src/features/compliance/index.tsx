// Compliance (compliance officers only): the audit trail with filters and a
// chart, export to CSV or JSON, and integrity verification of an export.
import '../../components/ui/feature-page.css';
import './compliance.css';

export { CompliancePage } from './compliance-page';
