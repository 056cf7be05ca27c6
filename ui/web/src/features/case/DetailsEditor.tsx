import { Alert, Form, Modal, message } from "antd";
import dayjs from "dayjs";
import { useTranslation } from "react-i18next";
import { errorCode, errorMessage } from "../../api";
import { GuardedForm, useSubmit } from "../../components/forms";
import { graphql } from "../../gql";
import type { Classification, DetectionMethod, Jurisdiction } from "../../gql/graphql";
import { IncidentFields, type IncidentDetails } from "../incidents/IncidentFields";
import type { DetailsField } from "./sections";

const UpdateDetails = graphql(`mutation UpdateIncidentDetails($id: ID!, $version: Int!, $input: UpdateIncidentInput!) {
  updateIncident(id: $id, expectedVersion: $version, input: $input) {
    id version title leakedItem classification jurisdiction detectedAt detectionMethod reportedBy whereSeen secrecyPeriod timeZone
  }
}`);

export interface EditableIncident {
  id: string; version: number; title: string; leakedItem: string; classification: Classification; jurisdiction: Jurisdiction;
  detectedAt: string; detectionMethod: DetectionMethod; reportedBy: string; whereSeen: string;
  secrecyPeriod: string; timeZone: string;
}

// DetailsEditor corrects what was recorded when the leak was reported. It
// sends the version it was opened on: a colleague's change in between is
// refused (CONFLICT), and the page reloads to show it, instead of being
// overwritten silently.
export function DetailsEditor({ incident, focus, onClose, onSaved }: {
  incident: EditableIncident; focus?: DetailsField; onClose: () => void; onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<IncidentDetails>();
  const [result, update] = useSubmit(UpdateDetails);
  const save = async (v: IncidentDetails) => {
    const r = await update({ id: incident.id, version: incident.version, input: {
      title: v.title?.trim() || v.leakedItem, leakedItem: v.leakedItem, classification: v.classification, jurisdiction: v.jurisdiction,
      detectionMethod: v.detectionMethod, detectedAt: v.detectedAt.format(), whereSeen: v.whereSeen ?? "", reportedBy: v.reportedBy,
      secrecyPeriod: v.secrecyPeriod?.trim() ?? "", timeZone: v.timeZone,
    } });
    if (r?.data) { message.success(t("edit.saved")); onSaved(); onClose(); }
    else if (errorCode(r?.error) === "CONFLICT") onSaved();
  };
  return (
    <Modal open title={t("details.edit")} onCancel={onClose} onOk={() => form.submit()} okText={t("edit.save")}
      confirmLoading={result.fetching} destroyOnHidden>
      {result.error && <Alert type="error" showIcon message={errorMessage(t, result.error)} className="lt-gap" />}
      <GuardedForm form={form} layout="vertical" onFinish={save} initialValues={{
        title: incident.title, leakedItem: incident.leakedItem, classification: incident.classification, jurisdiction: incident.jurisdiction,
        detectionMethod: incident.detectionMethod, detectedAt: dayjs(incident.detectedAt), whereSeen: incident.whereSeen,
        reportedBy: incident.reportedBy, secrecyPeriod: incident.secrecyPeriod, timeZone: incident.timeZone,
      }}>
        <IncidentFields autoFocus={focus} />
      </GuardedForm>
    </Modal>
  );
}
