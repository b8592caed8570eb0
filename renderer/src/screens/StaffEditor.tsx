import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Params, Snapshot, StaffMember, TillApi } from '../../../shared/contract';
import { errorText } from '../errors';

type Row = StaffMember & { pin: string; isNew: boolean };

const toRows = (staff: readonly StaffMember[] = []): Row[] => staff.map((m) => ({ ...m, pin: '', isNew: false }));

/** A readable, unique id for a new person: their name in letters and digits, then a number when taken. */
function newId(name: string, taken: readonly Row[]): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase()
      .slice(0, 30) || 'staff';
  let id = base;
  for (let n = 2; taken.some((r) => r.id === id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * The staff list in Settings: cashiers and managers, each with a PIN (a new PIN replaces theirs; empty keeps it).
 * With nobody set up everyone may do everything; the first manager makes everyone sign in.
 */
export function StaffEditor({ api, snapshot }: { api: TillApi; snapshot: Snapshot }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<Row[]>(() => toRows(snapshot.staff));
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  useEffect(() => setRows(toRows(snapshot.staff)), [snapshot.staff]);
  const change = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const save = () => {
    setMsg(undefined);
    const staff: Params<'saveStaff'>['staff'] = [];
    for (const r of rows) {
      if (!r.name.trim()) return setMsg({ ok: false, text: `${t('staff.name')}: ?` });
      if ((r.pin || r.isNew) && !/^\d{4,8}$/.test(r.pin)) return setMsg({ ok: false, text: `${r.name}: ${t('staff.badPin')}` });
      const id = r.isNew
        ? newId(
            r.name,
            rows.filter((x) => x !== r),
          )
        : r.id;
      staff.push({ id, name: r.name.trim(), role: r.role, ...(r.pin ? { pin: r.pin } : {}) });
    }
    api.saveStaff({ staff }).then(
      () => setMsg({ ok: true, text: t('staff.saved') }),
      (e: unknown) => setMsg({ ok: false, text: errorText(e) }),
    );
  };

  return (
    <form
      className="staff"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <h3>{t('staff.section')}</h3>
      {rows.length === 0 && <p className="muted">{t('staff.none')}</p>}
      {rows.map((r, i) => (
        <div className="row staff-row" key={r.isNew ? `new-${i}` : r.id} data-testid="staff-row">
          {/* Visible labels over each box; the accessible names keep the row's number. */}
          <label className="staff-field">
            <span>{t('staff.name')}</span>
            <input
              aria-label={`${t('staff.name')} ${i + 1}`}
              value={r.name}
              maxLength={40}
              onChange={(e) => change(i, { name: e.target.value })}
            />
          </label>
          <label className="staff-field">
            <span>{t('staff.role')}</span>
            <select
              aria-label={`${t('staff.role')} ${i + 1}`}
              value={r.role}
              onChange={(e) => change(i, { role: e.target.value as StaffMember['role'] })}
            >
              <option value="cashier">{t('app.roles.cashier')}</option>
              <option value="manager">{t('app.roles.manager')}</option>
            </select>
          </label>
          <label className="staff-field">
            <span>{r.isNew ? t('staff.pin') : t('staff.newPin')}</span>
            <input
              aria-label={`${r.isNew ? t('staff.pin') : t('staff.newPin')} ${i + 1}`}
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              maxLength={8}
              placeholder={r.isNew ? '' : t('staff.keepPin')}
              value={r.pin}
              onChange={(e) => change(i, { pin: e.target.value.replace(/\D/g, '') })}
            />
          </label>
          {r.locked && (
            <button
              type="button"
              data-testid="staff-unlock"
              onClick={() =>
                api.unlockStaff({ staffId: r.id }).then(
                  () => setMsg({ ok: true, text: t('staff.unlocked', { name: r.name }) }),
                  (e: unknown) => setMsg({ ok: false, text: errorText(e) }),
                )
              }
            >
              {t('staff.unlock', { name: r.name })}
            </button>
          )}
          <button
            type="button"
            aria-label={t('staff.remove', { name: r.name || i + 1 })}
            onClick={() => setRows(rows.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => setRows([...rows, { id: '', name: '', role: rows.length ? 'cashier' : 'manager', pin: '', isNew: true }])}
      >
        {t('staff.add')}
      </button>
      <button type="submit">{t('staff.save')}</button>
      {msg && (
        <p role={msg.ok ? 'status' : 'alert'} className={msg.ok ? 'ok' : 'error'}>
          {msg.text}
        </p>
      )}
    </form>
  );
}
