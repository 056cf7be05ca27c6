import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { Provider, type Client } from "urql";
import { never } from "wonka";
import { describe, expect, it, vi } from "vitest";
import i18n from "../i18n";
import type { ExportForward, ExportNode } from "../spread/graphData";
import { NodePanel } from "./SpreadSide";

const site: ExportNode = { id: "n1", key: "web:境外网站", kind: "WEBSITE", name: "境外网站", exposure: "PUBLIC", memberCount: 1200,
  containment: "REQUESTED", origin: false, hops: 7 };
const forwards: ExportForward[] = [
  { id: "f1", key: "c5-7", from: "g:其他群", to: "web:境外网站", by: "p:网友", at: "2026-02-01T09:00:00Z", method: "POST", confidence: "SUSPECTED" },
  { id: "f2", key: "c5-1", from: "p:宗某", to: "fax", by: "p:宗某", at: "2026-02-01T01:00:00Z", method: "FAX" },
];
const names = new Map([["g:其他群", "其他群"], ["web:境外网站", "境外网站"]]);

// A client that records mutations and never answers: the panel's own checks are under test.
const client = () => ({ executeMutation: vi.fn(() => never), executeQuery: vi.fn(() => never) }) as unknown as Client;

describe("NodePanel", () => {
  it("shows a venue, its takedown state and only the forwards involving it", async () => {
    await i18n.changeLanguage("zh-CN");
    render(<Provider value={client()}><NodePanel node={site} forwards={forwards} names={names} frozen={false} onChanged={() => {}} onClose={() => {}} /></Provider>);
    expect(screen.getByText("已要求删除")).toBeTruthy();
    expect(screen.getByText("1200")).toBeTruthy();
    expect(screen.getByText("相关转发（1）")).toBeTruthy();
    expect(screen.getByText(/其他群 → 境外网站/)).toBeTruthy();
    expect(screen.getByText("待核实")).toBeTruthy();
    expect(screen.getByRole("button", { name: "记录删除情况" })).toBeTruthy();
  });
  it("offers no edits on a frozen case but the takedown", async () => {
    await i18n.changeLanguage("en");
    render(<Provider value={client()}><NodePanel node={site} forwards={forwards} names={names} frozen onChanged={() => {}} onClose={() => {}} /></Provider>);
    expect(screen.queryByRole("button", { name: "Edit details" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull();
    expect(screen.getByRole("button", { name: i18n.t("spread.setContainment") })).toBeTruthy();
  });
  it("refuses an empty name before asking the server", async () => {
    await i18n.changeLanguage("en");
    const c = client();
    render(<Provider value={c}><NodePanel node={site} forwards={forwards} names={names} frozen={false} onChanged={() => {}} onClose={() => {}} /></Provider>);
    fireEvent.click(screen.getByRole("button", { name: "Edit details" }));
    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "  " } });
    fireEvent.click(screen.getByRole("button", { name: "OK" }));
    await waitFor(() => expect(screen.getByText("Give a name")).toBeTruthy());
    expect(c.executeMutation).not.toHaveBeenCalled();
  });
});
