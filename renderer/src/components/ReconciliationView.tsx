import { useTranslation } from 'react-i18next';
import type { Reconciliation } from '../../../shared/contract';
import { money } from '../format';

/** The check against MultiSafepay: how many payments were checked, and each mismatch - orphan payments loudly. */
export function ReconciliationView({ rec }: { rec: Reconciliation }) {
  const { t } = useTranslation();
  return (
    <div className="reconciliation">
      <p>{t('report.checked', { n: rec.checked })}</p>
      {rec.mismatches.length === 0 ? (
        <p className="ok">{t('report.allGood')}</p>
      ) : (
        <ul role="alert">
          {rec.mismatches.map((m) => (
            <li key={m.orderId} className={m.kind === 'orphan_payment' ? 'orphan' : 'mismatch'} data-testid="mismatch" data-kind={m.kind}>
              {m.kind === 'orphan_payment' && <strong>{t('report.orphan')}: </strong>}
              {t(`report.mismatch.${m.kind}`)} · {m.tillName ? `${m.tillName} · ` : ''}
              {m.orderId} · {m.terminalId} · {money(m.amount, m.currency)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
