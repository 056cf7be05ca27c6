import { Alert, Button, Card, Descriptions, Form, Input, List, Select, Space, Switch, Tag, Typography, message } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { errorMessage } from "../../api";
import { useIncidentAccess } from "../../components/access";
import { DateTimeField, GuardedForm, notInFuture, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { Authority, ContainmentKind } from "../../gql/graphql";
import { TakedownTag } from "../spread/SpreadSide";
import { authorities, containmentKinds as kinds, disclosureDecisions as decisions, rootCauses as causes } from "../../vocabulary";

const ResponseQuery = graphql(`
  query Response($id: ID!) {
    incident(id: $id) {
      id version summary rootCause scopeAndImportance businessImpact reachedOutside disclosureDecision disclosureRationale affectedNotice statement
      containmentActions { id kind description takenAt recordedBy { displayName } }
      notifications { id authority notifiedAt reference recordedBy { displayName } }
    }
  }
`);
const TakedownsQuery = graphql(`
  query Takedowns($id: ID!) {
    incident(id: $id) {
      id
      spread { takedownCount takedowns(first: 100) { key name exposure containment { status requestedTo requestedAt updatedAt } } }
    }
  }
`);
const RecordContainment = graphql(`mutation RecordContainment($id: ID!, $input: ContainmentActionInput!) {
  recordContainmentAction(incidentId: $id, input: $input) { id } }`);
const RecordNotification = graphql(`mutation RecordNotification($id: ID!, $input: NotificationInput!) {
  recordNotification(incidentId: $id, input: $input) { id } }`);
const Update = graphql(`mutation UpdateIncident($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {
  updateIncident(id: $id, expectedVersion: $version, input: $input) { id version } }`);
const AddTaskMutation = graphql(`mutation AddTaskTo($id: ID!, $input: AddTaskInput!) { addTask(incidentId: $id, input: $input) { id } }`);

const time = (s: string) => dayjs(s).format("YYYY-MM-DD HH:mm");

interface PanelProps { incidentId: string; frozen: boolean; changes: number; onChanged: () => void }

// ResponsePanel records containment and reports upward: the INITIAL_RESPONSE
// gate's facts. Containment is one notion here as in the gate: the steps
// recorded on the incident and the takedowns recorded on the spread chain's
// venues, listed together under the count the gate sees.
export function ResponsePanel({ incidentId, frozen, changes, onChanged, onShowVenue }: PanelProps & { onShowVenue: () => void }) {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery({ query: ResponseQuery, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  const [{ data: venues }, refetchVenues] = useQuery({ query: TakedownsQuery, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  useEffect(() => {
    if (changes) { refetch({ requestPolicy: "network-only" }); refetchVenues({ requestPolicy: "network-only" }); }
  }, [changes, refetch, refetchVenues]);
  const [containResult, contain] = useSubmit(RecordContainment);
  const [notifyResult, notify] = useSubmit(RecordNotification);
  const [containForm] = Form.useForm();
  const [notifyForm] = Form.useForm();
  const done = () => { refetch({ requestPolicy: "network-only" }); onChanged(); };
  const inc = data?.incident;
  const takedowns = venues?.incident?.spread;
  const counted = (inc?.containmentActions.length ?? 0) + (takedowns?.takedownCount ?? 0);
  const failure = errorMessage(t, containResult.error ?? notifyResult.error);
  const { canEdit } = useIncidentAccess();
  return (
    <Card id="containment" title={t("response.title")}>
      {failure && <Alert type="error" showIcon message={failure} className="lt-gap" />}
      <Typography.Title level={5}>{t("response.containment")} <Tag data-testid="containment-count">{t("response.counted", { count: counted })}</Tag></Typography.Title>
      {counted === 0 && <Typography.Paragraph type="secondary">{t("response.noContainment")}</Typography.Paragraph>}
      {inc && inc.containmentActions.length > 0 && <List size="small" dataSource={inc.containmentActions} renderItem={(c) => (
        <List.Item>{time(c.takenAt)} · {t(`containment.${c.kind}`)} · {c.description} · {c.recordedBy.displayName}</List.Item>)} />}
      {takedowns && takedowns.takedownCount > 0 && <List size="small" data-testid="venue-takedowns"
        header={<Typography.Text type="secondary">{t("response.venueTakedowns", { count: takedowns.takedownCount })}</Typography.Text>}
        dataSource={takedowns.takedowns} renderItem={(v) => (
          <List.Item>
            <Space wrap size={4}>
              <Button type="link" size="small" className="lt-todo" onClick={onShowVenue}>{v.name}</Button>
              <Tag>{t(`spread.exposures.${v.exposure}`)}</Tag>
              <TakedownTag status={v.containment.status} />
              {v.containment.requestedTo && <span>{t("response.askedOf", { who: v.containment.requestedTo })}</span>}
              {(v.containment.requestedAt ?? v.containment.updatedAt) && <Typography.Text type="secondary">{time((v.containment.requestedAt ?? v.containment.updatedAt)!)}</Typography.Text>}
            </Space>
          </List.Item>)} />}
      {canEdit && !frozen && <div id="containment-form"><GuardedForm form={containForm} layout="inline" className="lt-inline-form" initialValues={{ kind: "RECALL", takenAt: dayjs() }}
        onFinish={async (v: { kind: ContainmentKind; description: string; takenAt: Dayjs }) => {
          const r = await contain({ id: incidentId, input: { kind: v.kind, description: v.description, takenAt: v.takenAt.format() } });
          if (r?.data) { containForm.resetFields(); containForm.setFieldsValue({ takenAt: dayjs() }); done(); }
        }}>
        <Form.Item name="description" rules={[{ required: true, whitespace: true }]}><Input placeholder={t("response.description")} aria-label={t("response.description")} /></Form.Item>
        <Form.Item name="kind"><Select className="lt-w140" aria-label={t("response.kind")} options={kinds.map((k) => ({ value: k, label: t(`containment.${k}`) }))} /></Form.Item>
        <Form.Item name="takenAt" rules={[{ required: true }, notInFuture(t)]}><DateTimeField aria-label={t("response.takenAt")} /></Form.Item>
        <Button htmlType="submit" loading={containResult.fetching}>{t("response.addContainment")}</Button>
      </GuardedForm></div>}
      <Typography.Title level={5}>{t("response.notifications")}</Typography.Title>
      <List id="notifications" size="small" dataSource={inc?.notifications ?? []} locale={{ emptyText: t("response.none") }} renderItem={(n) => (
        <List.Item>{time(n.notifiedAt)} · {t(`authority.${n.authority}`)} {n.reference && `· ${n.reference}`} · {n.recordedBy.displayName}</List.Item>)} />
      {canEdit && !frozen && <div id="notify-form"><GuardedForm form={notifyForm} layout="inline" className="lt-inline-form" initialValues={{ authority: "CONFIDENTIALITY_BUREAU", notifiedAt: dayjs() }}
        onFinish={async (v: { authority: Authority; notifiedAt: Dayjs; reference?: string }) => {
          const r = await notify({ id: incidentId, input: { authority: v.authority, notifiedAt: v.notifiedAt.format(), reference: v.reference } });
          if (r?.data) { notifyForm.resetFields(); notifyForm.setFieldsValue({ notifiedAt: dayjs() }); done(); }
        }}>
        {/* A report upward cannot be withdrawn: one made by a stray tap must not count. */}
        <Form.Item name="reference" rules={[{ required: true, whitespace: true, message: t("response.referenceRequired") }]}>
          <Input placeholder={t("response.reference")} aria-label={t("response.reference")} /></Form.Item>
        <Form.Item name="authority"><Select className="lt-w160" aria-label={t("response.authority")} options={authorities.map((a) => ({ value: a, label: t(`authority.${a}`) }))} /></Form.Item>
        <Form.Item name="notifiedAt" rules={[{ required: true }, notInFuture(t)]}><DateTimeField aria-label={t("response.notifiedAt")} /></Form.Item>
        <Button htmlType="submit" loading={notifyResult.fetching}>{t("response.addNotification")}</Button>
      </GuardedForm></div>}
    </Card>
  );
}

// CaseFacts edits what the investigation and disclosure gates ask for.
export function CaseFacts({ incidentId, frozen, changes, onChanged }: PanelProps) {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery({ query: ResponseQuery, variables: { id: incidentId }, requestPolicy: "cache-and-network" });
  useEffect(() => { if (changes) refetch({ requestPolicy: "network-only" }); }, [changes, refetch]);
  const [result, update] = useSubmit(Update);
  const [form] = Form.useForm();
  const { canEdit } = useIncidentAccess();
  const inc = data?.incident;
  useEffect(() => { if (inc && canEdit) form.setFieldsValue(inc); }, [inc, form, canEdit]);
  if (!inc) return null;
  if (!canEdit) return (
    <Card id="details-edit" title={t("edit.title")}>
      <Descriptions column={1} size="small" items={[
        { key: "summary", label: t("edit.summary"), children: inc.summary },
        { key: "cause", label: t("edit.rootCause"), children: inc.rootCause && t(`rootCause.${inc.rootCause}`) },
        { key: "outside", label: t("edit.reachedOutside"), children: inc.reachedOutside == null ? "" : t(inc.reachedOutside ? "common.yes" : "common.no") },
        { key: "scope", label: t("edit.scope"), children: inc.scopeAndImportance },
        { key: "impact", label: t("edit.impact"), children: inc.businessImpact },
        { key: "decision", label: t("edit.decision"), children: inc.disclosureDecision && t(`disclosure.${inc.disclosureDecision}`) },
        { key: "rationale", label: t("edit.rationale"), children: inc.disclosureRationale },
        { key: "notice", label: t("edit.affectedNotice"), children: inc.affectedNotice },
        { key: "statement", label: t("edit.statement"), children: inc.statement },
      ]} />
    </Card>
  );
  return (
    <Card id="details-edit" title={t("edit.title")}>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} className="lt-gap" />}
      <GuardedForm form={form} name="facts" layout="vertical" disabled={frozen} onFinish={async (v) => {
        const r = await update({ id: incidentId, version: inc.version, input: v });
        if (r?.data) { message.success(t("edit.saved")); refetch({ requestPolicy: "network-only" }); onChanged(); }
      }}>
        <Form.Item name="summary" label={t("edit.summary")}><Input.TextArea rows={2} /></Form.Item>
        <Space wrap>
          <Form.Item name="rootCause" label={t("edit.rootCause")}><Select allowClear className="lt-w220" options={causes.map((c) => ({ value: c, label: t(`rootCause.${c}`) }))} /></Form.Item>
          <Form.Item name="reachedOutside" label={t("edit.reachedOutside")} valuePropName="checked"><Switch /></Form.Item>
        </Space>
        <Form.Item name="scopeAndImportance" label={t("edit.scope")}><Input.TextArea rows={2} /></Form.Item>
        <Form.Item name="businessImpact" label={t("edit.impact")}><Input.TextArea rows={2} /></Form.Item>
        <Form.Item name="disclosureDecision" label={t("edit.decision")}><Select allowClear className="lt-w220" options={decisions.map((d) => ({ value: d, label: t(`disclosure.${d}`) }))} /></Form.Item>
        <Form.Item name="disclosureRationale" label={t("edit.rationale")}><Input.TextArea rows={2} /></Form.Item>
        <Form.Item name="affectedNotice" label={t("edit.affectedNotice")}><Input.TextArea rows={2} /></Form.Item>
        <Form.Item name="statement" label={t("edit.statement")}><Input.TextArea rows={2} /></Form.Item>
        <Button type="primary" htmlType="submit" loading={result.fetching}>{t("edit.save")}</Button>
      </GuardedForm>
    </Card>
  );
}

// AddTask adds a task to the current stage.
export function AddTask({ incidentId, onAdded }: { incidentId: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [result, add] = useSubmit(AddTaskMutation);
  return (
    <GuardedForm form={form} layout="inline" className="lt-inline-form" onFinish={async (v: { title: string }) => {
      const r = await add({ id: incidentId, input: { title: v.title } });
      if (r?.data) { form.resetFields(); onAdded(); }
    }}>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} />}
      <Form.Item name="title" rules={[{ required: true, whitespace: true }]}><Input placeholder={t("task.title")} aria-label={t("task.title")} /></Form.Item>
      <Button htmlType="submit" loading={result.fetching}>{t("task.add")}</Button>
    </GuardedForm>
  );
}
