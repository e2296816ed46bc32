import * as AlertDialogPrimitive from '@radix-ui/react-alert-dialog';
import * as DialogPrimitive from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from './button';

// Radix dialogs without Radix's Overlay: the overlay adds a scroll lock that
// injects a <style> element, which the strict CSP (style-src 'self') refuses.
// A plain backdrop element gives the same look; focus trap, Escape and
// aria-hidden on the rest of the page still come from Radix.

export interface DialogProps {
  readonly open: boolean;
  readonly onOpenChange: (open: boolean) => void;
  readonly title: ReactNode;
  readonly description?: ReactNode;
  readonly children?: ReactNode;
  readonly footer?: ReactNode;
  readonly wide?: boolean;
}

export function Dialog({ open, onOpenChange, title, description, children, footer, wide }: DialogProps) {
  const { t } = useTranslation('ui');
  return (
    <DialogPrimitive.Root open={open} onOpenChange={onOpenChange}>
      <DialogPrimitive.Portal>
        <div className="dialog-backdrop" aria-hidden="true" />
        <DialogPrimitive.Content
          className={['dialog', wide ? 'dialog-wide' : ''].join(' ')}
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <div className="dialog-header">
            <DialogPrimitive.Title className="dialog-title">{title}</DialogPrimitive.Title>
            <DialogPrimitive.Close asChild>
              <Button variant="ghost" size="icon" aria-label={t('close')}>
                ×
              </Button>
            </DialogPrimitive.Close>
          </div>
          {description ? (
            <DialogPrimitive.Description className="dialog-description">{description}</DialogPrimitive.Description>
          ) : null}
          <div className="dialog-body">{children}</div>
          {footer ? <div className="dialog-footer">{footer}</div> : null}
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}

export interface ConfirmDialogProps {
  readonly open: boolean;
  readonly onOpenChange: (open: boolean) => void;
  readonly title: ReactNode;
  readonly description: ReactNode;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly danger?: boolean;
  readonly busy?: boolean;
  readonly children?: ReactNode;
}

/** A question that needs an answer (Radix AlertDialog: no dismiss by clicking outside). */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { t } = useTranslation('ui');
  return (
    <AlertDialogPrimitive.Root open={props.open} onOpenChange={props.onOpenChange}>
      <AlertDialogPrimitive.Portal>
        <div className="dialog-backdrop" aria-hidden="true" />
        <AlertDialogPrimitive.Content className="dialog">
          <AlertDialogPrimitive.Title className="dialog-title">{props.title}</AlertDialogPrimitive.Title>
          <AlertDialogPrimitive.Description className="dialog-description">
            {props.description}
          </AlertDialogPrimitive.Description>
          {props.children ? <div className="dialog-body">{props.children}</div> : null}
          <div className="dialog-footer">
            <AlertDialogPrimitive.Cancel asChild>
              <Button>{t('cancel')}</Button>
            </AlertDialogPrimitive.Cancel>
            <Button
              variant={props.danger ? 'danger' : 'primary'}
              busy={props.busy}
              onClick={(event) => {
                event.preventDefault();
                props.onConfirm();
              }}
            >
              {props.confirmLabel}
            </Button>
          </div>
        </AlertDialogPrimitive.Content>
      </AlertDialogPrimitive.Portal>
    </AlertDialogPrimitive.Root>
  );
}
