/** What saving refused: a field's name (its first part, as the core names it) and the sentence to show. */
export interface FieldError {
  field?: string;
  message: string;
}

/** A field's error beside it, and the aria-invalid and aria-describedby that point the field at it. */
export function fieldErrors(fieldError: FieldError | undefined) {
  const errFor = (field: string) =>
    fieldError?.field === field ? (
      <span className="error" role="alert" id={`${field}-error`}>
        {fieldError.message}
      </span>
    ) : null;
  const invalid = (field: string) => (fieldError?.field === field ? { 'aria-invalid': true, 'aria-describedby': `${field}-error` } : {});
  return { errFor, invalid };
}

export type FieldErrors = ReturnType<typeof fieldErrors>;
