import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, List, Modal, Popconfirm, Select, Space, Switch, Tag, Typography, message } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation } from "urql";
import { errorMessage } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { DateTimeField, GuardedForm, notInFuture, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { Confidence, ContainmentStatus, Exposure, ForwardMethod, Platform } from "../../gql/graphql";
import type { ExportForward, ExportNode } from "./graphData";
import { cautionTag, goodTag, takedownTag } from "./graphStyle";
import { SourceLinks } from "../chatlog/Proposals";
import type { LineRef } from "../chatlog/chatData";
import { confidences, containmentStatuses, exposures, forwardMethods as methods, platforms } from "../../vocabulary";

const UpdateNode = graphql(`
  mutation UpdateNode($id: ID!, $input: NodePatch!) { updateNode(id: $id, input: $input) { id name exposure memberCount } }
`);
const SetContainment = graphql(`
  mutation SetNodeContainment($id: ID!, $input: ContainmentInput!) { setNodeContainment(nodeId: $id, input: $input) { id containment { status } } }
`);
const UpdateForward = graphql(`
  mutation UpdateForward($id: ID!, $input: ForwardPatch!) { updateForward(id: $id, input: $input) { id at method confidence note } }
`);
const DeleteForward = graphql(`
  mutation DeleteForward($id: ID!) { deleteForward(id: $id) }
`);


export interface Provenance { evidenced: boolean; sources: { line: number; evidence: { id: string; fileName: string } }[] }

type Editing = { kind: "node" } | { kind: "containment" } | { kind: "forward"; forward: ExportForward } | undefined;

// NodePanel is the side panel for the selected person or venue: what is
// known of it, its takedown state, and the forwards into and out of it,
// each editable (and deletable) by investigators; every change is audited.
// A forward accepted from a proposal is evidenced and names its lines, each
// a jump to the message viewer; one typed by hand is asserted.
export function NodePanel({ node, forwards, names, frozen, provenance, onJump, onChanged, onClose }: {
  node: ExportNode; forwards: ExportForward[]; names: Map<string, string>; frozen: boolean; onChanged: () => void; onClose: () => void;
  provenance?: Map<string, Provenance>; onJump?: (ref: LineRef) => void;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<Editing>();
  const [deleted, remove] = useMutation(DeleteForward);
  const { canEdit } = useIncidentAccess();
  const editable = canEdit && !frozen;
  const venue = node.kind !== "PERSON";
  const involving = forwards.filter((f) => f.from === node.key || f.to === node.key || f.by === node.key);
  const name = (key: string) => names.get(key) ?? key;
  const done = () => { setEditing(undefined); onChanged(); };
  return (
    <Card size="small" data-testid="node-panel" title={<Space wrap>{node.name}<Tag>{t(`spread.kind.${node.kind}`)}</Tag></Space>}
      extra={<Button size="small" type="text" onClick={onClose} aria-label={t("spread.closePanel")}>×</Button>}>
      <Descriptions size="small" column={1} items={[
        { key: "key", label: t("spread.key"), children: <Typography.Text code>{node.key}</Typography.Text> },
        { key: "exposure", label: t("spread.exposureOf"), children: t(`spread.exposures.${node.exposure}`) },
        { key: "hops", label: t("spread.hops"), children: node.origin ? t("spread.origin") : node.hops ?? t("spread.notReached") },
        ...(venue ? [
          { key: "members", label: t("spread.memberCount"), children: node.memberCount ?? "—" },
          { key: "platform", label: t("spread.platform"), children: node.platform ? t(`spread.platforms.${node.platform}`) : "—" },
          { key: "containment", label: t("spread.containment"), children: <TakedownTag status={node.containment} /> },
        ] : [
          { key: "unit", label: t("spread.unit"), children: node.unit || "—" },
          { key: "position", label: t("spread.position"), children: node.position || "—" },
          { key: "cleared", label: t("spread.cleared"), children: node.cleared == null ? "—" : node.cleared ? t("common.yes") : t("common.no") },
        ]),
        ...(node.handles?.length ? [{ key: "handles", label: t("spread.handles"), children: node.handles.join(", ") }] : []),
      ]} />
      {/* A takedown is followed up even on a frozen case; the server allows it. */}
      {canEdit && (!frozen || venue) && <Space wrap style={{ margin: "8px 0" }}>
        {editable && <Button size="small" onClick={() => setEditing({ kind: "node" })}>{t("spread.editNode")}</Button>}
        {venue && <Button size="small" onClick={() => setEditing({ kind: "containment" })}>{t("spread.setContainment")}</Button>}
      </Space>}
      {deleted.error && <Alert type="error" showIcon message={errorMessage(t, deleted.error)} />}
      <List size="small" header={t("spread.forwardsOf", { count: involving.length })} dataSource={involving.slice(0, 50)}
        locale={{ emptyText: t("spread.noForwards") }} renderItem={(f) => (
          <List.Item actions={!editable ? [] : [
            <Button key="edit" size="small" type="link" onClick={() => setEditing({ kind: "forward", forward: f })}>{t("spread.edit")}</Button>,
            <Popconfirm key="delete" title={t("spread.deleteForward")} okText={t("common.yes")} cancelText={t("common.no")}
              onConfirm={async () => { const r = await remove({ id: f.id }); if (r.data) { message.success(t("spread.deleted")); onChanged(); } }}>
              <Button size="small" type="link" danger>{t("spread.delete")}</Button>
            </Popconfirm>]}>
            <div style={{ minWidth: 0 }}><Typography.Text>
              {dayjs(f.at).format("MM-DD HH:mm")} {name(f.from)} → {name(f.to)} <Tag>{t(`spread.methods.${f.method}`)}</Tag>
              {f.confidence === "SUSPECTED" && <Tag color={cautionTag}>{t("spread.confidences.SUSPECTED")}</Tag>}
              {provenance?.get(f.key) && (provenance.get(f.key)!.evidenced
                ? <Tag color={goodTag} data-evidenced="1">{t("chat.evidenced")}</Tag> : <Tag data-evidenced="0">{t("chat.asserted")}</Tag>)}
            </Typography.Text>
            {onJump && !!provenance?.get(f.key)?.sources.length && <div><SourceLinks sources={provenance.get(f.key)!.sources} onJump={onJump} /></div>}</div>
          </List.Item>)} />
      {editing?.kind === "node" && <NodeForm node={node} onDone={done} onCancel={() => setEditing(undefined)} />}
      {editing?.kind === "containment" && <ContainmentForm node={node} onDone={done} onCancel={() => setEditing(undefined)} />}
      {editing?.kind === "forward" && <ForwardForm forward={editing.forward} onDone={done} onCancel={() => setEditing(undefined)} />}
    </Card>
  );
}

function NodeForm({ node, onDone, onCancel }: { node: ExportNode; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [result, update] = useSubmit(UpdateNode);
  const venue = node.kind !== "PERSON";
  const submit = async (v: { name: string; exposure: Exposure; memberCount?: number | null; platform?: Platform; unit?: string; position?: string; cleared?: boolean; handles?: string }) => {
    const handles = (v.handles ?? "").split(/[,，\s]+/).filter(Boolean);
    const input = venue
      ? { name: v.name, exposure: v.exposure, memberCount: v.memberCount ?? undefined, platform: v.platform, handles }
      : { name: v.name, exposure: v.exposure, unit: v.unit ?? "", position: v.position ?? "", cleared: v.cleared, handles };
    const r = await update({ id: node.id, input });
    if (r?.data) { message.success(t("spread.saved")); onDone(); }
  };
  return (
    <Modal open title={t("spread.editNode")} onCancel={onCancel} onOk={() => form.submit()} confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} style={{ marginBottom: 8 }} />}
      <GuardedForm form={form} layout="vertical" onFinish={submit} initialValues={{ name: node.name, exposure: node.exposure, memberCount: node.memberCount,
        platform: node.platform, unit: node.unit, position: node.position, cleared: node.cleared ?? false, handles: (node.handles ?? []).join(", ") }}>
        <Form.Item name="name" label={t("spread.name")} rules={[{ required: true, whitespace: true, message: t("spread.nameRequired") }]}><Input /></Form.Item>
        <Form.Item name="exposure" label={t("spread.exposureOf")}>
          <Select virtual={false} options={exposures.map((x) => ({ value: x, label: t(`spread.exposures.${x}`) }))} /></Form.Item>
        {venue ? <>
          <Form.Item name="memberCount" label={t("spread.memberCount")}><InputNumber min={0} style={{ width: "100%" }} /></Form.Item>
          <Form.Item name="platform" label={t("spread.platform")}>
            <Select allowClear virtual={false} options={platforms.map((p) => ({ value: p, label: t(`spread.platforms.${p}`) }))} /></Form.Item>
        </> : <>
          <Form.Item name="unit" label={t("spread.unit")}><Input /></Form.Item>
          <Form.Item name="position" label={t("spread.position")}><Input /></Form.Item>
          <Form.Item name="cleared" label={t("spread.cleared")} valuePropName="checked"><Switch /></Form.Item>
        </>}
        <Form.Item name="handles" label={t("spread.handles")} extra={t("spread.handlesHint")}><Input /></Form.Item>
      </GuardedForm>
    </Modal>
  );
}

function ContainmentForm({ node, onDone, onCancel }: { node: ExportNode; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [result, set] = useSubmit(SetContainment);
  const submit = async (v: { status: ContainmentStatus; requestedTo?: string; requestedAt?: dayjs.Dayjs; note?: string }) => {
    const r = await set({ id: node.id, input: { status: v.status, requestedTo: v.requestedTo, requestedAt: v.requestedAt?.format(), note: v.note } });
    if (r?.data) { message.success(t("spread.saved")); onDone(); }
  };
  return (
    <Modal open title={t("spread.setContainment")} onCancel={onCancel} onOk={() => form.submit()} confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} style={{ marginBottom: 8 }} />}
      <GuardedForm form={form} layout="vertical" onFinish={submit} initialValues={{ status: node.containment === "NONE" ? "REQUESTED" : node.containment, requestedAt: dayjs() }}>
        <Form.Item name="status" label={t("spread.containment")}>
          <Select virtual={false} options={containmentStatuses.map((s) => ({ value: s, label: t(`spread.containmentStatus.${s}`) }))} /></Form.Item>
        <Form.Item name="requestedTo" label={t("spread.requestedTo")} extra={t("spread.requestedToHint")}><Input /></Form.Item>
        <Form.Item name="requestedAt" label={t("spread.requestedAt")} rules={[notInFuture(t)]}><DateTimeField style={{ width: "100%" }} /></Form.Item>
        <Form.Item name="note" label={t("spread.note")}><Input.TextArea rows={2} /></Form.Item>
      </GuardedForm>
    </Modal>
  );
}

function ForwardForm({ forward, onDone, onCancel }: { forward: ExportForward; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [result, update] = useSubmit(UpdateForward);
  const submit = async (v: { at: dayjs.Dayjs; method: ForwardMethod; confidence: Confidence; note?: string; misSent: boolean }) => {
    const r = await update({ id: forward.id, input: { at: v.at.format(), method: v.method, confidence: v.confidence, note: v.note ?? "", misSent: v.misSent } });
    if (r?.data) { message.success(t("spread.saved")); onDone(); }
  };
  return (
    <Modal open title={t("spread.editForward", { key: forward.key })} onCancel={onCancel} onOk={() => form.submit()} confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} style={{ marginBottom: 8 }} />}
      <GuardedForm form={form} layout="vertical" onFinish={submit} initialValues={{ at: dayjs(forward.at), method: forward.method,
        confidence: forward.confidence ?? "CONFIRMED", note: forward.note ?? "", misSent: forward.misSent ?? false }}>
        <Form.Item name="at" label={t("spread.at")} rules={[{ required: true }, notInFuture(t)]}><DateTimeField style={{ width: "100%" }} /></Form.Item>
        <Form.Item name="method" label={t("spread.method")}>
          <Select virtual={false} options={methods.map((m) => ({ value: m, label: t(`spread.methods.${m}`) }))} /></Form.Item>
        <Form.Item name="confidence" label={t("spread.confidence")}>
          <Select virtual={false} options={confidences.map((c) => ({ value: c, label: t(`spread.confidences.${c}`) }))} /></Form.Item>
        <Form.Item name="misSent" label={t("spread.misSent")} valuePropName="checked"><Switch /></Form.Item>
        <Form.Item name="note" label={t("spread.note")}><Input.TextArea rows={2} /></Form.Item>
      </GuardedForm>
    </Modal>
  );
}

// TakedownTag is a venue's takedown state: red while nothing was asked,
// green once removal is confirmed, amber in between (as the graph's borders).
export function TakedownTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={takedownTag[status]}>{t(`spread.containmentStatus.${status}`)}</Tag>;
}
