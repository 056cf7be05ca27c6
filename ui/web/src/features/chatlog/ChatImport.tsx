import { Alert, Button, Collapse, Form, Input, Modal, Progress, Radio, Space, Tag, Typography, message } from "antd";
import { useCallback, useEffect, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { errorMessage, wordReason } from "../../api";
import { FormSelect, GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { ChatExportFormat, ChatImportFieldsFragment, Platform } from "../../gql/graphql";
import { platforms } from "../../vocabulary";
import { zones } from "../evidence/zoneTime";
import { goodTag } from "../spread/graphStyle";
import { inFlight, progress } from "./chatData";

graphql(`
  fragment ChatImportFields on ChatImport {
    id format timeZone platform state bytesRead bytesTotal messages duplicates moreProblems failureReason failureMessage
    evidence { id }
    problems { line offset reason detail raw }
    media { id fileName }
  }
`);
const ChatImports = graphql(`
  query ChatImports($id: ID!) { incident(id: $id) { id chatImports { ...ChatImportFields } } }
`);
const ReadChatExport = graphql(`
  mutation ReadChatExport($evidenceId: ID!, $input: ChatImportInput) { readChatExport(evidenceId: $evidenceId, input: $input) { ...ChatImportFields } }
`);
export const MarkLeak = graphql(`
  mutation MarkLeak($incidentId: ID!, $input: LeakMarkInput!) { markLeak(incidentId: $incidentId, input: $input) { id kind } }
`);

// The formats an investigator may choose; detection from the content is the default.
export const chatFormats: ChatExportFormat[] = ["WECHAT_PYWXDUMP_CSV", "WECHAT_MEMOTRACE_CSV", "WECOM_ARCHIVE_JSONL", "QQ_TXT", "LINE_TXT",
  "TELEGRAM_JSON", "WHATSAPP_TXT", "GENERIC_CSV"];

const pollEvery = 1000; // ms between looks at a read still running

// useChatImports is the case's reads of chat exports by evidence item,
// looked at again every second while one is queued or running.
export function useChatImports(incidentId: string, changes: number) {
  const [{ data, error }, refetch] = useQuery({ query: ChatImports, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  const all = useMemo(() => data?.incident?.chatImports ?? [], [data]);
  const running = all.some((i) => inFlight(i.state));
  useEffect(() => {
    if (!running) return;
    const id = window.setInterval(() => refetch({ requestPolicy: "network-only" }), pollEvery);
    return () => window.clearInterval(id);
  }, [running, refetch]);
  useEffect(() => { if (changes) refetch({ requestPolicy: "network-only" }); }, [changes, refetch]);
  // Newest first: an item's latest read is the one shown.
  const byEvidence = useMemo(() => {
    const m = new Map<string, ChatImportFieldsFragment>();
    for (const i of all) if (!m.has(i.evidence.id)) m.set(i.evidence.id, i);
    return m;
  }, [all]);
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  return { byEvidence, error, reload };
}

const stateColor: Record<string, string> = { QUEUED: "default", RUNNING: "blue", DONE: goodTag, FAILED: "red" };

// ChatImportStatus is an evidence item's read as a chat export: its state,
// how far it got, what it found, what it could not read (line, reason and
// the raw text) and, for a zip, the media files stored from it.
export function ChatImportStatus({ imp }: { imp: ChatImportFieldsFragment }) {
  const { t } = useTranslation();
  const problems = imp.problems.length + imp.moreProblems;
  return (
    <div data-chat-import={imp.state} className="lt-top-sm" style={{ maxWidth: 520 }}>
      <Space wrap size={4}>
        <Tag color={stateColor[imp.state]}>{t(`chat.state.${imp.state}`)}</Tag>
        {imp.format && <Tag className="lt-wrap-tag">{t(`chat.format.${imp.format}`)}</Tag>}
        <Typography.Text type="secondary">{imp.timeZone}</Typography.Text>
      </Space>
      {inFlight(imp.state) && <Progress size="small" aria-label={t("chat.progress")} percent={progress(imp.bytesRead, imp.bytesTotal)} status="active" />}
      {imp.state === "DONE" && <div data-testid="chat-import-counts">
        <Typography.Text>{imp.duplicates > 0 ? t("chat.counts", { messages: imp.messages, duplicates: imp.duplicates }) : t("chat.messages", { count: imp.messages })}</Typography.Text>
        {problems > 0 && <Typography.Text type="warning"> · {t("chat.problems", { count: problems })}</Typography.Text>}
      </div>}
      {imp.state === "FAILED" && <Typography.Text type="danger" data-testid="chat-import-failure">
        {wordReason(t, imp.failureReason, undefined) ?? t("chat.failed", { message: imp.failureMessage ?? "" })}</Typography.Text>}
      {imp.problems.length > 0 && <Collapse size="small" ghost items={[{ key: "p", label: t("chat.problemList", { count: problems }), children: <>
        {imp.problems.map((p, i) => <div key={i} data-problem-line={p.line}>
          <Typography.Text strong>{t("chat.line", { line: p.line })}</Typography.Text>{" "}
          <Typography.Text>{t(`chat.problem.${p.reason}`, { defaultValue: p.reason })}</Typography.Text>
          {p.detail && <Typography.Text type="secondary"> — {p.detail}</Typography.Text>}
          <pre className="lt-raw">{p.raw}</pre>
        </div>)}
        {imp.moreProblems > 0 && <Typography.Text type="secondary">{t("chat.moreProblems", { count: imp.moreProblems })}</Typography.Text>}
      </> }]} />}
      {imp.media.length > 0 && <div>
        <Typography.Text type="secondary">{t("chat.media", { count: imp.media.length })}: </Typography.Text>
        {imp.media.map((m) => <Tag key={m.id} className="lt-wrap-tag">{m.fileName}</Tag>)}
      </div>}
    </div>
  );
}

interface ReadValues {
  format: ChatExportFormat | "AUTO"; timeZone: string; platform?: Platform; order: "FILE" | "DAY" | "MONTH";
  chat?: string; chatId?: string; sender?: string; senderId?: string; time?: string; text?: string; media?: string; timeLayout?: string;
}

const blank = (s?: string) => (s?.trim() ? s.trim() : undefined);

// readInput is what the dialog's values ask the server for: a format only
// when one is chosen, a generic CSV's columns and platform, WhatsApp's day
// or month order only when the investigator settles it.
export function readInput(v: ReadValues) {
  const format = v.format === "AUTO" ? undefined : v.format;
  const generic = format === "GENERIC_CSV";
  return {
    format, timeZone: v.timeZone,
    platform: generic ? v.platform : undefined,
    mapping: generic ? { sender: v.sender?.trim() ?? "", time: v.time?.trim() ?? "", text: v.text?.trim() ?? "", chat: blank(v.chat), chatId: blank(v.chatId),
      senderId: blank(v.senderId), media: blank(v.media), timeLayout: blank(v.timeLayout) } : undefined,
    dayFirst: (format === undefined || format === "WHATSAPP_TXT") && v.order !== "FILE" ? v.order === "DAY" : undefined,
  };
}

// ReadAsChat asks how to read an evidence item as a chat export: its format
// (detected unless chosen), the zone of times written without one, and what
// a format needs besides: a generic CSV's columns, WhatsApp's date order.
export function ReadAsChat({ evidence, caseZone, onClose, onDone }: {
  evidence: { id: string; fileName: string }; caseZone: string; onClose: () => void; onDone: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReadValues>();
  const [result, read] = useSubmit(ReadChatExport);
  const format = Form.useWatch("format", form);
  const required = (label: string) => [{ required: true, whitespace: true, message: t("chat.columnRequired", { column: label }) }];
  const submit = async (v: ReadValues) => {
    const r = await read({ evidenceId: evidence.id, input: readInput(v) });
    if (r?.data) {
      message.success(t("chat.reading", { name: evidence.fileName }));
      form.resetFields();
      onDone();
    }
  };
  return (
    <Modal open title={t("chat.readTitle", { name: evidence.fileName })} onCancel={onClose} onOk={() => form.submit()} okText={t("chat.read")}
      okButtonProps={{ disabled: result.fetching }} confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} style={{ marginBottom: 8 }} />}
      <GuardedForm form={form} name="read-chat" layout="vertical" onFinish={submit} initialValues={{ format: "AUTO", timeZone: caseZone, order: "FILE", platform: "DINGTALK" }}>
        <Form.Item name="format" label={t("chat.formatLabel")} extra={t("chat.formatHint")}>
          <FormSelect virtual={false} options={[{ value: "AUTO", label: t("chat.detect") }, ...chatFormats.map((f) => ({ value: f, label: t(`chat.format.${f}`) }))]} />
        </Form.Item>
        <Form.Item name="timeZone" label={t("chat.zone")} extra={t("chat.zoneHint")} rules={[{ required: true }]}>
          <FormSelect showSearch options={zones.map((z) => ({ value: z, label: z }))} />
        </Form.Item>
        {(format === "WHATSAPP_TXT" || format === "AUTO") && <Form.Item name="order" label={t("chat.dateOrder")}>
          <Radio.Group options={(["FILE", "DAY", "MONTH"] as const).map((o) => ({ value: o, label: t(`chat.order.${o}`) }))} />
        </Form.Item>}
        {format === "GENERIC_CSV" && <>
          <Form.Item name="platform" label={t("spread.platform")} rules={[{ required: true }]}>
            <FormSelect virtual={false} options={platforms.map((p) => ({ value: p, label: t(`spread.platforms.${p}`) }))} />
          </Form.Item>
          <Typography.Paragraph type="secondary">{t("chat.mappingHint")}</Typography.Paragraph>
          <Form.Item name="sender" label={t("chat.column.sender")} rules={required(t("chat.column.sender"))}><Input /></Form.Item>
          <Form.Item name="time" label={t("chat.column.time")} rules={required(t("chat.column.time"))}><Input /></Form.Item>
          <Form.Item name="text" label={t("chat.column.text")} rules={required(t("chat.column.text"))}><Input /></Form.Item>
          <Form.Item name="chat" label={t("chat.column.chat")}><Input /></Form.Item>
          <Form.Item name="chatId" label={t("chat.column.chatId")}><Input /></Form.Item>
          <Form.Item name="senderId" label={t("chat.column.senderId")}><Input /></Form.Item>
          <Form.Item name="media" label={t("chat.column.media")}><Input /></Form.Item>
          <Form.Item name="timeLayout" label={t("chat.column.timeLayout")} extra={t("chat.timeLayoutHint")}><Input /></Form.Item>
        </>}
      </GuardedForm>
    </Modal>
  );
}

// MarkLeakButton marks a file of the vault as what leaked; Leaktrail then
// derives its fingerprints.
export function MarkLeakButton({ incidentId, evidenceId, onDone }: { incidentId: string; evidenceId: string; onDone?: () => void }) {
  const { t } = useTranslation();
  const [result, mark] = useSubmit(MarkLeak);
  return (
    <Button size="small" loading={result.fetching} onClick={async () => {
      const r = await mark({ incidentId, input: { evidenceId } });
      if (r?.data) { message.success(t("chat.marked")); onDone?.(); } else if (r?.error) message.error(errorMessage(t, r.error));
    }}>{t("chat.markLeak")}</Button>
  );
}
