import { type ReactNode, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Approval, StaffMember, TillApi } from '../../../shared/contract';
import { TillError } from '../../../shared/errors';
import { METHOD_NAMES } from '../../../shared/methods';
import { errorText } from '../errors';
import { ActionResult } from './ActionResult';
import { Modal } from './Modal';

interface Ask {
  /** The core's refusal, naming the action ("A refund needs a manager ..."). */
  refusal: string;
  /** What went wrong with the last PIN typed, if anything. */
  error?: string;
  /** Counts the tries, so each try gets a fresh form. */
  n: number;
  done(approval: Approval | undefined): void;
}

/**
 * Inline manager approval: when a signed-in cashier asks for a manager-only action, the core refuses it with
 * `needs_manager`; this wraps the till API so the refusal opens a dialog on the cashier's own screen where a manager
 * picks their name and types their PIN, and the same request is sent again with that approval (the cashier stays
 * signed in; the core checks and throttles the PIN as at sign-in). A wrong PIN keeps the dialog open with the
 * reason; Cancel gives the original refusal back to the screen that asked.
 */
export function useManagerApproval(api: TillApi, managers: readonly StaffMember[], signedIn: boolean): { api: TillApi; dialog: ReactNode } {
  const [ask, setAsk] = useState<Ask>();
  const state = useRef({ managers, signedIn });
  state.current = { managers, signedIn };

  const wrapped = useMemo(() => {
    let n = 0;
    const askFor = (refusal: string, error?: string) =>
      new Promise<Approval | undefined>((done) => setAsk({ refusal, ...(error ? { error } : {}), n: ++n, done }));
    const out: Record<string, unknown> = { onEvent: api.onEvent };
    for (const m of METHOD_NAMES) {
      const call = api[m] as (p: unknown) => Promise<unknown>;
      out[m] = async (params: unknown) => {
        try {
          return await call(params);
        } catch (refusal) {
          const { managers: list, signedIn: someone } = state.current;
          if (!(refusal instanceof TillError) || refusal.key !== 'needs_manager' || !someone || !list.length) throw refusal;
          let error: string | undefined;
          for (;;) {
            const approval = await askFor(errorText(refusal), error);
            if (!approval) throw refusal;
            try {
              const result = await call({ ...(params as object), approval });
              setAsk(undefined);
              return result;
            } catch (err) {
              if (!(err instanceof TillError) || err.code !== 'not_allowed') {
                setAsk(undefined);
                throw err;
              }
              error = errorText(err);
            }
          }
        }
      };
    }
    return out as unknown as TillApi;
  }, [api]);

  const cancel = () => {
    setAsk(undefined);
    ask?.done(undefined);
  };
  const dialog = ask ? <ApprovalDialog key={ask.n} ask={ask} managers={managers} onCancel={cancel} /> : null;
  return { api: wrapped, dialog };
}

function ApprovalDialog({ ask, managers, onCancel }: { ask: Ask; managers: readonly StaffMember[]; onCancel(): void }) {
  const { t } = useTranslation();
  const [staffId, setStaffId] = useState(managers[0]?.id ?? '');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Modal label={t('approval.title')} onClose={onCancel} testId="manager-approval">
      <h2>{t('approval.title')}</h2>
      <p>{ask.refusal}</p>
      <p className="hint">{t('approval.hint')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!/^\d{4,8}$/.test(pin)) return;
          setBusy(true);
          ask.done({ staffId, pin });
        }}
      >
        <ManagerPicker managers={managers} value={staffId} onChange={setStaffId} />
        <label>
          {t('approval.pin')}
          <input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            autoFocus
            maxLength={8}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
        </label>
        <ActionResult error={ask.error} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy || pin.length < 4}>
            {t('approval.approve')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('approval.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Picks one of the managers by name (labelled "Manager"). */
export function ManagerPicker({
  managers,
  value,
  onChange,
}: {
  managers: readonly StaffMember[];
  value: string;
  onChange(id: string): void;
}) {
  const { t } = useTranslation();
  return (
    <label>
      {t('staff.manager')}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {managers.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
    </label>
  );
}
