import { createClient as createWSClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, subscriptionExchange, CombinedError } from "urql";
import type { TFunction } from "i18next";

// Subscriptions (live updates) go over a websocket to the same origin; the
// session cookie signs it in.
const ws = createWSClient({
  url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`,
  lazy: true,
  retryAttempts: Infinity,
});

// The session is the HttpOnly cookie login sets; every POST carries the CSRF
// header the server requires of cookie-signed requests.
export const client = new Client({
  url: "/graphql",
  exchanges: [cacheExchange, fetchExchange, subscriptionExchange({
    forwardSubscription(request) {
      const input = { ...request, query: request.query ?? "" };
      return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }) };
    },
  })],
  fetchOptions: () => ({ credentials: "same-origin", headers: { "X-Leaktrail-CSRF": "1" } }),
  preferGetMethod: false,
});

// errorCode returns the application error code of an operation's error.
export function errorCode(error?: CombinedError): string | undefined {
  if (!error) return undefined;
  if (error.networkError) return "NETWORK";
  return (error.graphQLErrors[0]?.extensions?.code as string | undefined) ?? "INTERNAL";
}

// errorMessage is an operation's error in the reader's language.
export function errorMessage(t: TFunction, error?: CombinedError): string | undefined {
  const code = errorCode(error);
  if (!code) return undefined;
  const ext = error?.graphQLErrors[0]?.extensions ?? {};
  const message = error?.graphQLErrors[0]?.message ?? "";
  // The server names the field at fault ("input.memberCount", "forwards[3].to.key"):
  // the reader gets its label in their language, the server's detail after it.
  const field = typeof ext.field === "string" ? ext.field.replace(/\[\d+\]/g, "").split(".").filter((p) => p !== "input").pop() : undefined;
  if (code === "INVALID_INPUT" && field) return t("error.INVALID_FIELD", { field: t(`field.${field}`, { defaultValue: field }), message });
  return t(`error.${code}`, { message, requestId: ext.requestId ?? "" });
}

// sendFile sends a file as a request body with the CSRF header, reporting
// upload progress; it resolves with the JSON answer, or rejects with the
// server's error message.
export function sendFile<T>(method: "PUT" | "POST", url: string, file: File, onProgress: (percent: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader("X-Leaktrail-CSRF", "1");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      let body: { errors?: { message: string }[] } & Record<string, unknown> = {};
      try { body = JSON.parse(xhr.responseText || "{}"); } catch { /* not JSON: the status says enough */ }
      if (xhr.status === 200) resolve(body as T);
      else reject(new Error(body.errors?.[0]?.message ?? xhr.statusText));
    };
    xhr.onerror = () => reject(new Error("network"));
    xhr.send(file);
  });
}
