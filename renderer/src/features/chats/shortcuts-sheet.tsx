import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../components/ui';
import { SHORTCUTS, keyLabel } from '../../lib/shortcuts';

// The shortcuts sheet (`?`): every shortcut the app has, from the one list
// the handlers use.

export function ShortcutsSheet({
  open,
  onOpenChange,
}: {
  readonly open: boolean;
  readonly onOpenChange: (open: boolean) => void;
}) {
  const { t } = useTranslation('chats');
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t('shortcutsTitle')} description={t('shortcutsHint')}>
      <dl className="shortcuts" data-testid="shortcuts-sheet">
        {SHORTCUTS.map((shortcut) => (
          <Fragment key={shortcut.action}>
            <dt>
              {shortcut.keys.map((key, i) => (
                <Fragment key={key}>
                  {i > 0 ? ' + ' : null}
                  <kbd>{keyLabel(key)}</kbd>
                </Fragment>
              ))}
            </dt>
            <dd>{t(`shortcuts.${shortcut.action}`)}</dd>
          </Fragment>
        ))}
      </dl>
    </Dialog>
  );
}
