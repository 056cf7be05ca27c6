import { fireEvent, render, screen } from "@testing-library/react";
import { GraphQLError } from "graphql";
import { CombinedError, Provider, type Client } from "urql";
import { fromValue } from "wonka";
import { describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import { ChangePassword } from "./ChangePassword";

const refused = new CombinedError({ graphQLErrors: [new GraphQLError("the current password is wrong", {
  extensions: { code: "INVALID_INPUT", field: "currentPassword" } })] });

describe("ChangePassword", () => {
  it("checks the new password twice before asking, and says when the current one is wrong", async () => {
    await i18n.changeLanguage("zh-CN");
    const executeMutation = vi.fn(() => fromValue({ error: refused }));
    const onChanged = vi.fn();
    render(<Provider value={{ executeMutation } as unknown as Client}>
      <ChangePassword onClose={() => {}} onChanged={onChanged} /></Provider>);
    fireEvent.change(screen.getByLabelText("当前密码"), { target: { value: "not my password" } });
    fireEvent.change(screen.getByLabelText("新密码"), { target: { value: "a fresh password 42" } });
    fireEvent.change(screen.getByLabelText("再次输入新密码"), { target: { value: "a fresh password 43" } });
    fireEvent.click(screen.getByRole("button", { name: /保\s*存/ }));
    expect(await screen.findByText("两次输入的新密码不一致")).toBeTruthy();
    expect(executeMutation).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText("再次输入新密码"), { target: { value: "a fresh password 42" } });
    fireEvent.click(screen.getByRole("button", { name: /保\s*存/ }));
    expect(await screen.findByText("当前密码不正确。")).toBeTruthy();
    expect(executeMutation).toHaveBeenCalledTimes(1);
    expect(onChanged).not.toHaveBeenCalled();
  }, 15000);
});
