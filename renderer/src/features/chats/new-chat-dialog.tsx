import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, ConversationSummary } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';
import { Dialog, ErrorText, PeoplePicker } from '../../components/ui';

export function NewChatDialog({
  open,
  onOpenChange,
  onOpened,
}: {
  readonly open: boolean;
  readonly onOpenChange: (open: boolean) => void;
  readonly onOpened: (conversation: ConversationSummary) => void;
}) {
  const { t } = useTranslation('chats');
  const api = useApi();
  const [error, setError] = useState<ApiError | null>(null);
  const start = async (userId: string) => {
    setError(null);
    const result = await api.openDirect({ userId });
    if (!result.ok) return setError(result.error);
    onOpened(result.value);
    onOpenChange(false);
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t('newChat')} description={t('newChatHint')}>
      {open ? <PeoplePicker selected={[]} onToggle={(id) => void start(id)} multiple={false} /> : null}
      <ErrorText error={error} />
    </Dialog>
  );
}
