import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { Provider, type Client } from "urql";
import { fromValue, never } from "wonka";
import { describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import { AdminPage } from "./AdminPage";

const users = [
  { __typename: "User", id: "u1", username: "root", displayName: "管理员", roles: ["ADMIN"], locale: "zh-CN", disabled: false },
  { __typename: "User", id: "u2", username: "duty", displayName: "值班员", roles: ["RESPONDER"], locale: "zh-CN", disabled: true },
];

// A client that answers the page's query and records mutations without answering them.
const client = () => ({
  executeQuery: vi.fn(() => fromValue({ data: { users, apiTokens: [] } })),
  executeMutation: vi.fn(() => never),
}) as unknown as Client;

describe("AdminPage", () => {
  it("tells a non-admin the page is for administrators and asks the server nothing", async () => {
    await i18n.changeLanguage("en");
    const c = client();
    render(<Provider value={c}><AdminPage me={{ id: "u2", roles: ["RESPONDER"] }} /></Provider>);
    expect(screen.getByText(/This page is for administrators/)).toBeTruthy();
    expect(c.executeQuery).not.toHaveBeenCalled();
  });

  it("lists users with their roles and state, offering no actions on the admin's own row", async () => {
    await i18n.changeLanguage("zh-CN");
    render(<Provider value={client()}><AdminPage me={{ id: "u1", roles: ["ADMIN"] }} /></Provider>);
    const duty = (await screen.findByText("值班员")).closest("tr")!;
    expect(within(duty).getByText("响应人员")).toBeTruthy();
    expect(within(duty).getByText("已停用")).toBeTruthy();
    expect(within(duty).getByRole("button", { name: "启 用" })).toBeTruthy();
    const root = screen.getByText("root").closest("tr")!;
    expect(within(root).queryByRole("button")).toBeNull();
    expect(screen.getByText("您没有 API 令牌。")).toBeTruthy();
  });

  it("creates a user only with a valid password, sending the form's values", async () => {
    await i18n.changeLanguage("en");
    const c = client();
    render(<Provider value={c}><AdminPage me={{ id: "u1", roles: ["ADMIN"] }} /></Provider>);
    fireEvent.click(screen.getByRole("button", { name: "Create user" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("User name"), { target: { value: "li.si" } });
    fireEvent.change(within(dialog).getByLabelText("Display name"), { target: { value: "李四" } });
    fireEvent.change(within(dialog).getByLabelText("Password"), { target: { value: "short" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create user" }));
    await waitFor(() => expect(within(dialog).getByText("A password has 10 to 256 characters")).toBeTruthy());
    expect(c.executeMutation).not.toHaveBeenCalled();
    fireEvent.change(within(dialog).getByLabelText("Password"), { target: { value: "a long enough password" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create user" }));
    await waitFor(() => expect(c.executeMutation).toHaveBeenCalledTimes(1));
    const op = (c.executeMutation as ReturnType<typeof vi.fn>).mock.calls[0][0] as { variables: unknown };
    expect(op.variables).toEqual({ input: { username: "li.si", displayName: "李四", password: "a long enough password", roles: ["RESPONDER"], locale: "zh-CN" } });
  }, 20000);
});
