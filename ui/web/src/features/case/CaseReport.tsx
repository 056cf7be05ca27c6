import { Card, Descriptions, Select, Space, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { languages, type Language } from "../../i18n";

export interface AcceptedReview { comments: string; reviewedAt: string; snapshotSha256?: string | null; reviewer?: { displayName: string } | null }

// CaseReport offers the case report at every stage, in the language chosen
// (the reader's by default), and on an accepted case the leadership sign-off
// it was accepted with: who, when, the comment and the snapshot's SHA-256.
export function CaseReport({ reference, accepted }: { reference: string; accepted?: AcceptedReview }) {
  const { t, i18n } = useTranslation();
  const [lang, setLang] = useState<Language>((languages as readonly string[]).includes(i18n.language) ? (i18n.language as Language) : "zh-CN");
  const href = (ext: string) => `/incidents/${reference}/report.${ext}?lang=${lang}`;
  return (
    <Card id="report" title={t("report.title")}>
      <Space wrap>
        <Select aria-label={t("report.language")} value={lang} onChange={setLang} className="lt-w140"
          options={languages.map((l) => ({ value: l, label: t(`lang.${l}`) }))} />
        <a href={href("pdf")} data-testid="report-pdf">PDF</a>
        <a href={href("docx")} data-testid="report-docx">{t("report.docx")}</a>
        <a href={href("md")} data-testid="report-md">Markdown</a>
      </Space>
      {accepted && <Descriptions className="lt-top" column={1} size="small" title={t("report.signOff")} items={[
        { key: "who", label: t("report.reviewer"), children: accepted.reviewer?.displayName ?? "—" },
        { key: "when", label: t("report.reviewedAt"), children: dayjs(accepted.reviewedAt).format("YYYY-MM-DD HH:mm") },
        { key: "comment", label: t("report.comment"), children: accepted.comments || "—" },
        { key: "sha", label: t("report.snapshot"), children: <Typography.Text code copyable className="lt-break" data-testid="snapshot-sha">{accepted.snapshotSha256}</Typography.Text> },
      ]} />}
    </Card>
  );
}
