import * as ToastPrimitive from '@radix-ui/react-toast';
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

// Short, polite notices ("Invitation sent"); errors that need action stay in
// the page next to what failed, not in a toast that disappears.

export interface ToastMessage {
  readonly title: string;
  readonly body?: string;
  readonly tone?: 'info' | 'success' | 'danger';
}

const ToastContext = createContext<(message: ToastMessage) => void>(() => undefined);

export function ToastProvider({ children }: { readonly children: ReactNode }) {
  const { t } = useTranslation('ui');
  const [toasts, setToasts] = useState<(ToastMessage & { id: number })[]>([]);
  const nextId = useRef(0);
  // One notice at a time: a new one replaces the one on screen instead of stacking beside it.
  const show = useCallback((message: ToastMessage) => {
    nextId.current += 1;
    setToasts([{ ...message, id: nextId.current }]);
  }, []);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      <ToastPrimitive.Provider swipeDirection="right" duration={5000} label={t('notifications')}>
        {children}
        {toasts.map((toast) => (
          <ToastPrimitive.Root
            key={toast.id}
            className={`toast toast-${toast.tone ?? 'info'}`}
            onOpenChange={(open) => {
              if (!open) setToasts((list) => list.filter((x) => x.id !== toast.id));
            }}
          >
            <ToastPrimitive.Title className="toast-title">{toast.title}</ToastPrimitive.Title>
            {toast.body ? (
              <ToastPrimitive.Description className="toast-body">{toast.body}</ToastPrimitive.Description>
            ) : null}
            <ToastPrimitive.Close className="btn btn-ghost btn-icon" aria-label={t('dismiss')}>
              ×
            </ToastPrimitive.Close>
          </ToastPrimitive.Root>
        ))}
        <ToastPrimitive.Viewport className="toast-viewport" />
      </ToastPrimitive.Provider>
    </ToastContext.Provider>
  );
}

export function useToast(): (message: ToastMessage) => void {
  return useContext(ToastContext);
}
