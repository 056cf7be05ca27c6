import { message as toast } from "antd";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { Provider, type Client } from "urql";
import { fromValue, never } from "wonka";
import { describe, expect, it, vi } from "vitest";
import { IncidentAccessProvider, type IncidentAccess } from "../../components/access";
import i18n from "../../i18n";
import type { ChatImportFieldsFragment, ProposalFieldsFragment } from "../../gql/graphql";
import { ChatImportStatus, ReadAsChat } from "./ChatImport";
import { MessagesPanel } from "./MessagesPanel";
import { ProposalList } from "./Proposals";

const investigator: IncidentAccess = { caseRole: "INVESTIGATOR", canEdit: true, canAdvance: true, canManageMembers: false, canSeeOutcomes: false };
const observer: IncidentAccess = { caseRole: "OBSERVER", canEdit: false, canAdvance: false, canManageMembers: false, canSeeOutcomes: false };
const quiet = () => ({ executeMutation: vi.fn(() => never), executeQuery: vi.fn(() => never) }) as unknown as Client;

const imp = (over: Partial<ChatImportFieldsFragment>): ChatImportFieldsFragment => ({
  id: "c1", format: "QQ_TXT", timeZone: "Asia/Shanghai", platform: "QQ", state: "DONE", bytesRead: 100, bytesTotal: 100, messages: 6, duplicates: 1,
  moreProblems: 0, failureReason: null, failureMessage: null, evidence: { id: "e1" }, problems: [], media: [], ...over,
});

describe("a read of a chat export", () => {
  it("shows its progress while running, and what it found and could not read when done", async () => {
    await i18n.changeLanguage("zh-CN");
    const { container, rerender } = render(<ChatImportStatus imp={imp({ state: "RUNNING", bytesRead: 256, bytesTotal: 1024 })} />);
    expect(screen.getByText("正在读取")).toBeTruthy();
    expect(container.querySelector(".ant-progress")!.textContent).toContain("25%");
    rerender(<ChatImportStatus imp={imp({ problems: [{ line: 7, offset: 120, reason: "BAD_TIME", detail: "2021-13-40", raw: "2021-13-40 25:00 何某" }], moreProblems: 2,
      media: [{ id: "m1", fileName: "4d7e91.jpg" }] })} />);
    expect(screen.getByTestId("chat-import-counts").textContent).toBe("6 条消息，其中 1 条已见于其他导出 · 3 处无法读取");
    fireEvent.click(screen.getByText("无法读取的部分（3）"));
    expect((await screen.findByText("2021-13-40 25:00 何某")).tagName).toBe("PRE");
    expect(screen.getByText("时间无法识别")).toBeTruthy();
    expect(screen.getByText("4d7e91.jpg")).toBeTruthy();
    expect(container.querySelector(".ant-progress")).toBeNull();
    // A format's name is wider than a phone's evidence column: it wraps (lt-wrap-tag), the table did not fit.
    expect(screen.getByText("QQ 电脑版导出的文本").classList).toContain("lt-wrap-tag");
    expect(screen.getByText("4d7e91.jpg").classList).toContain("lt-wrap-tag");
  });
  it("words a failure from its reason", async () => {
    await i18n.changeLanguage("zh-CN");
    render(<ChatImportStatus imp={imp({ state: "FAILED", failureReason: "UNREADABLE_FILE", failureMessage: "read: unexpected EOF" })} />);
    expect(screen.getByTestId("chat-import-failure").textContent).toBe("无法读取文件，请重新发送");
  });
  it("asks a generic CSV's columns and platform, and WhatsApp's date order", async () => {
    await i18n.changeLanguage("zh-CN");
    render(<Provider value={quiet()}><ReadAsChat evidence={{ id: "e1", fileName: "钉钉.csv" }} caseZone="Asia/Taipei" onClose={() => {}} onDone={() => {}} /></Provider>);
    const dialog = within(await screen.findByRole("dialog"));
    expect(dialog.getByText("Asia/Taipei")).toBeTruthy();
    expect(dialog.getByText("由文件判断")).toBeTruthy();
    expect(dialog.queryByLabelText("发送人列")).toBeNull();
    fireEvent.mouseDown(dialog.getByLabelText("导出格式"));
    fireEvent.click(await screen.findByTitle("通用 CSV（钉钉、飞书审计等，指定列）"));
    expect(await dialog.findByLabelText("发送人列")).toBeTruthy();
    expect(dialog.queryByText("由文件判断")).toBeNull();
  });
});

const node = (key: string, name: string) => ({ key, kind: "PERSON" as const, name, platform: null, memberCount: null });
const proposal = (over: Partial<ProposalFieldsFragment>): ProposalFieldsFragment => ({
  id: "p1", key: "k1", state: "PROPOSED", at: "2021-03-20T04:30:41Z", method: "FORWARD", confidence: 0.92, reason: "FORWARDED_FROM", fromName: "何某",
  earlierAt: null, originAt: null, candidates: null, rejectReason: "", decidedAt: null, from: node("p:何某", "何某"), to: node("p:徐某", "徐某"),
  by: node("p:何某", "何某"), sources: [{ line: 14, evidence: { id: "e2", fileName: "徐某.txt" }, message: { id: "m1" } }], forward: null, decidedBy: null, ...over,
});

describe("the proposals", () => {
  it("are explained in the case's zone, with their lines, and reviewed in place by those who may", async () => {
    await i18n.changeLanguage("zh-CN");
    const jumps: unknown[] = [];
    const list = (access: IncidentAccess) => <Provider value={quiet()}><IncidentAccessProvider access={access}>
      <ProposalList incidentId="i1" zone="Asia/Shanghai" frozen={false} onChanged={() => {}} onJump={(r) => jumps.push(r)}
        proposals={[proposal({}), proposal({ id: "p2", state: "REJECTED", rejectReason: "不是同一张图" })]} />
    </IncidentAccessProvider></Provider>;
    const { rerender } = render(list(investigator));
    expect(screen.getAllByTestId("proposal-explanation")[0].textContent).toBe("何某于2021-03-20 12:30发到徐某，导出记录标明转发自何某。");
    expect(screen.getAllByText("置信度 92%")).toHaveLength(2);
    expect(screen.getByText("驳回理由：不是同一张图")).toBeTruthy();
    fireEvent.click(screen.getAllByRole("button", { name: "徐某.txt 第 14 行" })[0]);
    expect(jumps).toEqual([{ evidenceId: "e2", line: 14 }]);
    expect(screen.getByRole("button", { name: "从聊天记录重建" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "接受置信度≥80%的全部" })).toBeTruthy();
    // Rejecting asks why; an empty reason is refused.
    fireEvent.click(screen.getByRole("button", { name: /驳\s*回/ }));
    const dialog = within(await screen.findByRole("dialog"));
    fireEvent.click(dialog.getAllByRole("button", { name: /驳\s*回/ }).at(-1)!);
    expect(await dialog.findByText("请填写驳回理由")).toBeTruthy();
    rerender(list(observer));
    await waitFor(() => expect(screen.queryByRole("button", { name: "从聊天记录重建" })).toBeNull());
    expect(screen.queryByRole("button", { name: /^接\s*受$/ })).toBeNull();
  });
});

describe("reconstructing again", () => {
  it("counts the proposals still to review, not those decided before", async () => {
    await i18n.changeLanguage("zh-CN");
    const executeMutation = vi.fn(() => fromValue({ data: { reconstructChain: { sightings: 5, proposals: [{ id: "p1" }, { id: "p2" }] } } }));
    const client = { executeQuery: vi.fn(() => never), executeMutation } as unknown as Client;
    render(<Provider value={client}><IncidentAccessProvider access={investigator}>
      <ProposalList incidentId="i1" zone="Asia/Shanghai" frozen={false} onChanged={() => {}} onJump={() => {}}
        proposals={[proposal({ state: "ACCEPTED" }), proposal({ id: "p2", state: "REJECTED", rejectReason: "不是同一张图" })]} />
    </IncidentAccessProvider></Provider>);
    const said = vi.spyOn(toast, "success");
    fireEvent.click(screen.getByRole("button", { name: "从聊天记录重建" }));
    await waitFor(() => expect(said).toHaveBeenCalledWith("找到 5 处出现，提出 0 次转发（另有 2 次此前已审核）"));
    said.mockRestore();
  });
});

const message = {
  id: "m1", at: "2021-03-20T04:30:41Z", kind: "TEXT", text: "关于进一步加强涉密文件管理的通知 文号我给涂了", forwardedFrom: null, quote: "下周同学聚会你去吗", members: [],
  forwards: [{ id: "f1", key: "k1", at: "2021-03-20T04:30:41Z", from: { name: "何某" }, to: { name: "徐某" } },
    { id: "f2", key: "k2", at: "2021-03-20T11:02:00Z", from: { name: "徐某" }, to: { name: "同学群" } }],
  chat: { id: "c1", name: "徐某", platform: "QQ", direct: true }, sender: { id: "s1", name: "何某", handles: ["2208816402"] }, media: [], items: [],
  sources: [{ line: 14, offset: 300, raw: "2021-03-20 12:30:41 何某(2208816402)", evidence: { id: "e2", fileName: "徐某.txt" } }],
};

describe("the messages section", () => {
  it("opens at a line named by the address: the message there expanded with its raw line", async () => {
    await i18n.changeLanguage("zh-CN");
    const executeQuery = vi.fn((op: { variables: Record<string, unknown> }) => fromValue({ data: {
      incident: { id: "i1", chats: [], chatSenders: [], chatImports: [{ id: "c2", state: "DONE", evidence: { id: "e2", fileName: "徐某.txt" } }],
        leakMarks: [], sightings: [], messages: { total: 3, next: null, messages: [message] }, _vars: op.variables } } }));
    const client = { executeQuery, executeMutation: vi.fn(() => never) } as unknown as Client;
    render(<MemoryRouter initialEntries={["/incidents/LT-1?evidence=e2&line=14#messages"]}><Provider value={client}>
      <IncidentAccessProvider access={investigator}><MessagesPanel incidentId="i1" zone="Asia/Shanghai" frozen={false} changes={0} /></IncidentAccessProvider>
    </Provider></MemoryRouter>);
    // The page starts at the line (chatlog Messages): it says so, and its total is the export's.
    expect((await screen.findByTestId("at-line")).textContent).toContain("徐某.txt 第 14 行起的消息");
    expect(screen.getByTestId("message-total").textContent).toBe("该导出共 3 条消息");
    const asked = executeQuery.mock.calls.map(([op]) => op.variables.filter).filter(Boolean);
    expect(asked).toContainEqual({ evidenceId: "e2", line: 14 });
    expect(screen.getByText("2021-03-20 12:30:41")).toBeTruthy();
    expect(screen.getByText("2021-03-20 12:30:41 何某(2208816402)").tagName).toBe("PRE");
    expect(screen.getByText("下周同学聚会你去吗")).toBeTruthy();
    // From the line back to the hop it proves.
    // Each forward apart: two ran together as one phrase.
    expect(screen.getByTestId("message-forwards").textContent).toContain("2021-03-20 12:30 何某 → 徐某、2021-03-20 19:02 徐某 → 同学群");
    expect(screen.getAllByRole("button", { name: "标记为泄露内容" })).toHaveLength(1);
  });
});

describe("the hooks the explorer reloads with", () => {
  it("keep their reload from one render to the next (the explorer reloads on every change, and looped)", async () => {
    const { renderHook } = await import("@testing-library/react");
    const { useProposals } = await import("./Proposals");
    const { useChatImports } = await import("./ChatImport");
    const client = quiet();
    const wrapper = ({ children }: { children: React.ReactNode }) => <Provider value={client}>{children}</Provider>;
    const p = renderHook(() => useProposals("i1"), { wrapper });
    const first = p.result.current.reload;
    p.rerender();
    expect(p.result.current.reload).toBe(first);
    const c = renderHook(() => useChatImports("i1", 0), { wrapper });
    const before = c.result.current.reload;
    c.rerender();
    expect(c.result.current.reload).toBe(before);
  });
});

describe("searching the messages for a sender's name", () => {
  it("says the search reads the text, and offers the sender's own messages", async () => {
    await i18n.changeLanguage("zh-CN");
    const executeQuery = vi.fn(() => fromValue({ data: {
      incident: { id: "i1", chats: [], chatImports: [], leakMarks: [], sightings: [], messages: { total: 0, next: null, messages: [] },
        chatSenders: [{ id: "s1", name: "何某", platform: "QQ", handles: ["2208816402"] }, { id: "s2", name: "何某", platform: "WECHAT", handles: ["wxid_hmq2019"] },
          { id: "s3", name: "徐某", platform: "QQ", handles: ["1473920561"] }] } } }));
    const client = { executeQuery, executeMutation: vi.fn(() => never) } as unknown as Client;
    render(<MemoryRouter initialEntries={["/incidents/LT-1#messages"]}><Provider value={client}>
      <IncidentAccessProvider access={investigator}><MessagesPanel incidentId="i1" zone="Asia/Shanghai" frozen={false} changes={0} /></IncidentAccessProvider>
    </Provider></MemoryRouter>);
    const search = screen.getByLabelText("搜索消息");
    expect(search.getAttribute("placeholder")).not.toContain("某");
    fireEvent.change(search, { target: { value: " 何某 " } });
    fireEvent.keyDown(search, { key: "Enter", code: "Enter", keyCode: 13 });
    const hint = await screen.findByTestId("search-names-sender");
    expect(hint.textContent).toContain("「何某」是发送人");
    fireEvent.click(within(hint).getByRole("button", { name: "查看其发出的消息" }));
    await waitFor(() => {
      const asked = (executeQuery.mock.calls as unknown as [{ variables: { filter?: object } }][]).map(([op]) => op.variables.filter);
      expect(asked).toContainEqual({ senderIds: ["s1", "s2"] });
    });
    expect(screen.queryByTestId("search-names-sender")).toBeNull();
  });
});
