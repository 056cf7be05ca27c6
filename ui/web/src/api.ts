import { createClient as createWSClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, makeOperation, mapExchange, subscriptionExchange, CombinedError } from "urql";
import type { TFunction } from "i18next";
import i18n, { fieldLabel } from "./i18n";

// Subscriptions (live updates) go over a websocket to the same origin; the
// session cookie signs it in.
const ws = createWSClient({
  url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`,
  lazy: true,
  retryAttempts: Infinity,
});

// newIdempotencyKey is a fresh key for one user action. getRandomValues, not
// randomUUID: the latter exists only on HTTPS or localhost.
export function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

// idempotencyExchange sends an Idempotency-Key with every mutation: the one the
// caller chose for its user action (context.idempotencyKey, kept across a retry
// of the same submit), else a fresh one, so the server makes each change once.
export const idempotencyExchange = mapExchange({
  onOperation(op) {
    if (op.kind !== "mutation") return op;
    const key = (op.context.idempotencyKey as string | undefined) ?? newIdempotencyKey();
    const base = op.context.fetchOptions;
    const options = (typeof base === "function" ? base() : base) ?? {};
    return makeOperation(op.kind, op, {
      ...op.context,
      fetchOptions: { ...options, headers: { ...(options.headers as Record<string, string> | undefined), "Idempotency-Key": key } },
    });
  },
});

// The session is the HttpOnly cookie login sets; every POST carries the CSRF
// header the server requires of cookie-signed requests.
export const client = new Client({
  url: "/graphql",
  exchanges: [cacheExchange, idempotencyExchange, fetchExchange, subscriptionExchange({
    forwardSubscription(request) {
      const input = { ...request, query: request.query ?? "" };
      return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }) };
    },
  })],
  fetchOptions: () => ({ credentials: "same-origin", headers: { "X-Leaktrail-CSRF": "1" } }),
  preferGetMethod: false,
});

// ServerError is one error as both /graphql and the plain HTTP endpoints send it.
export interface ServerError { message: string; extensions?: Record<string, unknown> }

// RequestError is a failed plain HTTP request: the server's error, or none
// when the server could not be reached (status 0).
export class RequestError extends Error {
  constructor(readonly status: number, readonly detail?: ServerError) {
    super(detail?.message ?? (status === 0 ? "network" : String(status)));
  }
}

// errorCode returns the application error code of an operation's error.
export function errorCode(error?: CombinedError): string | undefined {
  if (!error) return undefined;
  if (error.networkError) return "NETWORK";
  return (error.graphQLErrors[0]?.extensions?.code as string | undefined) ?? "INTERNAL";
}

// errorMessage is an operation's error in the reader's language.
export function errorMessage(t: TFunction, error?: CombinedError): string | undefined {
  if (!error) return undefined;
  if (error.networkError) return t("error.NETWORK");
  return describe(t, error.graphQLErrors[0] ?? { message: "" });
}

// requestErrorCode is a failed plain request's application error code.
export function requestErrorCode(err: unknown): string {
  if (!(err instanceof RequestError) || err.status === 0) return "NETWORK";
  return (err.detail?.extensions?.code as string | undefined) ?? "INTERNAL";
}

// requestErrorMessage is a failed plain request's error in the reader's language.
export function requestErrorMessage(t: TFunction, err: unknown): string {
  if (err instanceof RequestError && err.detail) return describe(t, err.detail);
  return t(err instanceof RequestError && err.status !== 0 ? "error.INTERNAL" : "error.NETWORK", { requestId: "" });
}

// wordReason words an error's reason (README "Errors") in the reader's
// language with its params, or is undefined for a reason this UI does not know.
export function wordReason(t: TFunction, reason: unknown, params: unknown): string | undefined {
  if (typeof reason !== "string" || reason === "" || !i18n.exists(`reason.${reason}`)) return undefined;
  const p: Record<string, unknown> = { ...(params as Record<string, unknown> | undefined) };
  // A repeated key names the first row; an import also names its line.
  if (typeof p.row === "number" && p.line === undefined) p.line = p.row + 1;
  return t(`reason.${reason}`, p);
}

// RowError is one bad row of a batch or import, as the server names it.
export interface RowError { line?: number; index: number; field: string; problem?: string; params?: Record<string, unknown> }

// rowProblem words what is wrong with one row's field.
export function rowProblem(t: TFunction, r: RowError): string {
  return wordReason(t, r.problem, r.params) ?? t("error.WRONG");
}

function describe(t: TFunction, e: ServerError): string {
  const ext = e.extensions ?? {};
  const code = (ext.code as string | undefined) ?? "INTERNAL";
  // A batch names its bad rows: each with its place, field and problem.
  const rows = Array.isArray(ext.errors) ? (ext.errors as RowError[]) : [];
  if (code === "INVALID_INPUT" && rows.length > 0) {
    return rows.slice(0, 5).map((r) => t("error.ROW", { line: r.line ?? r.index + 1, field: fieldLabel(t, r.field), message: rowProblem(t, r) })).join("; ");
  }
  if (code === "INTERNAL") return t("error.INTERNAL", { requestId: ext.requestId ?? "" });
  // The server names the field at fault and the reason; an unknown reason
  // still gets a sentence in the reader's language, never the server's English.
  const worded = wordReason(t, ext.reason, ext.params);
  if (typeof ext.field === "string") return worded ? t("error.INVALID_FIELD", { field: fieldLabel(t, ext.field), message: worded }) : t("error.FIELD", { field: fieldLabel(t, ext.field) });
  return worded ?? t(`error.${code}`, { requestId: ext.requestId ?? "", seconds: ext.retryAfterSeconds ?? 60 });
}

// fetchJSON reads a JSON document the session may see.
export async function fetchJSON<T>(url: string): Promise<T> {
  let r: Response;
  try { r = await fetch(url, { credentials: "same-origin" }); } catch { throw new RequestError(0); }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new RequestError(r.status, (body as { errors?: ServerError[] }).errors?.[0]);
  return body as T;
}

// sendFile sends a file as a request body with the CSRF header and, for a POST,
// the user action's idempotency key (a PUT of a whole file is idempotent by
// itself); it reports upload progress and resolves with the JSON answer, or
// rejects with a RequestError.
export function sendFile<T>(method: "PUT" | "POST", url: string, file: File, idempotencyKey: string | undefined, onProgress: (percent: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader("X-Leaktrail-CSRF", "1");
    if (idempotencyKey) xhr.setRequestHeader("Idempotency-Key", idempotencyKey);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      let body: { errors?: ServerError[] } & Record<string, unknown> = {};
      try { body = JSON.parse(xhr.responseText || "{}"); } catch { /* not JSON: the status says enough */ }
      if (xhr.status === 200) resolve(body as T);
      else reject(new RequestError(xhr.status, body.errors?.[0]));
    };
    xhr.onerror = () => reject(new RequestError(0));
    xhr.send(file);
  });
}
