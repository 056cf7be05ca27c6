import { CombinedError } from "urql";
import { describe, expect, it } from "vitest";
import { errorMessage, RequestError, requestErrorMessage } from "./api";
import i18n from "./i18n";

const graphQLError = (message: string, extensions: Record<string, unknown>) =>
  new CombinedError({ graphQLErrors: [{ message, extensions }] });

describe("error messages", () => {
  it("name the field at fault in the reader's language", async () => {
    await i18n.changeLanguage("zh-CN");
    const t = i18n.t.bind(i18n);
    expect(errorMessage(t, graphQLError("must not be negative", { code: "INVALID_INPUT", field: "input.memberCount" })))
      .toBe("请检查“成员人数”：must not be negative");
    expect(errorMessage(t, graphQLError("x", { code: "FROZEN" }))).toBe("案件已审阅并封存。");
    expect(errorMessage(t, new CombinedError({ networkError: new Error("offline") }))).toBe("无法连接服务器。");
    expect(errorMessage(t, graphQLError("busy", { code: "RATE_LIMITED", retryAfterSeconds: 2 }))).toBe("请求过多或服务器正忙，请 2 秒后再试。");
  });
  it("list an import's bad rows with their place in the file", async () => {
    await i18n.changeLanguage("en");
    const t = i18n.t.bind(i18n);
    const err = new RequestError(400, { message: "2 bad rows", extensions: { code: "INVALID_INPUT",
      errors: [{ index: 0, field: "at", message: "not a plausible time" }, { index: 4, field: "to.key", message: "must not be empty" }] } });
    expect(requestErrorMessage(t, err)).toBe("row 1, “Time”: not a plausible time; row 5, “Key”: must not be empty");
    expect(requestErrorMessage(t, new RequestError(0))).toBe("The server cannot be reached.");
  });
});
