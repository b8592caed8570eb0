import { type KeyboardEvent, type ReactNode, useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

interface Props {
  label: string;
  onClose(): void;
  children: ReactNode;
  className?: string;
  testId?: string;
}

/**
 * A real modal dialog: everything else on the page is inert while it is open, Tab stays inside, Escape closes it,
 * and focus goes back to where it was (or to the amount field when that control is gone).
 */
export function Modal({ label, onClose, children, className = '', testId }: Props) {
  const backdrop = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });

  // Where focus was when the dialog opened: read before a field inside it takes focus (autoFocus).
  const openerRef = useRef(document.activeElement instanceof HTMLElement ? document.activeElement : null);
  useEffect(() => {
    const opener = openerRef.current;
    const others = [...document.body.children].filter((el) => el !== backdrop.current && !el.hasAttribute('inert'));
    for (const el of others) el.setAttribute('inert', '');
    if (!box.current?.contains(document.activeElement)) (box.current?.querySelector<HTMLElement>(FOCUSABLE) ?? box.current)?.focus();
    return () => {
      for (const el of others) el.removeAttribute('inert');
      const back = opener?.isConnected && !(opener as HTMLButtonElement).disabled ? opener : document.getElementById('amount');
      back?.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      close.current();
      return;
    }
    if (e.key !== 'Tab' || !box.current) return;
    const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (!items.length) return e.preventDefault();
    const first = items[0]!;
    const last = items.at(-1)!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div className="backdrop" ref={backdrop}>
      <div
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        tabIndex={-1}
        className={`dialog ${className}`}
        data-testid={testId}
        onKeyDown={onKeyDown}
      >
        {children}
      </div>
    </div>,
    document.body,
  );
}

/** The end of a dialog's form: its error (announced, and named by the field's `aria-describedby`), then submit and Back. */
export function DialogActions({
  error,
  errorId,
  submit,
  busy = false,
  onBack,
}: {
  error?: string | undefined;
  errorId: string;
  submit: string;
  busy?: boolean;
  onBack(): void;
}) {
  const { t } = useTranslation();
  return (
    <>
      {error && (
        <p className="error" role="alert" id={errorId}>
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" className="primary big" disabled={busy}>
          {submit}
        </button>
        <button type="button" className="big" onClick={onBack}>
          {t('cash.cancel')}
        </button>
      </div>
    </>
  );
}
