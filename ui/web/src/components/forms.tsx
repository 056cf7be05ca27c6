import { DatePicker, Form, Grid, Input, Select, type FormProps, type SelectProps } from "antd";
import type { Rule } from "antd/es/form";
import dayjs, { type Dayjs } from "dayjs";
import type { TFunction } from "i18next";
import { useCallback, useMemo, useRef, type CSSProperties, type KeyboardEvent, type PropsWithChildren } from "react";
import { useMutation, type AnyVariables, type DocumentInput, type OperationResult } from "urql";
import { errorCode, newIdempotencyKey } from "../api";

// Enter in a date or choice field confirms the value there; it must never also
// submit the form around it (that created a second, half-filled record).
function isPicker(target: EventTarget): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement && (target.type === "datetime-local" || target.type === "date")) return true;
  return target.closest(".ant-picker, .ant-select") !== null;
}

// GuardedForm is antd's Form that Enter in a picker does not submit.
export function GuardedForm<Values>({ onKeyDown, ...props }: PropsWithChildren<FormProps<Values>>) {
  const guard = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === "Enter" && isPicker(e.target)) e.preventDefault();
    onKeyDown?.(e);
  };
  return <Form<Values> {...props} onKeyDown={guard} />;
}

// Failures after which the same submit may be sent again as a retry: the
// server may or may not have made the change.
const retryable = new Set(["NETWORK", "UNAVAILABLE", "INTERNAL"]);

// useRetryKey hands out one idempotency key per user action: a new one for a
// new submit, the same one when the user sends unchanged input again after a
// failure that left it unknown whether the change was made.
export function useRetryKey() {
  const last = useRef<{ input: string; key: string; retry: boolean }>(undefined);
  return useMemo(() => ({
    take(input: unknown): string {
      const s = JSON.stringify(input);
      if (last.current?.retry && last.current.input === s) {
        last.current.retry = false;
        return last.current.key;
      }
      last.current = { input: s, key: newIdempotencyKey(), retry: false };
      return last.current.key;
    },
    settle(code: string | undefined) {
      if (last.current) last.current.retry = code !== undefined && retryable.has(code);
    },
  }), []);
}

// useSubmit is useMutation for a form: one request at a time (a second click
// while one is in flight sends nothing and resolves to undefined), each with
// the idempotency key of its user action.
export function useSubmit<Data, Variables extends AnyVariables>(query: DocumentInput<Data, Variables>) {
  const [state, execute] = useMutation<Data, Variables>(query);
  const keys = useRetryKey();
  const busy = useRef(false);
  const run = useCallback(async (variables: Variables): Promise<OperationResult<Data, Variables> | undefined> => {
    if (busy.current) return undefined;
    busy.current = true;
    try {
      const r = await execute(variables, { idempotencyKey: keys.take(variables) });
      keys.settle(errorCode(r.error));
      return r;
    } finally {
      busy.current = false;
    }
  }, [execute, keys]);
  return [state, run] as const;
}

// notInFuture refuses a time after now with a message, keeping what was typed
// so it can be corrected.
export const notInFuture = (t: TFunction): Rule => ({
  validator: (_, v?: Dayjs | null) => (v && v.isAfter(dayjs()) ? Promise.reject(new Error(t("common.futureTime"))) : Promise.resolve()),
});

const local = "YYYY-MM-DDTHH:mm";

// DateTimeField picks a date and time: antd's picker on wider screens; on a
// phone the browser's own, which fits the screen and its keyboard.
export function DateTimeField({ value, onChange, ...rest }: {
  value?: Dayjs | null; onChange?: (v: Dayjs | null) => void; "aria-label"?: string; id?: string; style?: CSSProperties; className?: string; autoFocus?: boolean;
}) {
  const screens = Grid.useBreakpoint();
  if (screens.xs) {
    return <Input type="datetime-local" {...rest} value={value ? value.format(local) : ""}
      onChange={(e) => onChange?.(e.target.value ? dayjs(e.target.value) : null)} />;
  }
  return <DatePicker showTime {...rest} value={value} onChange={(v) => onChange?.(v)} />;
}

// FormSelect is antd's Select for a required form field. antd marks a
// required field's control aria-required, which a Select puts on its input and
// on the div around it, where ARIA does not allow it (axe: aria-allowed-attr);
// the label's mark still says the field is required.
export function FormSelect({ "aria-required": _required, ...props }: SelectProps & { "aria-required"?: unknown }) {
  return <Select {...props} />;
}
