import { Alert, Button, Card, Form, List, Select, Space, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import { errorMessage } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { ReportFormat, ReportKind } from "../../gql/graphql";
import { languages, type Language } from "../../i18n";

const IssuedQuery = graphql(`
  query IssuedReports($id: ID!) {
    incident(id: $id) {
      id
      notifications { id authority notifiedAt reference }
      issuedReports { id kind language format sha256 issuedAt issuedBy { displayName } notification { id authority reference } evidence { id fileName } }
    }
  }
`);
const Issue = graphql(`mutation IssueReport($id: ID!, $input: IssueReportInput!) { issueReport(incidentId: $id, input: $input) { id } }`);
const Download = graphql(`mutation IssuedReportLink($id: ID!, $purpose: String!, $tz: String) {
  evidenceLink(evidenceId: $id, purpose: $purpose, view: false, timeZone: $tz) { url } }`);

const kinds: ReportKind[] = ["UPWARD", "RESULT"];
const formats: ReportFormat[] = ["PDF", "DOCX"];
const time = (s: string) => dayjs(s).format("YYYY-MM-DD HH:mm");

interface IssueValues { kind: ReportKind; language: Language; format: ReportFormat; notificationId?: string }

// IssuedReports issues the written reports a case owes its authorities — the
// 泄密事件报告 with its seven items and the 查处结果报告 — each kept in the
// evidence vault with its SHA-256 and linked to the report upward it
// satisfies, and lists those issued. A frozen case still owes its result report.
export function IssuedReports({ incidentId, frozen, changes }: { incidentId: string; frozen: boolean; changes: number }) {
  const { t, i18n } = useTranslation();
  const [{ data }, refetch] = useQuery({ query: IssuedQuery, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  useEffect(() => {
    if (changes) refetch({ requestPolicy: "network-only" });
  }, [changes, refetch]);
  const [issued, issue] = useSubmit(Issue);
  const [, link] = useMutation(Download);
  const [form] = Form.useForm<IssueValues>();
  // Issuing cannot be undone, so it is asked twice.
  const [confirming, setConfirming] = useState(false);
  const { caseRole } = useIncidentAccess();
  const team = caseRole === "LEAD" || caseRole === "INVESTIGATOR" || caseRole === "RESPONDER";
  const offered = frozen ? kinds.filter((k) => k === "RESULT") : kinds;
  const inc = data?.incident;
  const lang: Language = (languages as readonly string[]).includes(i18n.language) ? (i18n.language as Language) : "zh-CN";
  const submit = async (v: IssueValues) => {
    const r = await issue({ id: incidentId, input: { kind: v.kind, language: v.language, format: v.format, notificationId: v.notificationId ?? null } });
    setConfirming(false);
    if (r && !r.error) {
      form.resetFields(["notificationId"]);
      refetch({ requestPolicy: "network-only" });
    }
  };
  const download = async (evidenceId: string) => {
    const r = await link({ id: evidenceId, purpose: t("issued.purpose"), tz: Intl.DateTimeFormat().resolvedOptions().timeZone });
    if (r.data) window.location.assign(r.data.evidenceLink.url);
  };
  return (
    <Card id="issued-reports" title={t("issued.title")}>
      <Typography.Paragraph type="secondary">{t("issued.hint")}</Typography.Paragraph>
      {issued.error && <Alert type="error" showIcon message={errorMessage(t, issued.error)} className="lt-gap" />}
      {inc && inc.issuedReports.length > 0 && <List size="small" data-testid="issued-list" dataSource={[...inc.issuedReports].reverse()} renderItem={(r) => (
        <List.Item actions={[<Button key="get" size="small" type="link" onClick={() => download(r.evidence.id)}>{t("issued.download")}</Button>]}>
          <Space direction="vertical" size={0}>
            <Space wrap size={4}>
              <Typography.Text strong>{t(`issued.kinds.${r.kind}`)}</Typography.Text>
              <Tag>{r.format}</Tag><Tag>{t(`lang.${r.language}`)}</Tag>
              {r.notification && <Tag color="blue">{t(`authority.${r.notification.authority}`)}{r.notification.reference ? ` · ${r.notification.reference}` : ""}</Tag>}
            </Space>
            <Typography.Text type="secondary">{time(r.issuedAt)} · {r.issuedBy.displayName}</Typography.Text>
            <Typography.Text code copyable className="lt-break">{r.sha256}</Typography.Text>
          </Space>
        </List.Item>)} />}
      {team && <GuardedForm form={form} layout="vertical" onFinish={submit} className="lt-top"
        initialValues={{ kind: offered[0], language: lang, format: "PDF" }}>
        <Space wrap align="end">
          <Form.Item name="kind" label={t("issued.kind")}>
            <Select className="lt-w200" options={offered.map((k) => ({ value: k, label: t(`issued.kinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="language" label={t("report.language")}>
            <Select className="lt-w140" options={languages.map((l) => ({ value: l, label: t(`lang.${l}`) }))} />
          </Form.Item>
          <Form.Item name="format" label={t("issued.format")}>
            <Select className="lt-w140" options={formats.map((f) => ({ value: f, label: f === "DOCX" ? t("report.docx") : f }))} />
          </Form.Item>
          <Form.Item name="notificationId" label={t("issued.satisfies")}>
            <Select allowClear className="lt-w240" placeholder={t("issued.noNotification")}
              options={(inc?.notifications ?? []).map((n) => ({ value: n.id,
                label: `${t(`authority.${n.authority}`)} · ${time(n.notifiedAt)}${n.reference ? ` · ${n.reference}` : ""}` }))} />
          </Form.Item>
          {!confirming && <Form.Item>
            <Button type="primary" onClick={() => setConfirming(true)} data-testid="issue-report">{t("issued.issue")}</Button>
          </Form.Item>}
        </Space>
        {confirming && <Alert type="warning" showIcon message={t("issued.confirm")} action={<Space>
          <Button size="small" onClick={() => setConfirming(false)}>{t("common.cancel")}</Button>
          <Button size="small" type="primary" htmlType="submit" loading={issued.fetching} data-testid="issue-report-confirm">{t("issued.confirmIssue")}</Button>
        </Space>} />}
      </GuardedForm>}
    </Card>
  );
}
