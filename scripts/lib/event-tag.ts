// Moved to the app's shared code; the scripts keep their import path.
export * from '../../electron/src/shared/event-tag';
