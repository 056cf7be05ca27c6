import { act, fireEvent, render, screen } from "@testing-library/react";
import { Button, DatePicker, Form, Input, Select } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { Client, fetchExchange, Provider } from "urql";
import { describe, expect, it, vi } from "vitest";
import { idempotencyExchange } from "../api";
import { GuardedForm, useSubmit } from "./forms";

describe("GuardedForm", () => {
  it("keeps Enter in a picker from submitting, and only there", () => {
    render(
      <GuardedForm initialValues={{ at: dayjs(), kind: "A" }}>
        <Form.Item name="at"><DatePicker showTime aria-label="at" /></Form.Item>
        <Form.Item name="kind"><Select aria-label="kind" options={[{ value: "A", label: "A" }]} /></Form.Item>
        <Form.Item name="text"><Input aria-label="text" /></Form.Item>
        <Button htmlType="submit">save</Button>
      </GuardedForm>,
    );
    // fireEvent answers false when a handler prevented the default: the
    // browser's implicit submission on Enter.
    expect(fireEvent.keyDown(screen.getByLabelText("at"), { key: "Enter" })).toBe(false);
    expect(fireEvent.keyDown(screen.getByRole("combobox", { name: "kind" }), { key: "Enter" })).toBe(false);
    expect(fireEvent.keyDown(screen.getByLabelText("text"), { key: "Enter" })).toBe(true);
  }, 20000); // antd's picker takes seconds to render on a loaded machine
});

// A plain string, not a tagged document: codegen checks tagged ones against the real schema.
const Save = "mutation Save($text: String!) { save(text: $text) }";

// A server whose answers the test releases one by one, recording the key of each request.
function server() {
  const keys: (string | null)[] = [];
  const pending: ((fail: boolean) => void)[] = [];
  const fetch = vi.fn((_url: RequestInfo | URL, init?: RequestInit) => {
    keys.push(new Headers(init?.headers).get("Idempotency-Key"));
    return new Promise<Response>((resolve, reject) => pending.push((fail) => fail ? reject(new TypeError("offline"))
      : resolve(new Response(JSON.stringify({ data: { save: true } }), { headers: { "Content-Type": "application/json" } }))));
  });
  const client = new Client({ url: "/graphql", exchanges: [idempotencyExchange, fetchExchange], fetch });
  const answer = async (fail = false) => { await act(async () => { pending.shift()!(fail); await Promise.resolve(); }); };
  return { client, keys, answer };
}

function Saver() {
  const [result, save] = useSubmit<{ save: boolean }, { text: string }>(Save);
  const [text, setText] = useState("first");
  return <>
    <Input aria-label="text" value={text} onChange={(e) => setText(e.target.value)} />
    <Button loading={result.fetching} onClick={() => save({ text })}>save</Button>
    <span data-testid="state">{result.fetching ? "busy" : result.error ? "failed" : result.data ? "saved" : "idle"}</span>
  </>;
}

describe("useSubmit", () => {
  it("sends one request for a double click, with an Idempotency-Key", async () => {
    const { client, keys, answer } = server();
    render(<Provider value={client}><Saver /></Provider>);
    const button = screen.getByRole("button", { name: "save" });
    await act(async () => { fireEvent.click(button); fireEvent.click(button); });
    await answer();
    await screen.findByText("saved");
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it("keeps the key when the same submit is retried, and takes a new one for a new submit", async () => {
    const { client, keys, answer } = server();
    render(<Provider value={client}><Saver /></Provider>);
    const button = screen.getByRole("button", { name: "save" });
    await act(async () => { fireEvent.click(button); });
    await answer(true);
    await screen.findByText("failed");
    await act(async () => { fireEvent.click(button); });
    await answer();
    await screen.findByText("saved");
    expect(keys[1]).toBe(keys[0]);

    await act(async () => { fireEvent.click(button); });
    await answer();
    expect(keys[2]).not.toBe(keys[1]);

    // Input changed after a failure: another request, so another key.
    await act(async () => { fireEvent.click(button); });
    await answer(true);
    await screen.findByText("failed");
    fireEvent.change(screen.getByLabelText("text"), { target: { value: "second" } });
    await act(async () => { fireEvent.click(button); });
    await answer();
    expect(keys).toHaveLength(5);
    expect(keys[4]).not.toBe(keys[3]);
  });
});
