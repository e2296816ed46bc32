import { useCallback, useEffect, useState } from 'react';
import type { FileData, SharedWithMe } from '../../../../electron/src/common/api';
import { useTranslation } from 'react-i18next';
import { useApi, useApiEvent } from '../../api/context';
import { Badge, Button, ErrorText, Field, ImagePreview, Input, isPreviewableImage } from '../../components/ui';
import { userLabel } from '../../components/ui/user-id';
import { useClock } from '../../lib/clock';
import { formatTime } from '../../lib/format';
import { base64ToBytes, downloadBlob } from '../../components/ui/download';
import { useCall } from '../../components/ui/use-call';

const ITEM_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Why an item could not be opened, in words; null = a general failure ErrorText explains. */
export function refusalKey(code: string): string | null {
  switch (code) {
    case 'FORBIDDEN':
      return 'open.forbidden';
    case 'EXPIRED':
      return 'open.expired';
    case 'NOT_FOUND':
      return 'open.notFound';
    case 'DISABLED':
      return 'open.disabled';
    default:
      return null;
  }
}

/** Open an item someone shared with me: it is decrypted here and saved as a download. */
export function OpenShared({ initialId = '' }: { readonly initialId?: string }) {
  const { t, i18n } = useTranslation('sharing');
  const api = useApi();
  const call = useCall();
  const clock = useClock();
  const [itemId, setItemId] = useState(initialId);
  const [tried, setTried] = useState(false);
  const [opened, setOpened] = useState<string | null>(null);
  /** An opened image, shown here as well as saved. */
  const [preview, setPreview] = useState<FileData | null>(null);
  const valid = ITEM_ID.test(itemId.trim());
  const [inbox, setInbox] = useState<SharedWithMe[]>([]);

  const loadInbox = useCallback(async () => {
    const result = await api.listSharedWithMe();
    if (result.ok) setInbox(result.value);
  }, [api]);
  useEffect(() => {
    void loadInbox();
  }, [loadInbox]);
  useApiEvent('sharedWithMe', () => void loadInbox());

  const openId = async (id: string) => {
    setOpened(null);
    setPreview(null);
    const result = await call.run(() => api.openItem({ itemId: id }));
    if (!result.ok) return;
    const file = result.value;
    downloadBlob(new Blob([base64ToBytes(file.dataBase64)], { type: file.mimeType }), file.name);
    setOpened(file.name);
    if (isPreviewableImage(file.mimeType)) setPreview(file);
    void loadInbox();
  };

  const open = async () => {
    setTried(true);
    if (!valid) return;
    await openId(itemId.trim());
  };

  const refusal = call.error ? refusalKey(call.error.code) : null;
  return (
    <form
      className="card form-stack"
      aria-labelledby="open-title"
      onSubmit={(event) => {
        event.preventDefault();
        void open();
      }}
    >
      <h2 id="open-title" className="card-title">
        {t('open.title')}
      </h2>
      {inbox.length === 0 ? (
        <p className="form-help" data-testid="shared-with-me-empty">
          {t('open.inboxEmpty')}
        </p>
      ) : (
        <ul className="shared-with-me" aria-label={t('open.inbox')} data-testid="shared-with-me">
          {inbox.map((item) => (
            <li
              key={item.grantId}
              className="shared-with-me-row"
              data-item={item.itemId}
              data-state={accessState(item, clock())}
            >
              <div className="shared-with-me-what">
                <span className="shared-with-me-name">{item.name ?? t('open.unnamed', { id: item.itemId })}</span>
                <span className="form-help">
                  {item.grantor
                    ? t('open.sharedBy', {
                        name: userLabel(item.grantor),
                        time: formatTime(item.sharedAt, i18n.language),
                      })
                    : t('open.sharedAt', { time: formatTime(item.sharedAt, i18n.language) })}
                  {item.expiresAt !== undefined
                    ? ` · ${t('open.until', { time: formatTime(item.expiresAt, i18n.language) })}`
                    : ''}
                </span>
              </div>
              {accessState(item, clock()) === 'active' ? (
                <Button size="sm" variant="secondary" onClick={() => void openId(item.itemId)}>
                  {t('open.action')}
                </Button>
              ) : (
                <Badge tone={accessState(item, clock()) === 'revoked' ? 'danger' : 'warning'}>
                  {t(`open.state.${accessState(item, clock())}`)}
                </Badge>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="form-help">{t('open.help')}</p>
      <Field label={t('itemId')} hint={tried && !valid ? t('open.badId') : undefined}>
        {(id) => (
          <div className="inline-form">
            <Input
              id={id}
              value={itemId}
              autoComplete="off"
              onChange={(event) => setItemId(event.target.value)}
              data-testid="open-item-id"
            />
            <Button type="submit" variant="primary" busy={call.pending} data-testid="open-item-submit">
              {t('open.action')}
            </Button>
          </div>
        )}
      </Field>
      {refusal ? (
        <div className="error-text" role="alert" data-testid="open-refused" data-code={call.error?.code}>
          {t(refusal)}
        </div>
      ) : (
        <ErrorText error={call.error} />
      )}
      {opened ? (
        <p className="open-ok" role="status" data-testid="open-ok">
          {t('open.done', { name: opened })}
        </p>
      ) : null}
      {preview ? <ImagePreview file={preview} /> : null}
    </form>
  );
}

/** Whether a grant listed under "Shared with you" still opens: revoked and expired ones stay listed, marked. */
export function accessState(item: SharedWithMe, now: number): 'active' | 'revoked' | 'expired' {
  if (item.revoked) return 'revoked';
  return item.expiresAt !== undefined && item.expiresAt <= now ? 'expired' : 'active';
}
