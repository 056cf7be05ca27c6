import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { editedAt, explain, lineLink, percent, progress, readLineLink, reconstructed, sendersNamed, zoneClock } from "./chatData";
import { readInput } from "./ChatImport";
import { toFilter } from "./MessagesPanel";
import dayjs from "dayjs";

describe("line links", () => {
  it("open the messages section at an export's line, and read back", () => {
    const link = lineLink({ evidenceId: "e 7", line: 12 });
    expect(link).toEqual({ search: "?evidence=e+7&line=12", hash: "messages" });
    expect(readLineLink(link.search)).toEqual({ evidenceId: "e 7", line: 12 });
  });
  it("name no line when the address does not", () => {
    expect(readLineLink("")).toBeUndefined();
    expect(readLineLink("?evidence=e1")).toBeUndefined();
    expect(readLineLink("?evidence=e1&line=0")).toBeUndefined();
    expect(readLineLink("?evidence=e1&line=x")).toBeUndefined();
  });
});

describe("proposal explanations", () => {
  const p = {
    reason: "MEMBER_OF_EARLIER_CHAT", at: "2021-03-20T05:30:00Z", by: { name: "周某" }, to: { name: "华东区销售群" }, from: { name: "同学群" },
    fromName: null, earlierAt: "2021-03-20T04:40:00Z", originAt: null, candidates: 1,
  };
  it("word the reason with its names and times in the case's zone", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(explain(i18n.t, p, "Asia/Shanghai")).toBe("周某于2021-03-20 13:30发到华东区销售群；其所在的同学群在2021-03-20 12:40已出现该内容（其此前共有1个聊天出现过）。");
    await i18n.changeLanguage("en");
    expect(explain(i18n.t, { ...p, reason: "FORWARDED_FROM", fromName: "郑某" }, "UTC")).toContain("郑某");
    expect(explain(i18n.t, { ...p, reason: "FORWARDED_FROM", fromName: "郑某" }, "UTC")).toContain("2021-03-20 05:30");
  });
  it("give confidence and progress as whole percentages", () => {
    expect(percent(0.875)).toBe("88%");
    expect(progress(512, 1024)).toBe(50);
    expect(progress(1024, 1024)).toBe(100);
    expect(progress(0, 0)).toBe(0);
  });
});

describe("reading an export", () => {
  const base = { format: "AUTO" as const, timeZone: "Asia/Shanghai", order: "FILE" as const };
  it("asks for detection unless a format is chosen, and WhatsApp's order only when settled", () => {
    expect(readInput(base)).toEqual({ format: undefined, timeZone: "Asia/Shanghai", platform: undefined, mapping: undefined, dayFirst: undefined });
    expect(readInput({ ...base, format: "WHATSAPP_TXT", order: "MONTH" }).dayFirst).toBe(false);
    expect(readInput({ ...base, format: "WHATSAPP_TXT", order: "DAY" }).dayFirst).toBe(true);
    expect(readInput({ ...base, format: "QQ_TXT", order: "DAY" }).dayFirst).toBeUndefined();
  });
  it("sends a generic CSV's columns and platform, leaving out the empty ones", () => {
    const v = readInput({ ...base, format: "GENERIC_CSV", platform: "DINGTALK", sender: " 发送人 ", time: "时间", text: "内容", chat: "", media: "附件" });
    expect(v.platform).toBe("DINGTALK");
    expect(v.mapping).toEqual({ sender: "发送人", time: "时间", text: "内容", chat: undefined, chatId: undefined, senderId: undefined, media: "附件", timeLayout: undefined });
    expect(readInput({ ...base, format: "QQ_TXT", platform: "DINGTALK" }).platform).toBeUndefined();
  });
});

describe("the message filter", () => {
  it("reads times picked in the case's zone, and a line link alone when there is one", () => {
    const f = toFilter({ text: " 〔2021〕3号 ", range: [dayjs("2021-03-20T12:00:00"), null], chats: [] }, "Asia/Shanghai");
    expect(f).toEqual({ text: "〔2021〕3号", fuzzy: undefined, chatIds: undefined, senderIds: undefined, from: "2021-03-20T04:00:00.000Z", to: undefined, evidenceId: undefined });
    expect(toFilter({ text: "x" }, "UTC", { evidenceId: "e1", line: 9 })).toEqual({ evidenceId: "e1", line: 9 });
    expect(toFilter({ text: "涉密文件", fuzzy: true }, "UTC").fuzzy).toBe(true);
    expect(toFilter({ text: " ", fuzzy: true }, "UTC").fuzzy).toBeUndefined();
  });
});

describe("a proposal's time, edited on the case's clock", () => {
  it("is shown in the case's zone and sent only when changed", () => {
    const shown = zoneClock("2021-03-20T04:30:41Z", "Asia/Shanghai");
    expect(shown.format("YYYY-MM-DD HH:mm:ss")).toBe("2021-03-20 12:30:41");
    expect(editedAt(shown, shown, "Asia/Shanghai")).toBeUndefined();
    expect(editedAt(shown.add(2, "minute"), shown, "Asia/Shanghai")).toBe("2021-03-20T04:32:00.000Z");
    expect(editedAt(null, shown, "Asia/Shanghai")).toBeUndefined();
  });
});

describe("a search term that names a sender", () => {
  const senders = [{ id: "s1", name: "何某", handles: ["2208816402"] }, { id: "s2", name: "徐某", handles: ["wxid_xu7731"] }];
  it("is found by the sender's name or a handle, whole", () => {
    expect(sendersNamed(" 何某 ", senders).map((s) => s.id)).toEqual(["s1"]);
    expect(sendersNamed("WXID_XU7731", senders).map((s) => s.id)).toEqual(["s2"]);
  });
  it("is not a part of a name, nor empty", () => {
    expect(sendersNamed("何", senders)).toEqual([]);
    expect(sendersNamed("  ", senders)).toEqual([]);
    expect(sendersNamed(undefined, senders)).toEqual([]);
  });
});

describe("a reconstruction's count", () => {
  it("is of the proposals still to review: those decided before are counted apart", () => {
    const known = [{ id: "p1", state: "ACCEPTED" }, { id: "p2", state: "REJECTED" }, { id: "p3", state: "PROPOSED" }];
    expect(reconstructed([{ id: "p1" }, { id: "p2" }, { id: "p3" }, { id: "p4" }], known)).toEqual({ open: 2, decided: 2 });
    expect(reconstructed([{ id: "p1" }, { id: "p2" }], known)).toEqual({ open: 0, decided: 2 });
    expect(reconstructed([{ id: "p9" }], [])).toEqual({ open: 1, decided: 0 });
  });
});

describe("the close-match hint", () => {
  // The server's trigram similarity (chatlog fuzzyThreshold 0.5) lets a
  // character differ or go missing in a long phrase only: 涉秘文件 does not
  // find 涉密文件, and the hint said any character might differ.
  it("promises a character off only in a long phrase", async () => {
    for (const lng of ["zh-CN", "zh-TW"]) {
      await i18n.changeLanguage(lng);
      expect(i18n.t("chat.fuzzyHint")).toMatch(/约?約?十五字以上.*短[语語][须須]一字不差/);
    }
    await i18n.changeLanguage("en");
    expect(i18n.t("chat.fuzzyHint")).toContain("a short phrase must match exactly");
  });
});
