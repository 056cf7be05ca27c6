import { Alert, Form, Input, Modal, Select, message } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { errorMessage } from "../../api";
import { DateTimeField, GuardedForm, notInFuture, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { Classification, DetectionMethod } from "../../gql/graphql";

const OpenIncident = graphql(`
  mutation OpenIncident($input: OpenIncidentInput!) { openIncident(input: $input) { id reference } }
`);

const classifications: Classification[] = ["TOP_SECRET", "SECRET", "CONFIDENTIAL", "WORK_SECRET", "COMMERCIAL_SECRET", "PERSONAL_DATA", "UNCLASSIFIED"];
const detections: DetectionMethod[] = ["SELF_REPORT", "COLLEAGUE_REPORT", "AUDIT_INSPECTION", "EXTERNAL_TIP", "MONITORING", "AUTHORITY_NOTICE"];

interface Values {
  leakedItem: string;
  title?: string;
  classification: Classification;
  detectionMethod: DetectionMethod;
  detectedAt: Dayjs;
  whereSeen?: string;
  reportedBy: string;
}

// ReportLeak is the responder's first report: a short form that opens the
// incident in DETECT and lands on its page. It works on a phone.
export function ReportLeak({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [result, openIncident] = useSubmit(OpenIncident);
  const navigate = useNavigate();
  const submit = async (v: Values) => {
    const r = await openIncident({
      input: {
        title: v.title?.trim() || v.leakedItem, leakedItem: v.leakedItem, classification: v.classification,
        detectionMethod: v.detectionMethod, detectedAt: v.detectedAt.format(), whereSeen: v.whereSeen, reportedBy: v.reportedBy,
      },
    });
    if (r?.data) {
      message.success(t("intake.opened", { reference: r.data.openIncident.reference }));
      form.resetFields();
      onClose();
      navigate(`/incidents/${r.data.openIncident.reference}`);
    }
  };
  return (
    <Modal open={open} title={t("intake.title")} onCancel={onClose} onOk={() => form.submit()} okText={t("intake.submit")}
      cancelText={t("intake.cancel")} confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} style={{ marginBottom: 12 }} />}
      <GuardedForm form={form} layout="vertical" onFinish={submit}
        initialValues={{ detectedAt: dayjs(), classification: "SECRET", detectionMethod: "SELF_REPORT" }}>
        <Form.Item name="leakedItem" label={t("intake.leakedItem")} extra={t("intake.leakedItemHelp")} rules={[{ required: true, whitespace: true, message: t("login.required") }]}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item name="title" label={t("intake.caseTitle")}><Input /></Form.Item>
        <Form.Item name="classification" label={t("intake.classification")} rules={[{ required: true }]}>
          <Select options={classifications.map((c) => ({ value: c, label: t(`classification.${c}`) }))} />
        </Form.Item>
        <Form.Item name="detectionMethod" label={t("intake.detectionMethod")} rules={[{ required: true }]}>
          <Select options={detections.map((d) => ({ value: d, label: t(`detection.${d}`) }))} />
        </Form.Item>
        <Form.Item name="detectedAt" label={t("intake.detectedAt")} rules={[{ required: true }, notInFuture(t)]}>
          <DateTimeField style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item name="whereSeen" label={t("intake.whereSeen")} extra={t("intake.whereSeenHelp")}><Input /></Form.Item>
        <Form.Item name="reportedBy" label={t("intake.reportedBy")} rules={[{ required: true, whitespace: true, message: t("login.required") }]}>
          <Input />
        </Form.Item>
      </GuardedForm>
    </Modal>
  );
}
