import { CombinedError } from "urql";
import { describe, expect, it } from "vitest";
import { errorMessage, RequestError, requestErrorMessage, wordReason } from "./api";
import i18n from "./i18n";

const graphQLError = (message: string, extensions: Record<string, unknown>) =>
  new CombinedError({ graphQLErrors: [{ message, extensions }] });

describe("error messages", () => {
  it("word the reason with its params and name the field at fault, in the reader's language", async () => {
    await i18n.changeLanguage("zh-CN");
    const t = i18n.t.bind(i18n);
    expect(errorMessage(t, graphQLError("at most 1000 bytes", { code: "INVALID_INPUT", field: "input.memberCount",
      reason: "at_most_bytes", params: { 0: 1000 } }))).toBe("请检查“成员人数”：最多 1000 字节。");
    expect(errorMessage(t, graphQLError("x", { code: "FROZEN" }))).toBe("案件已审阅并封存。");
    expect(errorMessage(t, new CombinedError({ networkError: new Error("offline") }))).toBe("无法连接服务器。");
    expect(errorMessage(t, graphQLError("busy", { code: "RATE_LIMITED", retryAfterSeconds: 2 }))).toBe("请求过多或服务器正忙，请 2 秒后再试。");
  });
  it("word the codes inside params with the UI's labels", async () => {
    await i18n.changeLanguage("zh-TW");
    const t = i18n.t.bind(i18n);
    expect(errorMessage(t, graphQLError("the incident is already in stage INVESTIGATION", { code: "CONFLICT",
      reason: "the_incident_is_already_in_stage", params: { 0: "INVESTIGATION" } }))).toBe("事件已處於「調查」階段。");
    expect(wordReason(t, "the_gate_is_not_met", { 0: "DETECT", 1: "detect.leaked_item, detect.reported_by" }))
      .toBe("「發現」階段尚未完成：已描述洩漏內容和已記錄報告人。");
    expect(wordReason(t, "an_outcome_cannot_become", { 0: "FINAL", 1: "DECIDED" })).toBe("處理結果不能從「已確定」改為「已決定」。");
    expect(wordReason(t, "must_not_be_empty", { 0: "input.memberCount" })).toBe("「成員人數」不得為空。");
    expect(wordReason(t, "KIND_CONFLICT", { key: "g:群", kind: "GROUP_CHAT" })).toBe("「g:群」已記錄為群組");
  });
  it("fall back to a sentence in the reader's language for a reason they do not know, never the server's English", async () => {
    await i18n.changeLanguage("zh-CN");
    const t = i18n.t.bind(i18n);
    expect(wordReason(t, "a_reason_from_a_newer_server", {})).toBeUndefined();
    expect(errorMessage(t, graphQLError("must be odd", { code: "INVALID_INPUT", field: "input.memberCount", reason: "a_reason_from_a_newer_server" })))
      .toBe("请检查“成员人数”。");
    expect(errorMessage(t, graphQLError("someone else won", { code: "CONFLICT", reason: "a_reason_from_a_newer_server" })))
      .toBe("他人已修改，请刷新后重试。");
    expect(errorMessage(t, graphQLError("must be odd", { code: "INVALID_INPUT" }))).toBe("请检查输入。");
  });
  it("list a batch's bad rows with their place and problem", async () => {
    await i18n.changeLanguage("en");
    const t = i18n.t.bind(i18n);
    const err = new RequestError(400, { message: "2 bad rows", extensions: { code: "INVALID_INPUT",
      errors: [{ index: 0, field: "at", problem: "BAD_TIME", params: { value: "yesterday" }, message: "not a plausible time" },
        { index: 4, field: "key", problem: "REPEATED_KEY", params: { row: 2 }, message: "repeats the key of forwards[2]" },
        { index: 5, field: "to.key", problem: "NEWER", message: "must not be empty" }] } });
    expect(requestErrorMessage(t, err)).toBe(
      "row 1, “Time”: “yesterday” is not a time such as 2026-11-24 21:15; row 5, “Key”: repeats the key of line 3; row 6, “Key”: is wrong");
    expect(requestErrorMessage(t, new RequestError(0))).toBe("The server cannot be reached.");
  });
});
