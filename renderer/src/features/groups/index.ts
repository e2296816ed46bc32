export { CreateGroupDialog } from './create-group-dialog';
export { GroupDetailsPane } from './group-details-pane';
export { DEFAULT_POLICY, PolicyFields, RETENTION_PRESETS } from './policy-fields';
