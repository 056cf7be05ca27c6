import { Client, cacheExchange, fetchExchange, CombinedError } from "urql";
import type { TFunction } from "i18next";

// The session is the HttpOnly cookie login sets; every POST carries the CSRF
// header the server requires of cookie-signed requests.
export const client = new Client({
  url: "/graphql",
  exchanges: [cacheExchange, fetchExchange],
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
  return t(`error.${code}`, { message: error?.graphQLErrors[0]?.message ?? "", requestId: ext.requestId ?? "" });
}
