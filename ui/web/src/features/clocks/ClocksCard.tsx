import { Alert, Button, Card, Form, Input, InputNumber, List, Modal, Popconfirm, Space, Tag, Typography, message } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CombinedError } from "urql";
import { errorMessage } from "../../api";
import { GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { IncidentPageQuery } from "../../gql/graphql";
import { wallTime } from "../evidence/zoneTime";
import { byUrgency, clockLabel, countdown, liveStatus, statusColor, urgency, urgencyColor, useNow } from "./clockText";

type Clock = NonNullable<IncidentPageQuery["incidentByReference"]>["clocks"][number];

const ExtendClock = graphql(`
  mutation ExtendClock($incidentId: ID!, $clockId: String!, $amount: Int!, $reason: String!) {
    extendClock(incidentId: $incidentId, clockId: $clockId, amount: $amount, reason: $reason) { status dueAt extended }
  }
`);
const StartClock = graphql(`
  mutation StartClock($incidentId: ID!, $clockId: String!) { startClock(incidentId: $incidentId, clockId: $clockId) { status startedAt dueAt } }
`);
const StopClock = graphql(`
  mutation StopClock($incidentId: ID!, $clockId: String!) { stopClock(incidentId: $incidentId, clockId: $clockId) { status stoppedAt } }
`);

// ClocksCard lists the legal time limits that run on the case: each one's
// rule, where it stands, a countdown ticking every second while it runs, its
// due time in the case's zone and its extensions; extending where the rule
// lets the reader, and starting or stopping the clocks kept by hand.
export function ClocksCard({ incidentId, clocks, zone, canEdit, onChanged }: {
  incidentId: string; clocks: Clock[]; zone: string; canEdit: boolean; onChanged: () => void;
}) {
  const { t } = useTranslation();
  const running = clocks.some((c) => c.status === "RUNNING");
  const now = useNow(running ? 1000 : 60_000);
  const [extending, setExtending] = useState<Clock>();
  const [startState, start] = useSubmit(StartClock);
  const [stopState, stop] = useSubmit(StopClock);
  const time = (s?: string | null) => (s ? wallTime(s, zone) : "");
  const unit = (c: Clock) => t(`clock.unit.${c.definition.unit}`);
  const mark = async (run: (v: { incidentId: string; clockId: string }) => Promise<{ error?: CombinedError } | undefined>, c: Clock, done: string) => {
    const r = await run({ incidentId, clockId: c.definition.id });
    if (!r) return;
    if (r.error) return void message.error(errorMessage(t, r.error));
    message.success(done);
    onChanged();
  };
  return (
    <Card id="clocks" title={t("clock.title")}>
      <Typography.Text type="secondary" className="lt-small">{t("clock.zone", { zone })}</Typography.Text>
      <List size="small" dataSource={byUrgency(clocks, now)} locale={{ emptyText: t("clock.none") }} renderItem={(c) => {
        const status = liveStatus(c, now);
        const pressing = urgency(c, now);
        const left = countdown(t, c, now);
        const manual = c.definition.start === "manual";
        const name = clockLabel(t, c.definition.id);
        return (
          <List.Item data-clock={c.definition.id}>
            <Space direction="vertical" size={2} className="lt-full">
              <Space wrap size={[8, 4]}>
                <Typography.Text strong>{name}</Typography.Text>
                <Tag color={pressing ? urgencyColor[pressing] : statusColor[status]} data-testid="clock-status">{t(`clock.status.${status}`)}</Tag>
                {left && <Typography.Text className="lt-countdown" data-testid="clock-countdown"
                  type={pressing === "overdue" || pressing === "critical" ? "danger" : pressing === "warning" ? "warning" : undefined}>{left.text}</Typography.Text>}
              </Space>
              <Typography.Text type="secondary" className="lt-small">{c.definition.basis}</Typography.Text>
              <Typography.Text type="secondary" className="lt-small">
                {t("clock.length", { amount: c.definition.amount, unit: unit(c) })}
                {c.dueAt && <> · {t("clock.dueAt", { time: time(c.dueAt) })}</>}
                {c.stoppedAt && <> · {t("clock.stoppedAt", { time: time(c.stoppedAt) })}</>}
              </Typography.Text>
              {c.calendarGap && <Typography.Text className="lt-small lt-warning-text">{t("clock.calendarGap")}</Typography.Text>}
              {c.extensions.map((x) => (
                <Typography.Text key={x.id} className="lt-small">
                  {t("clock.extension", { amount: x.amount, unit: unit(c), by: x.by.displayName, time: time(x.at), reason: x.reason })}
                </Typography.Text>
              ))}
              {(c.canExtend || (manual && canEdit)) && (
                <Space wrap size="small">
                  {c.canExtend && <Button size="small" onClick={() => setExtending(c)}>{t("clock.extend")}</Button>}
                  {manual && canEdit && c.status === "NOT_STARTED" && (
                    <Popconfirm title={t("clock.startConfirm", { clock: name })} onConfirm={() => mark(start, c, t("clock.started", { clock: name }))}>
                      <Button size="small" loading={startState.fetching}>{t("clock.start")}</Button>
                    </Popconfirm>)}
                  {manual && canEdit && c.status !== "NOT_STARTED" && !c.stoppedAt && (
                    <Popconfirm title={t("clock.stopConfirm", { clock: name })} onConfirm={() => mark(stop, c, t("clock.stopped", { clock: name }))}>
                      <Button size="small" loading={stopState.fetching}>{t("clock.stop")}</Button>
                    </Popconfirm>)}
                </Space>
              )}
            </Space>
          </List.Item>
        );
      }} />
      {extending && <ExtendModal incidentId={incidentId} clock={extending} onClose={() => setExtending(undefined)} onExtended={onChanged} />}
    </Card>
  );
}

function ExtendModal({ incidentId, clock, onClose, onExtended }: {
  incidentId: string; clock: Clock; onClose: () => void; onExtended: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ amount: number; reason: string }>();
  const [state, extend] = useSubmit(ExtendClock);
  const name = clockLabel(t, clock.definition.id);
  const submit = async (v: { amount: number; reason: string }) => {
    const r = await extend({ incidentId, clockId: clock.definition.id, amount: v.amount, reason: v.reason.trim() });
    if (!r || r.error) return;
    message.success(t("clock.extendedDone", { clock: name }));
    onExtended();
    onClose();
  };
  return (
    <Modal open title={t("clock.extendTitle", { clock: name })} onCancel={onClose} okText={t("clock.extend")}
      okButtonProps={{ loading: state.fetching }} onOk={() => form.submit()}>
      {state.error && <Alert type="error" showIcon message={errorMessage(t, state.error)} className="lt-gap" />}
      <GuardedForm form={form} layout="vertical" onFinish={submit} initialValues={{ amount: 1 }}>
        <Form.Item name="amount" label={t("clock.extendAmount", { unit: t(`clock.unit.${clock.definition.unit}`) })}
          rules={[{ required: true, type: "integer", min: 1, max: 1000, message: t("clock.amountRule") }]}>
          <InputNumber min={1} max={1000} precision={0} />
        </Form.Item>
        <Form.Item name="reason" label={t("clock.reason")} rules={[{ required: true, whitespace: true, message: t("clock.reasonRule") }]}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}
