/** What an action on a screen came to: a polite status when it worked, an alert when it was refused. */
export function ActionResult({ saved, error }: { saved?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {saved && (
        <p role="status" className="ok no-print" data-testid="export-result">
          {saved}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
