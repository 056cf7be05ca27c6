import { Alert, Button, Form, Input, InputNumber, List, Modal, Select, Space, Tag, Typography, message } from "antd";
import dayjs from "dayjs";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery, type CombinedError } from "urql";
import { errorMessage } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { DateTimeField, GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { Confidence, ForwardMethod, ProposalFieldsFragment } from "../../gql/graphql";
import { confidences, forwardMethods } from "../../vocabulary";
import { wallTime } from "../evidence/zoneTime";
import { cautionTag, goodTag, proposalTag } from "../spread/graphStyle";
import { editedAt, explain, percent, reconstructed, zoneClock, type LineRef } from "./chatData";

graphql(`
  fragment ProposalNodeFields on ProposalNode { key kind name platform memberCount }
`);
graphql(`
  fragment ProposalFields on ForwardProposal {
    id key state at method confidence reason fromName earlierAt originAt candidates rejectReason decidedAt
    from { ...ProposalNodeFields } to { ...ProposalNodeFields } by { ...ProposalNodeFields }
    sources { line evidence { id fileName } message { id } }
    forward { id key evidenced sources { line evidence { id fileName } } }
    decidedBy { displayName }
  }
`);
const ProposalsQuery = graphql(`
  query Proposals($id: ID!) { incident(id: $id) { id proposals { ...ProposalFields } } }
`);
const Reconstruct = graphql(`
  mutation ReconstructChain($id: ID!) { reconstructChain(incidentId: $id) { sightings proposals { id } } }
`);
const Accept = graphql(`
  mutation AcceptProposal($id: ID!, $edit: ProposalEdit) { acceptProposal(id: $id, edit: $edit) { id state } }
`);
const AcceptAll = graphql(`
  mutation AcceptProposals($id: ID!, $min: Float!) { acceptProposals(incidentId: $id, minConfidence: $min) { id state } }
`);
const Reject = graphql(`
  mutation RejectProposal($id: ID!, $reason: String!) { rejectProposal(id: $id, reason: $reason) { id state rejectReason } }
`);

// useProposals is the case's proposed forwards, every state, in time order.
export function useProposals(incidentId: string) {
  const [{ data, error }, refetch] = useQuery({ query: ProposalsQuery, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  // Stable: the explorer reloads with it on every change a colleague makes.
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const proposals = useMemo(() => data?.incident?.proposals ?? [], [data]);
  return { proposals, error, reload };
}

const stateColor: Record<string, string> = { PROPOSED: proposalTag, ACCEPTED: goodTag, REJECTED: "default" };

// SourceLinks are the lines something rests on, each a jump to the message viewer there.
export function SourceLinks({ sources, onJump }: { sources: { line: number; evidence: { id: string; fileName: string } }[]; onJump: (ref: LineRef) => void }) {
  const { t } = useTranslation();
  return <Space wrap size={[4, 0]}>{sources.map((s, i) => (
    <Button key={i} size="small" type="link" className="lt-wrap-link" data-jump-line={s.line}
      onClick={() => onJump({ evidenceId: s.evidence.id, line: s.line })}>{t("chat.sourceAt", { file: s.evidence.fileName, line: s.line })}</Button>
  ))}</Space>;
}

// ProposalList is the reconstruction's review: reconstructing from the
// sightings, each proposed forward with its explanation, confidence, method
// and the lines it rests on; accepting (one, with edits, or all above a
// confidence) and rejecting with a reason, in place.
export function ProposalList({ incidentId, zone, frozen, proposals, known, error, onChanged, onJump }: {
  incidentId: string; zone: string; frozen: boolean; proposals: ProposalFieldsFragment[]; known?: Set<string>; error?: CombinedError;
  onChanged: () => void; onJump: (ref: LineRef) => void;
}) {
  const { t } = useTranslation();
  const { canEdit } = useIncidentAccess();
  const editable = canEdit && !frozen;
  const [rebuilt, rebuild] = useSubmit(Reconstruct);
  const [all, acceptAll] = useSubmit(AcceptAll);
  const [min, setMin] = useState(80);
  const [accepting, setAccepting] = useState<ProposalFieldsFragment>();
  const [rejecting, setRejecting] = useState<ProposalFieldsFragment>();
  const open = proposals.filter((p) => p.state === "PROPOSED");
  const decided = proposals.filter((p) => p.state !== "PROPOSED");
  const done = () => { setAccepting(undefined); setRejecting(undefined); onChanged(); };
  const item = (p: ProposalFieldsFragment) => (
    <List.Item data-proposal={p.state} actions={editable && p.state === "PROPOSED" ? [
      <Button key="accept" size="small" type="primary" onClick={() => setAccepting(p)}>{t("chat.accept")}</Button>,
      <Button key="reject" size="small" danger onClick={() => setRejecting(p)}>{t("chat.reject")}</Button>] : []}>
      <div style={{ minWidth: 0 }}>
        <Space wrap size={4}>
          <Tag color={stateColor[p.state]}>{t(`chat.proposalState.${p.state}`)}</Tag>
          <Typography.Text strong>{p.from.name} → {p.to.name}</Typography.Text>
          <Tag>{t(`spread.methods.${p.method}`)}</Tag>
          <Tag color={p.confidence >= 0.8 ? goodTag : cautionTag}>{t("chat.confidence", { value: percent(p.confidence) })}</Tag>
          {p.state === "PROPOSED" && known && [p.from, p.to, p.by].some((n) => !known.has(n.key)) && <Tag>{t("chat.newNodes")}</Tag>}
        </Space>
        <Typography.Paragraph className="lt-explain" style={{ margin: "4px 0" }} data-testid="proposal-explanation">{explain(t, p, zone)}</Typography.Paragraph>
        <SourceLinks sources={p.sources} onJump={onJump} />
        {p.state === "REJECTED" && <div><Typography.Text type="secondary">{t("chat.rejectedBecause", { reason: p.rejectReason })}</Typography.Text></div>}
        {p.decidedBy && p.decidedAt && <div><Typography.Text type="secondary">{p.decidedBy.displayName} · {wallTime(p.decidedAt, zone)}</Typography.Text></div>}
      </div>
    </List.Item>
  );
  return (
    <div id="proposals" data-testid="proposals">
      <Typography.Title level={5} style={{ marginTop: 12 }}>{t("chat.proposals", { count: open.length })}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("chat.proposalsHint", { zone })}</Typography.Paragraph>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      {rebuilt.error && <Alert type="error" showIcon message={errorMessage(t, rebuilt.error)} />}
      {all.error && <Alert type="error" showIcon message={errorMessage(t, all.error)} />}
      {editable && <Space wrap className="lt-gap">
        <Button data-testid="reconstruct" loading={rebuilt.fetching} disabled={rebuilt.fetching} onClick={async () => {
          const r = await rebuild({ id: incidentId });
          const found = r?.data?.reconstructChain;
          if (found) {
            const n = reconstructed(found.proposals, proposals);
            message.success(t(n.decided ? "chat.reconstructedDecided" : "chat.reconstructed", { sightings: found.sightings, count: n.open, decided: n.decided }));
            onChanged();
          }
        }}>{t("chat.reconstruct")}</Button>
        {open.length > 0 && <Space.Compact>
          <InputNumber min={0} max={100} value={min} onChange={(v) => setMin(v ?? 0)} addonAfter="%" aria-label={t("chat.minConfidence")} style={{ width: 110 }} />
          <Button data-testid="accept-all" loading={all.fetching} disabled={all.fetching} onClick={async () => {
            const r = await acceptAll({ id: incidentId, min: min / 100 });
            if (r?.data) { message.success(t("chat.acceptedAll", { count: r.data.acceptProposals.length })); onChanged(); }
          }}>{t("chat.acceptAll", { value: min })}</Button>
        </Space.Compact>}
      </Space>}
      <List size="small" dataSource={open} renderItem={item} locale={{ emptyText: t("chat.noProposals") }} />
      {decided.length > 0 && <List size="small" header={t("chat.decided", { count: decided.length })} dataSource={decided} renderItem={item} />}
      {accepting && <AcceptForm proposal={accepting} zone={zone} onDone={done} onCancel={() => setAccepting(undefined)} />}
      {rejecting && <RejectForm proposal={rejecting} onDone={done} onCancel={() => setRejecting(undefined)} />}
    </div>
  );
}

interface AcceptValues { at?: dayjs.Dayjs | null; method: ForwardMethod; confidence?: Confidence; note?: string }

// AcceptForm records a proposal as an evidenced forward; what the
// investigator changes (time, method, confidence, a note) is sent as the edit.
function AcceptForm({ proposal, zone, onDone, onCancel }: { proposal: ProposalFieldsFragment; zone: string; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AcceptValues>();
  const [result, accept] = useSubmit(Accept);
  // The time is shown and edited on the case's clock, whatever the browser's.
  const shown = useMemo(() => zoneClock(proposal.at, zone), [proposal.at, zone]);
  const submit = async (v: AcceptValues) => {
    const at = editedAt(v.at, shown, zone);
    const edit = { at, method: v.method !== proposal.method ? v.method : undefined, confidence: v.confidence, note: v.note?.trim() || undefined };
    const r = await accept({ id: proposal.id, edit: Object.values(edit).some((x) => x !== undefined) ? edit : undefined });
    if (r?.data) { message.success(t("chat.accepted")); form.resetFields(); onDone(); }
  };
  return (
    <Modal open title={t("chat.acceptTitle", { from: proposal.from.name, to: proposal.to.name })} onCancel={onCancel} onOk={() => form.submit()}
      okText={t("chat.accept")} okButtonProps={{ disabled: result.fetching }} confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} style={{ marginBottom: 8 }} />}
      <Typography.Paragraph type="secondary">{t("chat.acceptHint", { zone })}</Typography.Paragraph>
      <GuardedForm form={form} name="accept-proposal" layout="vertical" onFinish={submit} initialValues={{ at: shown, method: proposal.method }}>
        <Form.Item name="at" label={t("chat.atInZone", { zone })}><DateTimeField style={{ width: "100%" }} /></Form.Item>
        <Form.Item name="method" label={t("spread.method")}>
          <Select virtual={false} options={forwardMethods.map((m) => ({ value: m, label: t(`spread.methods.${m}`) }))} /></Form.Item>
        <Form.Item name="confidence" label={t("spread.confidence")}>
          <Select allowClear virtual={false} placeholder={t("chat.confidenceDefault")} options={confidences.map((c) => ({ value: c, label: t(`spread.confidences.${c}`) }))} /></Form.Item>
        <Form.Item name="note" label={t("spread.note")}><Input.TextArea rows={2} /></Form.Item>
      </GuardedForm>
    </Modal>
  );
}

// RejectForm rejects a proposal for a reason; it is not proposed again.
function RejectForm({ proposal, onDone, onCancel }: { proposal: ProposalFieldsFragment; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const [result, reject] = useSubmit(Reject);
  return (
    <Modal open title={t("chat.rejectTitle", { from: proposal.from.name, to: proposal.to.name })} onCancel={onCancel} onOk={() => form.submit()}
      okText={t("chat.reject")} okButtonProps={{ danger: true, disabled: result.fetching }} confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} style={{ marginBottom: 8 }} />}
      <GuardedForm form={form} name="reject-proposal" layout="vertical" onFinish={async (v) => {
        const r = await reject({ id: proposal.id, reason: v.reason.trim() });
        if (r?.data) { message.success(t("chat.rejected")); form.resetFields(); onDone(); }
      }}>
        <Form.Item name="reason" label={t("chat.rejectReason")} rules={[{ required: true, whitespace: true, message: t("chat.rejectReasonRequired") }]}>
          <Input.TextArea rows={3} autoFocus />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}
