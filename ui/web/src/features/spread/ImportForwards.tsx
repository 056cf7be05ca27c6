import { Card, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { requestErrorCode, requestErrorMessage, sendFile } from "../../api";
import { useRetryKey } from "../../components/forms";

// ImportForwards sends a CSV or JSONL file of forwards; the server takes all of it or none.
export function ImportForwards({ reference, onDone }: { reference: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [percent, setPercent] = useState<number>();
  const [outcome, setOutcome] = useState<string>();
  const [sending, setSending] = useState(false);
  const keys = useRetryKey();
  const send = (file: File) => {
    setSending(true);
    const key = keys.take({ name: file.name, size: file.size, modified: file.lastModified });
    // Times without a zone ("2026-11-24 21:15") are read in the reader's own.
    const zone = encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone);
    sendFile<{ forwards: number }>("POST", `/incidents/${reference}/forwards?timeZone=${zone}`, file, key, setPercent)
      .then((r) => { keys.settle(undefined); setOutcome(t("spread.imported", { count: r.forwards })); onDone(); })
      .catch((err: unknown) => { keys.settle(requestErrorCode(err)); setOutcome(requestErrorMessage(t, err)); })
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
      {outcome && <Typography.Paragraph>{outcome}</Typography.Paragraph>}
    </Card>
  );
}
