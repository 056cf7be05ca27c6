import { Alert, Button, Card, Form, Input, Select, Space, message } from "antd";
import dayjs from "dayjs";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api";
import { DateTimeField, GuardedForm, notInFuture, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { Exposure, ForwardMethod, NodeKind } from "../../gql/graphql";
import { exposures, methods } from "./SpreadSide";

const Record = graphql(`
  mutation RecordForward($id: ID!, $f: [ForwardInput!]!) { recordForwards(incidentId: $id, forwards: $f) { id } }
`);

const venueKinds = ["GROUP_CHAT", "DIRECT_CHAT", "FEED_POST", "SMS_MMS", "FAX", "EMAIL", "PUBLIC_SOCIAL", "WEBSITE", "MINI_PROGRAM", "CLOUD_DRIVE", "OTHER"];

// AddForward records one forward by hand.
export function AddForward({ incidentId, onDone }: { incidentId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [result, record] = useSubmit(Record);
  // One forward key per forward being entered, kept until it is recorded, so a
  // retry after a failure sends the same request.
  const forwardKey = useRef<string>(undefined);
  const ref = (key: string, kind: string) => ({ key, kind: kind as NodeKind, name: key.replace(/^[a-z-]+:/, "") });
  const submit = async (v: { from: string; fromKind: string; to: string; toKind: string; toExposure: Exposure; by: string; method: string; at: dayjs.Dayjs }) => {
    forwardKey.current ??= `ui-${Date.now()}`;
    const r = await record({ id: incidentId, f: [{ key: forwardKey.current, at: v.at.format(), method: v.method as ForwardMethod,
      from: ref(v.from, v.fromKind), to: { ...ref(v.to, v.toKind), exposure: v.toExposure }, by: ref(v.by, "PERSON") }] });
    if (r?.data) { forwardKey.current = undefined; message.success(t("spread.recorded")); form.resetFields(["to"]); onDone(); }
  };
  const kinds = ["PERSON", ...venueKinds].map((k) => ({ value: k, label: t(`spread.kind.${k}`) }));
  return (
    <Card size="small" title={t("spread.add")} style={{ marginTop: 16 }}>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} />}
      <GuardedForm form={form} layout="vertical" size="small" onFinish={submit} initialValues={{ fromKind: "PERSON", toKind: "GROUP_CHAT", toExposure: "INTERNAL", method: "FORWARD", at: dayjs() }}>
        <Space.Compact block>
          <Form.Item name="from" label={t("spread.from")} rules={[{ required: true }]} style={{ flex: 1 }}><Input /></Form.Item>
          <Form.Item name="fromKind" label=" " style={{ width: 110 }}><Select virtual={false} options={kinds} /></Form.Item>
        </Space.Compact>
        <Space.Compact block>
          <Form.Item name="to" label={t("spread.to")} rules={[{ required: true }]} style={{ flex: 1 }}><Input /></Form.Item>
          <Form.Item name="toKind" label=" " style={{ width: 110 }}><Select virtual={false} options={kinds} /></Form.Item>
        </Space.Compact>
        <Form.Item name="toExposure" label={t("spread.exposure")}>
          <Select options={exposures.map((x) => ({ value: x, label: t(`spread.exposures.${x}`) }))} />
        </Form.Item>
        <Form.Item name="by" label={t("spread.by")} rules={[{ required: true }]}><Input /></Form.Item>
        <Space.Compact block>
          <Form.Item name="method" label={t("spread.method")} style={{ width: 120 }}>
            <Select options={methods.map((m) => ({ value: m, label: t(`spread.methods.${m}`) }))} /></Form.Item>
          <Form.Item name="at" label={t("spread.at")} rules={[{ required: true }, notInFuture(t)]} style={{ flex: 1 }}>
            <DateTimeField style={{ width: "100%" }} /></Form.Item>
        </Space.Compact>
        <Button htmlType="submit" type="primary" block loading={result.fetching}>{t("spread.record")}</Button>
      </GuardedForm>
    </Card>
  );
}
