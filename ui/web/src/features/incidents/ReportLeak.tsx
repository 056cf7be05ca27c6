import { Alert, Form, Modal, message } from "antd";
import dayjs from "dayjs";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { errorMessage } from "../../api";
import { useDefaultJurisdiction } from "../../components/classification";
import { GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import { browserZone } from "../evidence/zoneTime";
import { IncidentFields, type IncidentDetails } from "./IncidentFields";

const OpenIncident = graphql(`
  mutation OpenIncident($input: OpenIncidentInput!) { openIncident(input: $input) { id reference } }
`);

// ReportLeak is the responder's first report: a short form that opens the
// incident in DETECT and lands on its page. It works on a phone.
export function ReportLeak({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<IncidentDetails>();
  const [result, openIncident] = useSubmit(OpenIncident);
  const navigate = useNavigate();
  const jurisdiction = useDefaultJurisdiction();
  const submit = async (v: IncidentDetails) => {
    const r = await openIncident({
      input: {
        title: v.title?.trim() || v.leakedItem, leakedItem: v.leakedItem, classification: v.classification, jurisdiction: v.jurisdiction,
        detectionMethod: v.detectionMethod, detectedAt: v.detectedAt.format(), whereSeen: v.whereSeen, reportedBy: v.reportedBy,
        secrecyPeriod: v.secrecyPeriod?.trim() || undefined, timeZone: v.timeZone,
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
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} className="lt-gap" />}
      <GuardedForm form={form} layout="vertical" onFinish={submit}
        initialValues={{ detectedAt: dayjs(), classification: "SECRET", jurisdiction, detectionMethod: "SELF_REPORT", timeZone: browserZone }}>
        <IncidentFields autoFocus="leakedItem" />
      </GuardedForm>
    </Modal>
  );
}
