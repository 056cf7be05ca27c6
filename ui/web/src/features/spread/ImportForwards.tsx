import { Alert, Card, List, Typography } from "antd";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { RequestError, requestErrorCode, requestErrorMessage, rowProblem, sendFile, wordReason, type RowError } from "../../api";
import { useRetryKey } from "../../components/forms";

interface NodeName { key: string; kind: string; name: string }
// ImportAnswer is what the server says an import did (README "Importing forwards").
interface ImportAnswer {
  forwards: number;
  people: { matched: number; created: number };
  venues: { matched: number; created: number };
  sameName: (NodeName & { others: NodeName[] })[];
  sameNameCount: number;
}

// fieldLabel names a row's field ("to.memberCount") in the reader's language.
function fieldLabel(t: TFunction, field: string): string {
  return field.split(".").map((p) => t(`spread.importField.${p}`, { defaultValue: p })).join(" · ");
}

// describeRow words one bad row: its line, field and what is wrong, from its
// problem and params, not the server's English message.
export function describeRow(t: TFunction, r: RowError): string {
  return t("spread.importRow", { line: r.line ?? r.index + 1, field: fieldLabel(t, r.field), problem: rowProblem(t, r) });
}

// describeFailure words a refused import: every bad row, or what is wrong with the whole file.
function describeFailure(t: TFunction, err: unknown): { summary: string; rows: string[] } {
  const ext = err instanceof RequestError ? err.detail?.extensions ?? {} : {};
  const rows = Array.isArray(ext.errors) ? (ext.errors as RowError[]) : [];
  if (rows.length > 0) return { summary: t("spread.importRefused"), rows: rows.map((r) => describeRow(t, r)) };
  // A refusal of the whole file (its size, header or rows) says what is wrong with it.
  return { summary: wordReason(t, ext.reason, ext.params) ?? requestErrorMessage(t, err), rows: [] };
}

// ImportForwards sends a CSV or JSONL file of forwards; the server takes all
// of it or none, and says what it matched and created, or every bad row.
export function ImportForwards({ reference, onDone }: { reference: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [percent, setPercent] = useState<number>();
  const [answer, setAnswer] = useState<ImportAnswer>();
  const [failure, setFailure] = useState<{ summary: string; rows: string[] }>();
  const [sending, setSending] = useState(false);
  const keys = useRetryKey();
  const send = (file: File) => {
    setSending(true);
    setAnswer(undefined);
    setFailure(undefined);
    const key = keys.take({ name: file.name, size: file.size, modified: file.lastModified });
    // Times without a zone ("2026-11-24 21:15") are read in the reader's own.
    const zone = encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone);
    sendFile<ImportAnswer>("POST", `/incidents/${reference}/forwards?timeZone=${zone}`, file, key, setPercent)
      .then((r) => { keys.settle(undefined); setAnswer(r); onDone(); })
      .catch((err: unknown) => { keys.settle(requestErrorCode(err)); setFailure(describeFailure(t, err)); })
      .finally(() => setSending(false));
  };
  return (
    <Card size="small" title={t("spread.import")} style={{ marginTop: 16 }}>
      <input type="file" accept=".csv,.jsonl" aria-label={t("spread.import")} disabled={sending} onChange={(e) => {
        const file = e.target.files?.[0];
        // Emptied, so that choosing the same file again (a retry) is a change.
        e.target.value = "";
        if (file) send(file);
      }} />
      <Typography.Paragraph type="secondary">
        <a href="/forwards-template.csv" download>{t("spread.template")}</a>
      </Typography.Paragraph>
      {percent !== undefined && <Typography.Paragraph>{percent}%</Typography.Paragraph>}
      {answer && <div data-testid="import-answer">
        <Typography.Paragraph>{t("spread.imported", { count: answer.forwards })}</Typography.Paragraph>
        <Typography.Paragraph>{t("spread.importedNodes", { newPeople: answer.people.created, oldPeople: answer.people.matched,
          newVenues: answer.venues.created, oldVenues: answer.venues.matched })}</Typography.Paragraph>
        {answer.sameNameCount > 0 && <Alert type="warning" showIcon message={t("spread.sameName", { count: answer.sameNameCount })}
          description={<List size="small" dataSource={answer.sameName} renderItem={(s) => (
            <List.Item>{t("spread.sameNameItem", { name: s.name, key: s.key, others: s.others.map((o) => o.key).join("、") })}</List.Item>)} />} />}
      </div>}
      {failure && <Alert type="error" showIcon message={failure.summary} data-testid="import-errors"
        description={failure.rows.length > 0 && <List size="small" dataSource={failure.rows} renderItem={(r) => <List.Item>{r}</List.Item>} />} />}
    </Card>
  );
}
