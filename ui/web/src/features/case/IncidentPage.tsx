import { Alert, Button, Card, Col, Descriptions, Form, Input, List, Modal, Row, Select, Space, Tag, Timeline, Typography, message } from "antd";
import dayjs from "dayjs";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { useMutation, useQuery, useSubscription, type CombinedError, type OperationContext } from "urql";
import { errorMessage } from "../../api";
import { IncidentAccessProvider, useIncidentAccess } from "../../components/access";
import { GuardedForm, useSubmit } from "../../components/forms";
import { GateChecklist } from "../../components/GateChecklist";
import { AddTask, CaseFacts, ResponsePanel } from "./CasePanels";
import { CaseRecord } from "./CaseRecord";
import { EvidencePanel } from "../evidence/EvidencePanel";
import { ResponsibilityPanel } from "../responsibility/ResponsibilityPanel";
import { SpreadExplorer } from "../spread/SpreadExplorer";
import { StageBar, stages, type Stage } from "../../components/StageBar";
import { graphql } from "../../gql";
import type { IncidentPageQuery } from "../../gql/graphql";

const IncidentQuery = graphql(`
  query IncidentPage($reference: String!) {
    incidentByReference(reference: $reference) {
      id reference title summary leakedItem classification detectedAt detectionMethod reportedBy whereSeen stage version frozenAt
      lead { displayName }
      myAccess { caseRole canEdit canAdvance canManageMembers canSeeOutcomes }
      reportUpward { required deadline notifiedAt met }
      gate { stage met requirements { id description met task { id done } } }
      tasks { id title stage done required }
      transitions { id from to kind at note by { displayName } }
    }
  }
`);

const AdvanceMutation = graphql(`
  mutation Advance($id: ID!, $to: Stage!, $note: String, $version: Int) {
    advanceIncident(id: $id, to: $to, note: $note, expectedVersion: $version) { id stage version }
  }
`);

const Changed = graphql(`
  subscription IncidentChanged($id: ID!) { incidentChanged(id: $id) { incidentId action } }
`);

const CompleteTask = graphql(`
  mutation CompleteTask($id: ID!, $done: Boolean) { completeTask(id: $id, done: $done) { id done } }
`);

const time = (s?: string | null) => (s ? dayjs(s).format("YYYY-MM-DD HH:mm") : "");

// IncidentPage is one case: its header with the report-upward clock, the
// stage bar with the current gate's checklist, advancing and sending back,
// tasks and the stage history. What the caller may do (myAccess) is read here
// once and given to every panel through useIncidentAccess.
export function IncidentPage() {
  const { reference = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: IncidentQuery, variables: { reference }, requestPolicy: "cache-and-network" });
  return (
    <IncidentAccessProvider access={data?.incidentByReference?.myAccess}>
      <Incident data={data} fetching={fetching} error={error} refetch={refetch} />
    </IncidentAccessProvider>
  );
}

function Incident({ data, fetching, error, refetch }: {
  data?: IncidentPageQuery; fetching: boolean; error?: CombinedError; refetch: (opts?: Partial<OperationContext>) => void;
}) {
  const { t } = useTranslation();
  const access = useIncidentAccess();
  const [advanceResult, advance] = useSubmit(AdvanceMutation);
  const [, completeTask] = useMutation(CompleteTask);
  const [sendBack, setSendBack] = useState(false);
  const inc = data?.incidentByReference;
  // A colleague's change, on any server, arrives here: reload what it may have touched.
  const [live] = useSubscription({ query: Changed, variables: { id: inc?.id ?? "" }, pause: !inc },
    (count: number = 0) => count + 1);
  useEffect(() => { if (live.data) refetch({ requestPolicy: "network-only" }); }, [live.data, refetch]);
  if (error) return <Alert type="error" showIcon message={errorMessage(t, error)} />;
  if (!inc) return fetching ? <Typography.Text>{t("common.loading")}</Typography.Text> : <Alert type="warning" showIcon message={t("incident.notFound")} />;
  const stage = inc.stage as Stage;
  const next = stages[stages.indexOf(stage) + 1];
  const earlier = stages.slice(0, stages.indexOf(stage));
  const move = async (to: Stage, note?: string) => {
    const r = await advance({ id: inc.id, to, note, version: inc.version });
    if (r?.data) {
      message.success(t("incident.advanced", { stage: t(`stage.${to}`) }));
      refetch({ requestPolicy: "network-only" });
    }
  };
  const ru = inc.reportUpward;
  const clock = !ru.required ? <Tag>{t("incident.notRequired")}</Tag>
    : ru.notifiedAt ? <Tag color={ru.met ? "green" : "orange"}>{t("incident.met", { time: time(ru.notifiedAt) })}</Tag>
    : dayjs(ru.deadline).isBefore(dayjs()) ? <Tag color="red">{t("incident.overdue", { time: time(ru.deadline) })}</Tag>
    : <Tag color="gold">{t("incident.deadline", { time: time(ru.deadline) })}</Tag>;
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <div>
        <Typography.Text type="secondary">{inc.reference}</Typography.Text>
        <Typography.Title level={3} style={{ marginTop: 0 }}>{inc.title}</Typography.Title>
        <Space wrap>
          <Tag color="red">{t(`classification.${inc.classification}`)}</Tag>
          <Tag color="blue">{t(`stage.${stage}`)}</Tag>
          <span>{t("incident.reportUpward")}: {clock}</span>
        </Space>
      </div>
      {inc.frozenAt && <Alert type="info" showIcon message={t("incident.frozen")} />}
      {!access.canEdit && <Alert type="info" showIcon message={t("incident.readOnly")} />}
      <StageBar stage={stage} />
      {advanceResult.error && <Alert type="error" showIcon message={errorMessage(t, advanceResult.error)} />}
      <Row id="overview" gutter={[16, 16]}>
        <Col xs={24} md={14}>
          {stage !== "CLOSED" && (
            <Card title={t("incident.gate", { stage: t(`stage.${stage}`) })}>
              {inc.gate.met && <Typography.Paragraph type="success">{t("incident.gateMet")}</Typography.Paragraph>}
              <GateChecklist requirements={inc.gate.requirements} />
            </Card>
          )}
          <Space wrap style={{ marginTop: 16 }}>
            {next && access.canAdvance && <Button type="primary" disabled={!inc.gate.met || !!inc.frozenAt} loading={advanceResult.fetching}
              onClick={() => move(next)}>{t("incident.advance", { stage: t(`stage.${next}`) })}</Button>}
            {earlier.length > 0 && (inc.frozenAt ? access.canReopen : access.canAdvance) && <Button onClick={() => setSendBack(true)}>{t("incident.sendBack")}</Button>}
          </Space>
          <Card id="tasks" title={t("incident.tasks")} style={{ marginTop: 16 }}>
            <List size="small" dataSource={inc.tasks} locale={{ emptyText: t("incident.noTasks") }} renderItem={(task) => (
              <List.Item actions={access.canEdit ? [<Button key="done" size="small" type="link" disabled={!!inc.frozenAt}
                onClick={async () => { await completeTask({ id: task.id, done: !task.done }); refetch({ requestPolicy: "network-only" }); }}>
                {task.done ? t("incident.open") : t("incident.done")}</Button>] : []}>
                <Typography.Text delete={task.done}>{task.title}</Typography.Text> <Tag>{t(`stage.${task.stage}`)}</Tag>
              </List.Item>)} />
            {!inc.frozenAt && access.canEdit && <AddTask incidentId={inc.id} onAdded={() => refetch({ requestPolicy: "network-only" })} />}
          </Card>
        </Col>
        <Col xs={24} md={10}>
          <Card id="details" title={t("incident.details")}>
            <Descriptions column={1} size="small" items={[
              { key: "leaked", label: t("incident.leakedItem"), children: inc.leakedItem },
              { key: "detected", label: t("incidents.detectedAt"), children: time(inc.detectedAt) },
              { key: "how", label: t("intake.detectionMethod"), children: t(`detection.${inc.detectionMethod}`) },
              { key: "where", label: t("incident.whereSeen"), children: inc.whereSeen },
              { key: "by", label: t("incident.reportedBy"), children: inc.reportedBy },
              { key: "lead", label: t("incident.lead"), children: inc.lead?.displayName },
            ]} />
          </Card>
          <Card title={t("incident.history")} style={{ marginTop: 16 }}>
            <Timeline items={inc.transitions.map((tr) => ({
              key: tr.id,
              color: tr.kind === "RETURN" || tr.kind === "REOPEN" ? "orange" : "blue",
              children: <>
                <Typography.Text strong>{t(`transition.${tr.kind}`)} → {t(`stage.${tr.to}`)}</Typography.Text>
                <div><Typography.Text type="secondary">{time(tr.at)} · {tr.by.displayName}</Typography.Text></div>
                {tr.note && <div>{tr.note}</div>}
              </>,
            }))} />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}><ResponsePanel incidentId={inc.id} frozen={!!inc.frozenAt} changes={live.data ?? 0}
          onChanged={() => refetch({ requestPolicy: "network-only" })} /></Col>
        <Col xs={24} lg={12}><CaseFacts incidentId={inc.id} frozen={!!inc.frozenAt} changes={live.data ?? 0}
          onChanged={() => refetch({ requestPolicy: "network-only" })} /></Col>
      </Row>
      <SpreadExplorer incidentId={inc.id} reference={inc.reference} frozen={!!inc.frozenAt} changes={live.data ?? 0} />
      <EvidencePanel incidentId={inc.id} reference={inc.reference} frozen={!!inc.frozenAt} changes={live.data ?? 0} />
      <ResponsibilityPanel incidentId={inc.id} frozen={!!inc.frozenAt} changes={live.data ?? 0} />
      <CaseRecord incidentId={inc.id} frozen={!!inc.frozenAt} changes={live.data ?? 0} />
      <SendBack open={sendBack} busy={advanceResult.fetching} stages={earlier} onClose={() => setSendBack(false)} onSend={async (to, note) => { await move(to, note); setSendBack(false); }} />
    </Space>
  );
}

function SendBack({ open, busy, stages, onClose, onSend }: {
  open: boolean; busy: boolean; stages: Stage[]; onClose: () => void; onSend: (to: Stage, note: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ to: Stage; note: string }>();
  return (
    <Modal open={open} title={t("incident.sendBack")} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      <GuardedForm form={form} layout="vertical" onFinish={(v) => onSend(v.to, v.note)} initialValues={{ to: stages[stages.length - 1] }}>
        <Form.Item name="to" label={t("incident.sendBackTo")} rules={[{ required: true }]}>
          <Select options={stages.map((s) => ({ value: s, label: t(`stage.${s}`) }))} />
        </Form.Item>
        <Form.Item name="note" label={t("incident.reason")} rules={[{ required: true, whitespace: true, message: t("incident.reasonRequired") }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}
