import { type SelectProps, AutoComplete, Alert, Button, Card, DatePicker, Form, Input, List, Modal, Select, Space, Tag, Typography, message } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { errorMessage } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { FormSelect, GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { MeasureStatus, OutcomeStatus, OutcomeType } from "../../gql/graphql";
import { measureStatuses, outcomeCategories, outcomeTypes, responsibilityKinds as kinds } from "../../vocabulary";

const Query = graphql(`
  query Responsibility($id: ID!) {
    users { id displayName }
    incident(id: $id) {
      id version noResponsibleReason legalBasisPresets
      responsibilityCandidates { node { key name } reasons }
      findings {
        id personName unit position kind facts noOutcomeReason
        outcomes { id category type status nextStatuses decidingBody decidedOn legalBasis history { to note at by { displayName } } }
      }
      measures { id title dueOn status overdue owner { id displayName } }
    }
  }
`);
const RecordFinding = graphql(`mutation RecordFinding($id: ID!, $input: FindingInput!) { recordFinding(incidentId: $id, input: $input) { id } }`);
const Propose = graphql(`mutation ProposeOutcome($id: ID!, $input: OutcomeInput!) { proposeOutcome(findingId: $id, input: $input) { id } }`);
const Move = graphql(`mutation MoveOutcome($id: ID!, $status: OutcomeStatus!, $decidedOn: Date, $note: String) {
  setOutcomeStatus(id: $id, status: $status, decidedOn: $decidedOn, note: $note) { id status } }`);
const UpdateMeasure = graphql(`mutation UpdateMeasure($id: ID!, $input: MeasureInput!) { updateMeasure(id: $id, input: $input) { id status overdue } }`);
const SetNoResponsible = graphql(`mutation SetNoResponsible($id: ID!, $v: Int!, $reason: String!) {
  updateIncident(id: $id, expectedVersion: $v, input: { noResponsibleReason: $reason }) { id version noResponsibleReason } }`);
const AddMeasure = graphql(`mutation AddMeasure($id: ID!, $input: MeasureInput!) { recordMeasure(incidentId: $id, input: $input) { id } }`);

// ResponsibilityPanel records who is responsible and what they receive: findings
// (with the spread chain's suggestions), outcomes for the outcomes tier, and
// the measures against a recurrence.
export function ResponsibilityPanel({ incidentId, frozen, changes }: { incidentId: string; frozen: boolean; changes: number }) {
  const { t } = useTranslation();
  const [{ data, error }, refetch] = useQuery({ query: Query, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  const [findingResult, recordFinding] = useSubmit(RecordFinding);
  const [proposeResult, propose] = useSubmit(Propose);
  const [moveResult, move] = useSubmit(Move);
  const [measureResult, addMeasure] = useSubmit(AddMeasure);
  const [updateResult, updateMeasure] = useSubmit(UpdateMeasure);
  const [reasonResult, setNoResponsible] = useSubmit(SetNoResponsible);
  const [moving, setMoving] = useState<{ id: string; status: OutcomeStatus; decidedOn?: string | null }>();
  const [findingForm] = Form.useForm();
  const [measureForm] = Form.useForm();
  const reload = () => refetch({ requestPolicy: "network-only" });
  const { canEdit, canDecide } = useIncidentAccess();
  useEffect(() => { if (changes) refetch({ requestPolicy: "network-only" }); }, [changes, refetch]);
  const inc = data?.incident;
  const failure = errorMessage(t, error ?? findingResult.error ?? proposeResult.error ?? moveResult.error ?? measureResult.error ?? updateResult.error ?? reasonResult.error);
  const typeOptions = outcomeCategories.map((c) => ({
    label: t(`discipline.category.${c}`), options: outcomeTypes.filter((o) => o.category === c).map((o) => ({ value: o.type, label: t(`discipline.types.${o.type}`) })) }));
  return (
    <Card id="responsibility" title={t("discipline.title")}>
      {failure && <Alert type="error" showIcon message={failure} className="lt-gap" />}
      {inc && inc.responsibilityCandidates.length > 0 && <div className="lt-gap">
        <Typography.Text type="secondary">{t("discipline.candidates")}: </Typography.Text>
        {inc.responsibilityCandidates.map((c) => <Button key={c.node.key} size="small" className="lt-chip"
          onClick={() => findingForm.setFieldsValue({ personName: c.node.name })}>
          {c.node.name} ({c.reasons.map((r) => t(`discipline.reasons.${r}`)).join("、")})</Button>)}
      </div>}
      <List id="findings" dataSource={inc?.findings ?? []} locale={{ emptyText: t("discipline.empty") }} renderItem={(f) => (
        <List.Item className="lt-block">
          <Typography.Text strong>{f.personName}</Typography.Text> <Tag color="volcano">{t(`discipline.kinds.${f.kind}`)}</Tag>
          <Typography.Text type="secondary"> {f.unit} {f.position}</Typography.Text>
          <div>{f.facts}</div>
          {f.noOutcomeReason && <div><Typography.Text type="secondary">{t("discipline.noOutcomeReason")}: {f.noOutcomeReason}</Typography.Text></div>}
          {f.outcomes === null ? <Typography.Text type="secondary">{t("discipline.hidden")}</Typography.Text> : <>
            {f.outcomes?.map((o) => <div key={o.id} className="lt-top-xs">
              <Tag>{t(`discipline.category.${o.category}`)}</Tag><Typography.Text>{t(`discipline.types.${o.type}`)}</Typography.Text>
              {" — "}{o.decidingBody} <Tag color={o.status === "FINAL" || o.status === "DECIDED" ? "green" : o.status === "REVOKED" ? "default" : "gold"}>
                {t(`discipline.statuses.${o.status}`)}</Tag>{o.decidedOn} {o.legalBasis && `· ${o.legalBasis}`}
              {canDecide && !frozen && <Space size={4} className="lt-left">{o.nextStatuses.map((s) => <Button key={s} size="small"
                onClick={() => setMoving({ id: o.id, status: s, decidedOn: o.decidedOn })}>
                {t("discipline.moveTo", { status: t(`discipline.statuses.${s}`) })}</Button>)}</Space>}
              {o.history.length > 1 && <div><Typography.Text type="secondary" className="lt-small">
                {o.history.map((h) => `${t(`discipline.statuses.${h.to}`)} ${dayjs(h.at).format("YYYY-MM-DD")} ${h.by?.displayName ?? ""}${h.note ? `（${h.note}）` : ""}`).join(" → ")}
              </Typography.Text></div>}
            </div>)}
            {canDecide && !frozen && <ProposeOutcome typeOptions={typeOptions} presets={data?.incident?.legalBasisPresets ?? []} busy={proposeResult.fetching}
              onPropose={async (v) => {
                const r = await propose({ id: f.id, input: { type: v.type, decidingBody: v.body, decidedOn: v.decidedOn?.format("YYYY-MM-DD"), legalBasis: v.legalBasis } });
                if (r?.data) { message.success(t("discipline.propose")); reload(); }
                return !!r?.data;
              }} />}
          </>}
        </List.Item>)} />
      {inc && inc.findings.length === 0 && <NoResponsible reason={inc.noResponsibleReason} frozen={frozen || !canEdit} busy={reasonResult.fetching}
        onSave={async (reason) => {
          const r = await setNoResponsible({ id: incidentId, v: inc.version, reason });
          if (r?.data) reload();
          return !!r?.data;
        }} />}
      {canEdit && !frozen && <Card id="finding-form" size="small" title={t("discipline.addFinding")} className="lt-top">
        <GuardedForm form={findingForm} layout="vertical" initialValues={{ kind: "DIRECT" }} onFinish={async (v) => {
          const r = await recordFinding({ id: incidentId, input: v });
          if (r?.data) { findingForm.resetFields(); reload(); }
        }}>
          <Space wrap>
            <Form.Item name="personName" label={t("discipline.person")} rules={[{ required: true, whitespace: true }]}><Input /></Form.Item>
            <Form.Item name="unit" label={t("discipline.unit")}><Input /></Form.Item>
            <Form.Item name="position" label={t("discipline.position")}><Input /></Form.Item>
            <Form.Item name="kind" label={t("discipline.kind")}><Select className="lt-w140" options={kinds.map((k) => ({ value: k, label: t(`discipline.kinds.${k}`) }))} /></Form.Item>
          </Space>
          <Form.Item name="facts" label={t("discipline.facts")} rules={[{ required: true, whitespace: true }]}><Input.TextArea rows={2} /></Form.Item>
          <Form.Item name="noOutcomeReason" label={t("discipline.noOutcomeReason")}><Input /></Form.Item>
          <Button type="primary" htmlType="submit" loading={findingResult.fetching}>{t("discipline.save")}</Button>
        </GuardedForm>
      </Card>}
      <Typography.Title level={5} className="lt-top">{t("discipline.measures")}</Typography.Title>
      <List size="small" dataSource={inc?.measures ?? []} locale={{ emptyText: t("discipline.none") }} renderItem={(m) => (
        <List.Item actions={!canEdit ? [<Tag key="status">{t(`discipline.statuses.${m.status}`)}</Tag>] : [<Select key="status" size="small" virtual={false} className="lt-w120" value={m.status} aria-label={t("discipline.measureStatus")}
          onChange={async (status: MeasureStatus) => {
            const r = await updateMeasure({ id: m.id, input: { title: m.title, ownerId: m.owner?.id ?? "", dueOn: m.dueOn, status } });
            if (r?.data) reload();
          }} options={measureStatuses.map((ms) => ({ value: ms, label: t(`discipline.statuses.${ms}`) }))} />]}>
          {m.title} · {m.owner?.displayName} · {m.dueOn}
          {m.overdue && <Tag color="red" className="lt-left">{t("discipline.overdue")}</Tag>}</List.Item>)} />
      {canEdit && !frozen && <div id="measure-form"><GuardedForm form={measureForm} layout="inline" className="lt-inline-form" onFinish={async (v: { title: string; owner: string; due: Dayjs }) => {
        const r = await addMeasure({ id: incidentId, input: { title: v.title, ownerId: v.owner, dueOn: v.due.format("YYYY-MM-DD") } });
        if (r?.data) { measureForm.resetFields(); reload(); }
      }}>
        <Form.Item name="title" rules={[{ required: true, whitespace: true }]}><Input placeholder={t("discipline.measure")} aria-label={t("discipline.measure")} /></Form.Item>
        <Form.Item name="owner" rules={[{ required: true }]}><FormSelect className="lt-w160" placeholder={t("discipline.owner")} aria-label={t("discipline.owner")}
          options={(data?.users ?? []).map((u) => ({ value: u.id, label: u.displayName }))} /></Form.Item>
        <Form.Item name="due" rules={[{ required: true }]}><DatePicker placeholder={t("discipline.due")} aria-label={t("discipline.due")} /></Form.Item>
        <Button htmlType="submit" loading={measureResult.fetching}>{t("discipline.addMeasure")}</Button>
      </GuardedForm></div>}
      {moving && <MoveOutcome moving={moving} busy={moveResult.fetching} onCancel={() => setMoving(undefined)} onMove={async (decidedOn, note) => {
        const r = await move({ id: moving.id, status: moving.status, decidedOn, note });
        if (!r) return;
        setMoving(undefined);
        if (r.data) reload();
      }} />}
    </Card>
  );
}

// MoveOutcome asks what a status change needs: the decision date for DECIDED,
// a reason for APPEALED and REVOKED (the server refuses them without one).
function MoveOutcome({ moving, busy, onCancel, onMove }: { moving: { status: OutcomeStatus; decidedOn?: string | null }; busy: boolean; onCancel: () => void;
  onMove: (decidedOn: string | undefined, note: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ decidedOn?: Dayjs; note?: string }>();
  const needsReason = moving.status === "APPEALED" || moving.status === "REVOKED";
  return (
    <Modal open title={t("discipline.moveTo", { status: t(`discipline.statuses.${moving.status}`) })} onCancel={onCancel} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      <GuardedForm form={form} layout="vertical" initialValues={{ decidedOn: moving.decidedOn ? dayjs(moving.decidedOn) : dayjs() }}
        onFinish={(v) => onMove(moving.status === "DECIDED" ? v.decidedOn?.format("YYYY-MM-DD") : undefined, v.note?.trim() ?? "")}>
        {moving.status === "DECIDED" && <Form.Item name="decidedOn" label={t("discipline.decidedOn")} rules={[{ required: true }]}><DatePicker /></Form.Item>}
        <Form.Item name="note" label={needsReason ? t("discipline.reason") : t("discipline.note")}
          rules={needsReason ? [{ required: true, whitespace: true, message: t("discipline.reasonRequired") }] : []}>
          <Input.TextArea rows={3} autoFocus />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}

// NoResponsible states, when no finding is recorded, why no one is held
// responsible: the recovery gate needs a finding or this reason.
function NoResponsible({ reason, frozen, busy, onSave }: { reason: string; frozen: boolean; busy: boolean; onSave: (reason: string) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  useEffect(() => { form.setFieldsValue({ reason }); }, [form, reason]);
  if (frozen) return reason ? <Typography.Paragraph>{t("discipline.noResponsibleReason")}: {reason}</Typography.Paragraph> : null;
  return (
    <Card size="small" title={t("discipline.noResponsible")} data-testid="no-responsible" className="lt-top-md">
      <Typography.Paragraph type="secondary">{t("discipline.noResponsibleHint")}</Typography.Paragraph>
      <GuardedForm form={form} layout="vertical" initialValues={{ reason }} onFinish={(v) => onSave(v.reason.trim())}>
        <Form.Item name="reason" label={t("discipline.noResponsibleReason")}><Input.TextArea rows={2} /></Form.Item>
        <Button htmlType="submit" loading={busy}>{t("discipline.saveReason")}</Button>
      </GuardedForm>
    </Card>
  );
}

interface Proposal { type: OutcomeType; body: string; decidedOn?: Dayjs; legalBasis?: string }

// ProposeOutcome is a finding's inline form for a proposed outcome; it empties
// itself once the outcome is recorded.
function ProposeOutcome({ typeOptions, presets, busy, onPropose }: {
  typeOptions: SelectProps["options"]; presets: string[]; busy: boolean; onPropose: (v: Proposal) => Promise<boolean>;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<Proposal>();
  return (
    <GuardedForm form={form} layout="inline" size="small" className="lt-inline-form"
      onFinish={async (v: Proposal) => { if (await onPropose(v)) form.resetFields(); }}>
      <Form.Item name="type" rules={[{ required: true }]}><FormSelect virtual={false} className="lt-w200" placeholder={t("discipline.type")} aria-label={t("discipline.type")} options={typeOptions} /></Form.Item>
      <Form.Item name="body" rules={[{ required: true, whitespace: true }]}><Input placeholder={t("discipline.body")} aria-label={t("discipline.body")} /></Form.Item>
      <Form.Item name="decidedOn"><DatePicker placeholder={t("discipline.decidedOn")} aria-label={t("discipline.decidedOn")} /></Form.Item>
      {/* The presets are the case's jurisdiction's (from the server); the reader's script picks their language. */}
      <Form.Item name="legalBasis"><AutoComplete className="lt-w260" placeholder={t("discipline.legalBasis")} aria-label={t("discipline.legalBasis")}
        options={presets.filter((p) => /[\u4e00-\u9fff]/.test(p) === i18n.language.startsWith("zh")).map((p) => ({ value: p }))} /></Form.Item>
      <Button htmlType="submit" loading={busy}>{t("discipline.propose")}</Button>
    </GuardedForm>
  );
}
