// The errors an import meets, read in the zh-CN UI (issue 15): a bad row, a
// kind conflict and a refused header are each worded in Chinese from their
// reason and params, with no English sentence of the server's among them.

// Latin words an error may show: the formats' names and the key prefix of a person.
const allowed = new Set(["CSV", "JSONL", "p"]);
const latin = (text) => (text.match(/[A-Za-z]+/g) ?? []).filter((w) => !allowed.has(w));

export async function importErrorsInChinese({ page, step, problems, openSection }) {
  await step("an import's bad row, kind conflict and bad header read entirely in Chinese", async () => {
    await openSection(page, "spread");
    const header = "key,at,method,from_key,from_kind,to_key,to_kind,by_key";
    const errors = page.getByTestId("import-errors");
    const logged = problems.length;
    const send = async (name, csv, want) => {
      await page.getByLabel("导入 CSV 或 JSONL 文件").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
      await errors.getByText(want).waitFor();
      const shown = await errors.innerText();
      const words = latin(shown);
      if (words.length > 0) throw new Error(`${name}: the error shows ${words.join(", ")}: ${shown}`);
    };
    // A row without its sender: refused while the file is read.
    await send("缺经手人.csv", `${header}\n甲1,2026-02-01 10:00,FORWARD,其他群,GROUP_CHAT,p:网友,PERSON,p:网友\n` +
      "甲2,2026-02-01 10:05,FORWARD,其他群,GROUP_CHAT,p:网友,PERSON,\n", "第 3 行，经手人 · 标识：不能为空");
    // 其他群 was recorded as a group chat: naming it a person is a kind conflict, found when recording.
    await send("类型冲突.csv", `${header}\n乙1,2026-02-01 10:00,FORWARD,其他群,PERSON,p:网友,PERSON,p:网友\n`,
      "第 2 行，来源 · 类型：「其他群」已记录为群聊");
    // A column the importer does not know refuses the whole file.
    await send("未知列.csv", `${header},颜色\n丙1,2026-02-01 10:00,FORWARD,其他群,GROUP_CHAT,p:网友,PERSON,p:网友,红\n`,
      "第 1 行：未知的列「颜色」");
    // The browser logs each refusal, an HTTP 400 answer, as a failed load: those are expected.
    for (let i = problems.length - 1; i >= logged; i--) {
      if (problems[i].includes("the server responded with a status of 400")) problems.splice(i, 1);
    }
  });
}
