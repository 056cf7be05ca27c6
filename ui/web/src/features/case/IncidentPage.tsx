import { Alert, Button, Card, Col, Descriptions, Form, Grid, Input, List, Modal, Row, Space, Tag, Timeline, Typography, message } from "antd";
import dayjs from "dayjs";
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { useMutation, useQuery, useSubscription, type CombinedError, type OperationContext } from "urql";
import { errorMessage } from "../../api";
import { IncidentAccessProvider, useIncidentAccess } from "../../components/access";
import { FormSelect, GuardedForm, useSubmit } from "../../components/forms";
import { GateChecklist, type Requirement } from "../../components/GateChecklist";
import { classificationLabel } from "../../components/classification";
import { AddTask, CaseFacts, ResponsePanel } from "./CasePanels";
import { CaseHeader } from "./CaseHeader";
import { CaseReport } from "./CaseReport";
import { IssuedReports } from "./IssuedReports";
import { DetailsEditor } from "./DetailsEditor";
import { reveal } from "../../components/reveal";
import { sectionOf, sections, targetOf, type DetailsField, type Section } from "./sections";
import { CaseRecord } from "./CaseRecord";
import { ClocksCard } from "../clocks/ClocksCard";
import { EvidencePanel } from "../evidence/EvidencePanel";
import { MessagesPanel } from "../chatlog/MessagesPanel";
import { ResponsibilityPanel } from "../responsibility/ResponsibilityPanel";
import { preloadChain } from "../spread/chainLoad";
import { SpreadExplorer } from "../spread/SpreadExplorer";
import { StageBar, stages, type Stage } from "../../components/StageBar";
import { graphql } from "../../gql";
import type { IncidentPageQuery } from "../../gql/graphql";

const IncidentQuery = graphql(`
  query IncidentPage($reference: String!) {
    incidentByReference(reference: $reference) {
      id reference title summary leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone stage version frozenAt
      lead { displayName }
      myAccess { caseRole canEdit canAdvance canManageMembers canSeeOutcomes }
      reportUpward { required deadline notifiedAt met }
      clocks { definition { id start amount unit basis } status startedAt dueAt stoppedAt extended calendarGap canExtend
        extensions { id amount reason at by { displayName } } }
      nextClock { definition { id } status startedAt dueAt }
      gate { stage met requirements { id description met task { id done title } } }
      tasks { id title stage done required }
      transitions { id from to kind at note by { displayName } }
      reviews { decision comments reviewedAt snapshotSha256 reviewer { displayName } }
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

// IncidentPage is one case: its header with the countdown of the clock due
// first, the stage bar with the current gate's checklist, advancing and
// sending back, the legal clocks, tasks and the stage history. What the caller may do (myAccess) is read here
// once and given to every panel through useIncidentAccess.
export function IncidentPage() {
  const { reference = "" } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: IncidentQuery, variables: { reference }, requestPolicy: "cache-and-network" });
  // Opened on its spread section, the case reads and lays out its chain while
  // its own query is under way. A layout effect, so it runs before the
  // explorer's (a case already in the cache mounts the explorer at once).
  const spreadOpen = useRef(false);
  spreadOpen.current = sectionOf(useLocation().hash) === "spread";
  useLayoutEffect(() => (spreadOpen.current ? preloadChain(reference) : undefined), [reference]);
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
  const location = useLocation();
  const navigate = useNavigate();
  const section = sectionOf(location.hash);
  const [editing, setEditing] = useState<{ focus?: DetailsField }>();
  // A section once opened stays mounted, hidden, so what was typed in it
  // survives a look at another section.
  const [visited, setVisited] = useState<Set<Section>>(() => new Set([section]));
  useEffect(() => setVisited((v) => (v.has(section) ? v : new Set(v).add(section))), [section]);
  const inc = data?.incidentByReference;
  // A colleague's change, on any server, arrives here: reload what it may have touched.
  const [live] = useSubscription({ query: Changed, variables: { id: inc?.id ?? "" }, pause: !inc },
    (count: number = 0) => count + 1);
  useEffect(() => { if (live.data) refetch({ requestPolicy: "network-only" }); }, [live.data, refetch]);
  // A failed reload keeps the page (and whatever is typed in it) under the error.
  if (error && !inc) return <Alert type="error" showIcon message={errorMessage(t, error)} />;
  if (!inc) return fetching ? <Typography.Text>{t("common.loading")}</Typography.Text> : <Alert type="warning" showIcon message={t("incident.notFound")}
    action={<Link to="/">{t("incident.backToList")}</Link>} />;
  const reload = () => refetch({ requestPolicy: "network-only" });
  const open = (s: Section) => navigate({ hash: s === "overview" ? "" : s });
  // An unmet requirement takes the person to the form that meets it.
  const go = (r: Requirement) => {
    const target = targetOf(r);
    open(target.section);
    if ("details" in target) setEditing({ focus: target.details });
    else reveal(target.element);
  };
  const frozen = !!inc.frozenAt;
  const changes = live.data ?? 0;
  const panels: Record<Section, ReactNode> = {
    overview: <Overview inc={inc} reload={reload} changes={changes} onGo={access.canEdit && !frozen ? go : undefined}
      onEdit={access.canEdit && !frozen ? () => setEditing({}) : undefined} />,
    containment: <ResponsePanel incidentId={inc.id} frozen={frozen} changes={changes} onChanged={reload} onShowVenue={() => open("spread")} />,
    spread: <SpreadExplorer incidentId={inc.id} reference={inc.reference} frozen={frozen} changes={changes} active={section === "spread"} zone={inc.timeZone} />,
    evidence: <EvidencePanel incidentId={inc.id} reference={inc.reference} frozen={frozen} changes={changes} caseZone={inc.timeZone} />,
    messages: <MessagesPanel incidentId={inc.id} zone={inc.timeZone} frozen={frozen} changes={changes} />,
    responsibility: <ResponsibilityPanel incidentId={inc.id} frozen={frozen} changes={changes} />,
    record: <CaseRecord incidentId={inc.id} frozen={frozen} changes={changes} />,
  };
  return (
    <>
      <CaseHeader reference={inc.reference} title={inc.title} classification={inc.classification} jurisdiction={inc.jurisdiction} stage={inc.stage}
        reportUpward={inc.reportUpward} nextClock={inc.nextClock} zone={inc.timeZone} section={section} onSection={open} />
      <div className="lt-stack">
        {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
        {frozen && <Alert type="info" showIcon message={t("incident.frozen")} />}
        {!frozen && inc.stage === "CLOSED" && <Alert type="info" showIcon message={t("incident.awaitingReview")} />}
        {!access.canEdit && <Alert type="info" showIcon message={t("incident.readOnly")} />}
        {sections.filter((s) => visited.has(s)).map((s) => (
          <div key={s} role="tabpanel" id={`panel-${s}`} aria-labelledby={`tab-${s}`} hidden={s !== section}>{panels[s]}</div>
        ))}
      </div>
      {editing && <DetailsEditor incident={inc} focus={editing.focus} onClose={() => setEditing(undefined)} onSaved={reload} />}
    </>
  );
}

// Overview is where the case stands: the gate of its stage with what is
// still to do, advancing and sending back, its legal clocks, the tasks, the details recorded
// when it was reported, the investigation's conclusions and the stage history.
function Overview({ inc, reload, changes, onGo, onEdit }: {
  inc: NonNullable<IncidentPageQuery["incidentByReference"]>; reload: () => void; changes: number;
  onGo?: (r: Requirement) => void; onEdit?: () => void;
}) {
  const { t } = useTranslation();
  const access = useIncidentAccess();
  const [advanceResult, advance] = useSubmit(AdvanceMutation);
  const [, completeTask] = useMutation(CompleteTask);
  const [sendBack, setSendBack] = useState(false);
  const stage = inc.stage as Stage;
  const next = stages[stages.indexOf(stage) + 1];
  const earlier = stages.slice(0, stages.indexOf(stage));
  const frozen = !!inc.frozenAt;
  // On a phone the columns stack: what was reported comes right after the gate.
  const phone = !Grid.useBreakpoint().md;
  const details = (
    <Card id="details" title={t("incident.details")} extra={onEdit && <Button size="small" onClick={onEdit}>{t("details.editButton")}</Button>}>
      <Descriptions column={1} size="small" items={[
        { key: "leaked", label: t("incident.leakedItem"), children: inc.leakedItem },
        { key: "classification", label: t("intake.classification"), children: inc.secrecyPeriod
          ? `${classificationLabel(t, inc.classification, inc.jurisdiction, true)} · ${t("intake.secrecyPeriod")} ${inc.secrecyPeriod}`
          : classificationLabel(t, inc.classification, inc.jurisdiction, true) },
        { key: "detected", label: t("incidents.detectedAt"), children: time(inc.detectedAt) },
        { key: "how", label: t("intake.detectionMethod"), children: t(`detection.${inc.detectionMethod}`) },
        { key: "where", label: t("incident.whereSeen"), children: inc.whereSeen },
        { key: "by", label: t("incident.reportedBy"), children: inc.reportedBy },
        { key: "zone", label: t("intake.timeZone"), children: inc.timeZone },
        { key: "lead", label: t("incident.lead"), children: inc.lead?.displayName },
      ]} />
    </Card>
  );
  const clocks = <ClocksCard incidentId={inc.id} clocks={inc.clocks} zone={inc.timeZone} canEdit={access.canEdit && !frozen} onChanged={reload} />;
  const move = async (to: Stage, note?: string) => {
    const r = await advance({ id: inc.id, to, note, version: inc.version });
    if (r?.data) {
      message.success(t("incident.advanced", { stage: t(`stage.${to}`) }));
      reload();
    }
  };
  return (
    <div id="overview" className="lt-stack">
      <StageBar stage={stage} />
      {advanceResult.error && <Alert type="error" showIcon message={errorMessage(t, advanceResult.error)} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={14} className="lt-stack">
          {stage !== "CLOSED" && (
            <Card title={t("incident.gate", { stage: t(`stage.${stage}`) })}>
              {inc.gate.met && <Typography.Paragraph type="success">{t("incident.gateMet")}</Typography.Paragraph>}
              <GateChecklist requirements={inc.gate.requirements} onGo={onGo} />
              <Space wrap>
                {next && access.canAdvance && <Button type="primary" disabled={!inc.gate.met || frozen} loading={advanceResult.fetching}
                  onClick={() => move(next)}>{t("incident.advance", { stage: t(`stage.${next}`) })}</Button>}
                {earlier.length > 0 && (frozen ? access.canReopen : access.canAdvance) && <Button onClick={() => setSendBack(true)}>{t("incident.sendBack")}</Button>}
              </Space>
            </Card>
          )}
          {stage === "CLOSED" && earlier.length > 0 && (frozen ? access.canReopen : access.canAdvance) &&
            <Space wrap><Button onClick={() => setSendBack(true)}>{t("incident.sendBack")}</Button></Space>}
          {phone && clocks}
          {phone && details}
          <Card id="tasks" title={t("incident.tasks")}>
            <List size="small" dataSource={inc.tasks} locale={{ emptyText: t("incident.noTasks") }} renderItem={(task) => (
              <List.Item actions={access.canEdit ? [<Button key="done" size="small" type="link" disabled={frozen}
                onClick={async () => { await completeTask({ id: task.id, done: !task.done }); reload(); }}>
                {task.done ? t("task.reopen") : t("task.markDone")}</Button>] : []}>
                <Typography.Text delete={task.done}>{task.title}</Typography.Text> <Tag>{t(`stage.${task.stage}`)}</Tag>
              </List.Item>)} />
            {!frozen && access.canEdit && <AddTask incidentId={inc.id} onAdded={reload} />}
          </Card>
          <CaseFacts incidentId={inc.id} frozen={frozen} changes={changes} onChanged={reload} />
        </Col>
        <Col xs={24} md={10} className="lt-stack">
          {!phone && clocks}
          {!phone && details}
          <CaseReport reference={inc.reference} accepted={frozen ? [...inc.reviews].reverse().find((r) => r.decision === "ACCEPTED") : undefined} />
          <IssuedReports incidentId={inc.id} frozen={frozen} changes={changes} />
          <Card title={t("incident.history")}>
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
      <SendBack open={sendBack} busy={advanceResult.fetching} stages={earlier} onClose={() => setSendBack(false)} onSend={async (to, note) => { await move(to, note); setSendBack(false); }} />
    </div>
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
          <FormSelect options={stages.map((s) => ({ value: s, label: t(`stage.${s}`) }))} />
        </Form.Item>
        <Form.Item name="note" label={t("incident.reason")} rules={[{ required: true, whitespace: true, message: t("incident.reasonRequired") }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}
