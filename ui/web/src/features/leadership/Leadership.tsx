import { Alert, Button, Card, Col, DatePicker, Empty, Form, Input, List, Modal, Row, Select, Space, Statistic, Table, Typography, message } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { BarChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import ReactECharts from "echarts-for-react/esm/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useQuery } from "urql";
import { errorMessage } from "../../api";
import { classificationLabel, useDefaultJurisdiction } from "../../components/classification";
import { GuardedForm, useSubmit } from "../../components/forms";
import { stages, type Stage } from "../../components/StageBar";
import { graphql } from "../../gql";
import { clockLabel } from "../clocks/clockText";

// SVG, so the charts' labels are text a screen reader and a test can read.
echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

const StatsQuery = graphql(`
  query Statistics($from: Time, $to: Time, $unit: String) {
    statistics(from: $from, to: $to, unit: $unit) {
      incidents reportUpwardRequired reportUpwardMet reportUpwardMetRate overdueMeasures
      byStage { key count } byRootCause { key count } byPlatform { key count } byClassification { key count }
      outcomesByType { key count }
      timeInStage { key samples medianHours p90Hours }
      detectionToContainment { samples medianHours p90Hours }
      clockRates { clock { id } met late overdue running rate }
    }
    incidents(first: 100, filter: { stages: [CLOSED] }) { edges { node { id reference title frozenAt } } }
  }
`);
const Review = graphql(`
  mutation Review($id: ID!, $decision: ReviewDecision!, $comments: String, $returnTo: Stage) {
    reviewIncident(incidentId: $id, decision: $decision, comments: $comments, returnTo: $returnTo) { id snapshotSha256 }
  }
`);

// Leadership is the dashboard of statistics over a date range and unit (with
// CSV export), the queue of closed cases to review, and their reports.
export function Leadership() {
  const { t } = useTranslation();
  // Cases are counted by level whatever their scale; the chart words the levels on the deployment's.
  const scale = useDefaultJurisdiction();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(1, "year"), dayjs()]);
  const [unit, setUnit] = useState("");
  const vars = { from: range[0].toISOString(), to: range[1].toISOString(), unit };
  const [{ data, error }, refetch] = useQuery({ query: StatsQuery, variables: vars, requestPolicy: "cache-and-network" });
  const [reviewing, setReviewing] = useState<{ id: string; reference: string }>();
  // A decided case leaves the queue at once: the statistics it is refetched with
  // are the heaviest query of the app and may queue on a busy server.
  const [decided, setDecided] = useState<string[]>([]);
  const st = data?.statistics;
  const navigate = useNavigate();
  // A bar opens the list of its incidents, the period's and the bar's filters in the address.
  const listOf = (param?: string) => (key: string) => {
    const q = new URLSearchParams({ from: vars.from, to: vars.to });
    if (param) q.set(param, key);
    navigate(`/?${q}`);
  };
  const bars = (title: string, counts: { key: string; count: number }[], label: (k: string) => string, open?: (k: string) => void) => (
    <Card size="small" title={title} extra={open && counts.length > 0 && <Typography.Text type="secondary">{t("leadership.openList")}</Typography.Text>}>
      {counts.every((c) => c.count === 0) ? <Empty className="lt-chart" image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("leadership.noData")} />
        : <ReactECharts echarts={echarts} className="lt-chart" opts={{ renderer: "svg" }} onEvents={open ? { click: (e: { dataIndex: number }) => open(counts[e.dataIndex].key) } : undefined}
          option={{
            tooltip: {}, grid: { left: 110, right: 16, top: 8, bottom: 24 },
            xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: counts.map((c) => label(c.key)) },
            series: [{ type: "bar", data: counts.map((c) => c.count), itemStyle: { color: "#1f4e79" }, cursor: open ? "pointer" : "default" }],
          }} />}
    </Card>
  );
  const csv = `/statistics.csv?from=${encodeURIComponent(vars.from)}&to=${encodeURIComponent(vars.to)}&unit=${encodeURIComponent(unit)}`;
  const queue = (data?.incidents.edges ?? []).map((e) => e.node).filter((n) => !n.frozenAt && !decided.includes(n.id));
  return (
    <Space direction="vertical" size="large" className="lt-full">
      <Typography.Title level={3}>{t("leadership.title")}</Typography.Title>
      <Space wrap>
        <DatePicker.RangePicker value={range} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} aria-label={t("leadership.from")} />
        <Input.Search placeholder={t("leadership.unit")} allowClear onSearch={setUnit} className="lt-w200" aria-label={t("leadership.unit")} />
        <a href={csv}>{t("leadership.csv")}</a>
      </Space>
      {error && <Alert type="error" showIcon message={errorMessage(t, error)} />}
      {st && <>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}><Card size="small"><Statistic title={t("leadership.incidents")} value={st.incidents} /></Card></Col>
          <Col xs={12} md={6}><Card size="small"><Statistic title={t("leadership.reportUpward")}
            value={st.reportUpwardMetRate == null ? "—" : `${Math.round(st.reportUpwardMetRate * 100)}%`} suffix={`(${st.reportUpwardMet}/${st.reportUpwardRequired})`} /></Card></Col>
          <Col xs={12} md={6}><Card size="small"><Statistic title={`${t("leadership.containment")} (${t("leadership.median")})`}
            value={st.detectionToContainment.medianHours == null ? "—" : st.detectionToContainment.medianHours.toFixed(1)} suffix="h" /></Card></Col>
          <Col xs={12} md={6}><Card size="small"><Statistic title={t("leadership.overdueMeasures")} value={st.overdueMeasures}
            valueStyle={{ color: st.overdueMeasures > 0 ? "#c0392b" : undefined }} /></Card></Col>
        </Row>
        <Row gutter={[16, 16]}>
          <Col xs={24} md={12}>{bars(t("leadership.byStage"), st.byStage, (k) => t(`stage.${k}`), listOf("stage"))}</Col>
          <Col xs={24} md={12}>{bars(t("classification.withScale", { level: t("leadership.byClassification"), scale: t(`classification.scale.${scale}`) }),
            st.byClassification, (k) => classificationLabel(t, k, scale), listOf("classification"))}</Col>
          <Col xs={24} md={12}>{bars(t("leadership.byRootCause"), st.byRootCause, (k) => (k === "UNKNOWN" ? t("leadership.unknown") : t(`rootCause.${k}`)),
            (k) => k !== "UNKNOWN" && listOf("rootCause")(k))}</Col>
          <Col xs={24} md={12}>{bars(t("leadership.byPlatform"), st.byPlatform, (k) => (k === "UNKNOWN" ? t("leadership.unknown") : t(`spread.platforms.${k}`)))}</Col>
          <Col xs={24} md={12}>{bars(t("leadership.outcomes"), st.outcomesByType, (k) => t(`discipline.types.${k}`))}</Col>
          <Col xs={24} md={12}><Card size="small" title={t("leadership.timeInStage")}>
            <Table size="small" pagination={false} rowKey="key" dataSource={st.timeInStage} columns={[
              { title: t("incidents.stage"), dataIndex: "key", render: (k: string) => t(`stage.${k}`) },
              { title: t("leadership.median"), dataIndex: "medianHours", render: (v?: number | null) => v?.toFixed(1) ?? "—" },
              { title: t("leadership.p90"), dataIndex: "p90Hours", render: (v?: number | null) => v?.toFixed(1) ?? "—" },
              { title: "n", dataIndex: "samples" },
            ]} />
          </Card></Col>
          <Col xs={24} md={12}><Card size="small" title={t("leadership.clockRates")}>
            <Table size="small" pagination={false} rowKey={(r) => r.clock.id} dataSource={st.clockRates} scroll={{ x: 420 }} columns={[
              { title: t("leadership.clock"), key: "clock", render: (_, r) => clockLabel(t, r.clock.id) },
              { title: t("leadership.metRate"), dataIndex: "rate", render: (v?: number | null) => (v == null ? "—" : `${Math.round(v * 100)}%`) },
              { title: t("clock.status.MET"), dataIndex: "met" },
              { title: t("clock.status.LATE"), dataIndex: "late" },
              { title: t("clock.status.OVERDUE"), dataIndex: "overdue", render: (n: number) => <Typography.Text type={n > 0 ? "danger" : undefined}>{n}</Typography.Text> },
              { title: t("clock.status.RUNNING"), dataIndex: "running" },
            ]} />
          </Card></Col>
        </Row>
      </>}
      <Card title={t("leadership.reviewQueue")}>
        <List dataSource={queue} locale={{ emptyText: t("leadership.noReviews") }} renderItem={(n) => (
          <List.Item actions={[
            <a key="md" href={`/incidents/${n.reference}/report.md`}>{t("leadership.report")} (MD)</a>,
            <a key="pdf" href={`/incidents/${n.reference}/report.pdf`}>{t("leadership.report")} (PDF)</a>,
            <Button key="review" type="primary" onClick={() => setReviewing(n)}>{t("leadership.accept")} / {t("leadership.return")}</Button>]}>
            <Link to={`/incidents/${n.reference}`}>{n.reference}</Link> {n.title}
          </List.Item>)} />
      </Card>
      <ReviewModal incident={reviewing} onClose={() => setReviewing(undefined)} onDone={(id) => { setDecided((d) => [...d, id]); refetch({ requestPolicy: "network-only" }); }} />
    </Space>
  );
}

function ReviewModal({ incident, onClose, onDone }: { incident?: { id: string; reference: string }; onClose: () => void; onDone: (id: string) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ comments?: string; returnTo?: Stage }>();
  const [result, review] = useSubmit(Review);
  const decide = async (accept: boolean) => {
    const v = form.getFieldsValue();
    const r = await review({ id: incident!.id, decision: accept ? "ACCEPTED" : "RETURNED", comments: v.comments, returnTo: accept ? undefined : v.returnTo });
    if (r?.data) { message.success(accept ? t("leadership.accepted") : t("leadership.returned")); onClose(); onDone(incident!.id); }
  };
  return (
    <Modal open={!!incident} title={incident?.reference} onCancel={onClose} destroyOnHidden footer={[
      <Button key="return" disabled={result.fetching} onClick={() => decide(false)}>{t("leadership.return")}</Button>,
      <Button key="accept" type="primary" loading={result.fetching} onClick={() => decide(true)}>{t("leadership.accept")}</Button>]}>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} className="lt-gap" />}
      <GuardedForm form={form} layout="vertical" initialValues={{ returnTo: "RECOVERY" }}>
        <Form.Item name="comments" label={t("leadership.comments")}><Input.TextArea rows={3} /></Form.Item>
        <Form.Item name="returnTo" label={t("leadership.returnTo")}>
          <Select options={stages.filter((s) => s !== "CLOSED").map((s) => ({ value: s, label: t(`stage.${s}`) }))} />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}
