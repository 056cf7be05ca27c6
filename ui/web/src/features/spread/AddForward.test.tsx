import { fireEvent, render, screen } from "@testing-library/react";
import { Provider, type Client } from "urql";
import { never } from "wonka";
import { describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import { AddForward } from "./AddForward";

const client = () => ({ executeMutation: vi.fn(() => never), executeQuery: vi.fn(() => never) }) as unknown as Client;
const nodes = [
  { key: "p:王某", name: "王某", kind: "PERSON" },
  { key: "wechat-group:民政工作群", name: "民政工作群", kind: "GROUP_CHAT" },
];

describe("AddForward", () => {
  it("offers the 王某 recorded before by key, or a new 王某 under a fresh key", async () => {
    await i18n.changeLanguage("zh-CN");
    render(<Provider value={client()}><AddForward incidentId="i1" nodes={nodes} onDone={() => {}} /></Provider>);
    const by = screen.getByLabelText("经手人");
    fireEvent.mouseDown(by);
    fireEvent.change(by, { target: { value: "王某" } });
    expect(await screen.findByTitle("王某 · p:王某 · 人员")).toBeTruthy();
    // Only people forward: no venue is offered to the forwarder.
    expect(screen.queryByTitle("新建场所「王某」· v:王某")).toBeNull();
    fireEvent.click(screen.getByTitle("新建人员「王某」· p:王某-2"));
    expect(await screen.findByText("将新建，标识 p:王某-2")).toBeTruthy();
    expect(screen.getByLabelText("内部或外部人员")).toBeTruthy();
  });
});
