import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParkedSale, TillApi } from '../../../../shared/contract';
import type { SaleLine } from '../../../../shared/payment';
import { errorText } from '../../errors';
import { Modal } from '../../components/Modal';

/** Park sale: the basket is put aside in the core (kept across restarts) with an optional note, until resumed. */
export function ParkDialog({
  api,
  lines,
  onParked,
  onClose,
}: {
  api: TillApi;
  lines: SaleLine[];
  onParked(parked: ParkedSale): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const park = () => {
    setBusy(true);
    api.parkSale({ lines, ...(note.trim() ? { note: note.trim() } : {}) }).then(
      (parked) => {
        onParked(parked);
        onClose();
      },
      (e: unknown) => {
        setError(errorText(e));
        setBusy(false);
      },
    );
  };
  return (
    <Modal label={t('park.title')} onClose={onClose} testId="park-dialog">
      <h2>{t('park.title')}</h2>
      <label>
        {t('park.note')}{' '}
        <input
          autoFocus
          value={note}
          maxLength={80}
          onChange={(e) => setNote(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && !busy && park()}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row">
        <button className="primary" disabled={busy} onClick={park}>
          {t('park.park')}
        </button>
        <button onClick={onClose}>{t('cash.cancel')}</button>
      </div>
    </Modal>
  );
}
