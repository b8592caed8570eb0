/** A reply of the till service as a test reads it: the result, or the refusal with its code, field and key. */
export type Reply<T> = { ok: true; result: T } | { ok: false; error: { code: string; message: string; field?: string; key?: string } };

/** The result of a reply that must have worked; a refusal fails the test with its code and sentence. */
export const ok = <T>(r: unknown): T => {
  const reply = r as Reply<T>;
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result;
};
