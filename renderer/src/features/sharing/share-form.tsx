import { useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileData, SharedItem } from '../../../../electron/src/common/api';
import { MAX_FILE_BYTES } from '../../../../electron/src/common/limits';
import { useApi } from '../../api/context';
import { Button, ErrorText, Field, Input, Select, Textarea } from '../../components/ui';
import { bytesToBase64, fileToFileData } from '../../components/ui/download';
import { useCall } from '../../components/ui/use-call';
import { checkDraft, emptyDraft, GranteeFields, type GrantDraft } from './grantee-fields';
import { formatBytes } from './format';
import { useClock } from '../../lib/clock';
import { defaultTextName, textShareName } from './text-name';

type Source = 'file' | 'text';

/** Share a file (picked or dropped) or a piece of text with a user or a group. */
export function ShareForm({ onShared }: { readonly onShared: (item: SharedItem) => void }) {
  const { t, i18n } = useTranslation('sharing');
  const api = useApi();
  const call = useCall();
  const input = useRef<HTMLInputElement>(null);
  const [source, setSource] = useState<Source>('file');
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const [textName, setTextName] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const clock = useClock();
  const [draft, setDraft] = useState<GrantDraft>(() => emptyDraft(clock()));
  const [tried, setTried] = useState(false);

  const pick = (picked: File | undefined) => {
    if (!picked) return;
    if (picked.size > MAX_FILE_BYTES) {
      setFile(null);
      setFileError(t('fileTooLarge', { max: formatBytes(MAX_FILE_BYTES, i18n.language) }));
      return;
    }
    setFileError(null);
    setFile(picked);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    setSource('file');
    pick(event.dataTransfer.files[0]);
  };

  const submit = async () => {
    setTried(true);
    const check = checkDraft(draft, clock());
    let data: FileData | null = null;
    if (source === 'file') {
      if (!file) {
        setFileError(t('noFile'));
        return;
      }
      data = await fileToFileData(file);
    } else {
      if (text.trim() === '') {
        setFileError(t('noText'));
        return;
      }
      const dataBase64 = bytesToBase64(new TextEncoder().encode(text));
      data = { name: textShareName(textName, text, t('textFileName')), mimeType: 'text/plain', dataBase64 };
    }
    if (!check.ok) return;
    const shared = data;
    const result = await call.run(() =>
      api.shareItem({ file: shared, grantee: check.grantee, expiresAt: check.expiresAt, canReshare: check.canReshare }),
    );
    if (result.ok) {
      onShared(result.value);
      setFile(null);
      setText('');
      setTextName('');
      setTried(false);
      setDraft(emptyDraft(clock()));
      if (input.current) input.current.value = '';
    }
  };

  return (
    <form
      className="card form-stack"
      aria-labelledby="share-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 id="share-title" className="card-title">
        {t('shareTitle')}
      </h2>
      <Field label={t('what')}>
        {(id) => (
          <Select
            id={id}
            value={source}
            onValueChange={(value) => {
              setSource(value === 'text' ? 'text' : 'file');
              setFileError(null);
            }}
            options={[
              { value: 'file', label: t('sourceFile') },
              { value: 'text', label: t('sourceText') },
            ]}
          />
        )}
      </Field>
      {source === 'file' ? (
        <div
          className={dragging ? 'drop-zone drop-zone-active' : 'drop-zone'}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="drop-zone"
        >
          {file ? (
            <p className="drop-file">
              <strong>{file.name}</strong> <span className="muted">{formatBytes(file.size, i18n.language)}</span>
            </p>
          ) : (
            <p className="muted">{t('dropHere')}</p>
          )}
          <input
            ref={input}
            type="file"
            className="visually-hidden"
            aria-label={t('chooseFile')}
            onChange={(event) => pick(event.target.files?.[0])}
            data-testid="share-file-input"
          />
          <Button size="sm" onClick={() => input.current?.click()}>
            {file ? t('chooseOther') : t('chooseFile')}
          </Button>
        </div>
      ) : (
        <Field label={t('textLabel')} hint={t('textHint')}>
          {(id) => <Textarea id={id} rows={4} value={text} onChange={(event) => setText(event.target.value)} />}
        </Field>
      )}
      {source === 'text' ? (
        <Field label={t('textName')} hint={t('textNameHint')}>
          {(id) => (
            <Input
              id={id}
              value={textName}
              maxLength={120}
              placeholder={defaultTextName(text, t('textFileName'))}
              onChange={(event) => setTextName(event.target.value)}
              data-testid="text-name"
            />
          )}
        </Field>
      ) : null}
      {fileError ? (
        <p className="field-error" role="alert">
          {fileError}
        </p>
      ) : null}
      <GranteeFields draft={draft} onChange={setDraft} showErrors={tried} />
      <ErrorText error={call.error} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={call.pending} data-testid="share-submit">
          {call.pending ? t('sharing') : t('shareAction')}
        </Button>
      </div>
    </form>
  );
}
