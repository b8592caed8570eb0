import { ManagerPicker } from './ManagerApproval';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffMember, TillApi } from '../../../shared/contract';
import { errorText } from '../errors';
import { Keypad } from './Keypad';

const PIN_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'] as const;

/**
 * Who is at the till: choose your name, type your PIN (keyboard or the PIN keypad). A manager who lost their PIN
 * sets a new one with the MultiSafepay API key (a till with no key stored has none to type). After too many wrong
 * PINs a member is locked until another manager or the API key unlocks them.
 */
export function SignIn({ api, staff, keyNeeded }: { api: TillApi; staff: readonly StaffMember[]; keyNeeded: boolean }) {
  const { t } = useTranslation();
  const [who, setWho] = useState(staff.length === 1 ? staff[0]!.id : '');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [resetting, setResetting] = useState(false);
  const [done, setDone] = useState(false);

  const signIn = () => {
    if (!who || busy) return;
    setBusy(true);
    setError(undefined);
    api.signIn({ staffId: who, pin }).then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        setPin('');
        setError(errorText(e));
      },
    );
  };

  if (resetting)
    return (
      <ResetPin
        api={api}
        managers={staff.filter((s) => s.role === 'manager')}
        keyNeeded={keyNeeded}
        onDone={(ok) => {
          setResetting(false);
          setDone(ok);
        }}
      />
    );

  return (
    <section className="signin" aria-label={t('staff.signInTitle')}>
      <h2>{t('staff.signInTitle')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          signIn();
        }}
      >
        <fieldset>
          <legend>{t('staff.who')}</legend>
          <div className="names">
            {staff.map((s) => (
              <button
                key={s.id}
                type="button"
                className="big"
                aria-pressed={who === s.id}
                onClick={() => {
                  setWho(s.id);
                  setError(undefined);
                  document.getElementById('pin')?.focus();
                }}
              >
                {s.name}
                {s.locked && <span className="muted"> ({t('staff.locked')})</span>}
              </button>
            ))}
          </div>
        </fieldset>
        <label htmlFor="pin">{t('staff.pin')}</label>
        <input
          id="pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          value={pin}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'pin-error' : undefined}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
        />
        <Keypad
          label={t('staff.pinPad')}
          keys={PIN_KEYS}
          onDigits={(d) => setPin((p) => (p + d).slice(0, 8))}
          onBack={() => setPin((p) => p.slice(0, -1))}
          onClear={() => setPin('')}
        />
        {error && (
          <p className="error" role="alert" id="pin-error">
            {error}
          </p>
        )}
        {done && <p role="status">{t('staff.resetDone')}</p>}
        <div className="row">
          <button type="submit" className="primary big" disabled={!who || pin.length < 4 || busy}>
            {t('staff.signIn')}
          </button>
          <button type="button" onClick={() => setResetting(true)}>
            {t('staff.forgot')}
          </button>
        </div>
      </form>
    </section>
  );
}

function ResetPin({
  api,
  managers,
  keyNeeded,
  onDone,
}: {
  api: TillApi;
  managers: readonly StaffMember[];
  keyNeeded: boolean;
  onDone(ok: boolean): void;
}) {
  const { t } = useTranslation();
  const [staffId, setStaffId] = useState(managers[0]?.id ?? '');
  const [pin, setPin] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string>();
  return (
    <section className="signin" aria-label={t('staff.resetTitle')}>
      <h2>{t('staff.resetTitle')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!/^\d{4,8}$/.test(pin)) return setError(t('staff.badPin'));
          api.resetManagerPin({ staffId, pin, ...(apiKey ? { apiKey } : {}) }).then(
            () => onDone(true),
            (err: unknown) => setError(errorText(err)),
          );
        }}
      >
        <ManagerPicker managers={managers} value={staffId} onChange={setStaffId} />
        <label>
          {t('staff.newPin')}
          <input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
        </label>
        {keyNeeded && (
          <label>
            {t('staff.apiKey')}
            <input
              type="password"
              autoComplete="off"
              value={apiKey}
              aria-describedby="reset-key-hint"
              onChange={(e) => setApiKey(e.target.value)}
            />
            <span id="reset-key-hint" className="hint">
              {t('staff.apiKeyHint')}
            </span>
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary">
            {t('staff.reset')}
          </button>
          <button type="button" onClick={() => onDone(false)}>
            {t('cash.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
