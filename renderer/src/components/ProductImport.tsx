import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { IMPORT_PART_CHARS } from '../../../shared/constants';
import type { ProductImportResult, TillApi } from '../../../shared/contract';
import { errorText } from '../errors';

type Progress = { phase: 'sending' | 'checking' | 'saving'; fraction: number };

/**
 * Settings' product catalog: **Import products** reads a CSV file chosen on this computer and sends it to the till
 * in parts; the till checks every row and imports all of it or nothing. Progress is shown while it works, then the
 * number of products, or every bad row by line. **Export products** writes the catalog in the same format.
 */
export function ProductImport({ api }: { api: TillApi }) {
  const { t } = useTranslation();
  const fileRef = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<Progress>();
  const [result, setResult] = useState<ProductImportResult>();
  const [error, setError] = useState<string>();
  const [exported, setExported] = useState<{ path: string; rows: number }>();

  const run = async (file: File) => {
    setResult(undefined);
    setError(undefined);
    setExported(undefined);
    setProgress({ phase: 'sending', fraction: 0 });
    const importId = `i${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const off = api.onEvent((e) => {
      if (e.type === 'import_progress' && e.importId === importId) setProgress({ phase: e.phase, fraction: e.fraction });
    });
    try {
      const text = await file.text();
      const parts = Math.max(1, Math.ceil(text.length / IMPORT_PART_CHARS));
      let out: ProductImportResult = { state: 'received' };
      for (let index = 0; index < parts; index++) {
        const last = index === parts - 1;
        if (last) setProgress({ phase: 'checking', fraction: 0 });
        out = await api.importProducts({
          importId,
          index,
          text: text.slice(index * IMPORT_PART_CHARS, (index + 1) * IMPORT_PART_CHARS),
          last,
        });
        if (!last) setProgress({ phase: 'sending', fraction: (index + 1) / parts });
      }
      setResult(out);
    } catch (e) {
      setError(errorText(e));
    } finally {
      off();
      setProgress(undefined);
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  const problemText = (p: { key: string; message: string; params?: Record<string, string | number> }) =>
    t(`settings.importProblems.${p.key}`, { defaultValue: p.message, ...p.params });

  return (
    <section className="product-import" aria-labelledby="products-title">
      <h3 id="products-title">{t('settings.products')}</h3>
      <p className="hint" id="import-hint">
        {t('settings.importHint')}
      </p>
      <input
        ref={fileRef}
        type="file"
        accept=".csv,text/csv,text/plain"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void run(file);
        }}
      />
      <div className="row">
        <button type="button" disabled={Boolean(progress)} aria-describedby="import-hint" onClick={() => fileRef.current?.click()}>
          {t('settings.importProducts')}
        </button>
        <button
          type="button"
          disabled={Boolean(progress)}
          onClick={() => {
            setResult(undefined);
            setError(undefined);
            api.exportProducts({}).then(setExported, (e: unknown) => setError(errorText(e)));
          }}
        >
          {t('settings.exportProducts')}
        </button>
      </div>
      {progress && (
        <p role="status">
          {t(`settings.import${progress.phase === 'sending' ? 'Sending' : progress.phase === 'checking' ? 'Checking' : 'Saving'}`)}{' '}
          <progress aria-label={t('settings.importProgress')} max={1} value={progress.fraction} />
        </p>
      )}
      {result?.state === 'imported' && (
        <p role="status" className="ok" data-testid="import-result" data-products={result.products}>
          {t('settings.importDone', { count: result.products, added: result.added, updated: result.updated })}
        </p>
      )}
      {result?.state === 'refused' && (
        <div role="alert" className="error" data-testid="import-result" data-bad-rows={result.badRows}>
          <p>{t('settings.importRefused', { count: result.badRows })}</p>
          <ul>
            {result.problems.map((p, i) => (
              <li key={i}>{t('settings.importLine', { line: p.line, problem: problemText(p) })}</li>
            ))}
          </ul>
          {result.badRows > result.problems.length && <p>{t('settings.importMore', { count: result.badRows - result.problems.length })}</p>}
        </div>
      )}
      {exported && (
        <p role="status" className="ok">
          {t('settings.exported', { rows: exported.rows, path: exported.path })}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
