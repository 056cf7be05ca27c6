import { Form, Input, Select } from "antd";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { classificationLabel, jurisdictions } from "../../components/classification";
import { DateTimeField, FormSelect, notInFuture } from "../../components/forms";
import type { Classification, DetectionMethod, Jurisdiction } from "../../gql/graphql";
import { zones } from "../evidence/zoneTime";
import { classifications, detectionMethods as detections } from "../../vocabulary";


// IncidentDetails are what a responder records first: the same fields when
// a leak is reported and when those details are corrected later.
export interface IncidentDetails {
  leakedItem: string;
  title?: string;
  classification: Classification;
  jurisdiction: Jurisdiction;
  detectionMethod: DetectionMethod;
  detectedAt: Dayjs;
  whereSeen?: string;
  reportedBy: string;
  secrecyPeriod?: string;
  timeZone: string;
}

// IncidentFields are the form fields of IncidentDetails, inside a Form.
export function IncidentFields({ autoFocus }: { autoFocus?: keyof IncidentDetails }) {
  const { t } = useTranslation();
  // The levels are worded on the scale chosen beside them, so switching it renames them at once.
  const jurisdiction: Jurisdiction = Form.useWatch("jurisdiction", Form.useFormInstance()) ?? "CN";
  const required = { required: true, whitespace: true, message: t("login.required") };
  return <>
    <Form.Item name="leakedItem" label={t("intake.leakedItem")} extra={t("intake.leakedItemHelp")} rules={[required]}>
      <Input autoFocus={autoFocus === "leakedItem"} />
    </Form.Item>
    <Form.Item name="title" label={t("intake.caseTitle")}><Input autoFocus={autoFocus === "title"} /></Form.Item>
    <Form.Item name="classification" label={t("intake.classification")} rules={[{ required: true }]}>
      <FormSelect autoFocus={autoFocus === "classification"} options={classifications.map((c) => ({ value: c, label: classificationLabel(t, c, jurisdiction) }))} />
    </Form.Item>
    <Form.Item name="jurisdiction" label={t("field.jurisdiction")} rules={[{ required: true }]}>
      <FormSelect autoFocus={autoFocus === "jurisdiction"} options={jurisdictions.map((j) => ({ value: j, label: `${t(`jurisdiction.${j}`)} · ${t(`classification.scale.${j}`)}` }))} />
    </Form.Item>
    <Form.Item name="secrecyPeriod" label={t("intake.secrecyPeriod")} extra={t("intake.secrecyPeriodHelp")}>
      <Input maxLength={40} />
    </Form.Item>
    <Form.Item name="detectionMethod" label={t("intake.detectionMethod")} rules={[{ required: true }]}>
      <FormSelect autoFocus={autoFocus === "detectionMethod"} options={detections.map((d) => ({ value: d, label: t(`detection.${d}`) }))} />
    </Form.Item>
    <Form.Item name="detectedAt" label={t("intake.detectedAt")} rules={[{ required: true }, notInFuture(t)]}>
      <DateTimeField className="lt-full" autoFocus={autoFocus === "detectedAt"} />
    </Form.Item>
    <Form.Item name="whereSeen" label={t("intake.whereSeen")} extra={t("intake.whereSeenHelp")}><Input /></Form.Item>
    <Form.Item name="reportedBy" label={t("intake.reportedBy")} rules={[required]}>
      <Input autoFocus={autoFocus === "reportedBy"} />
    </Form.Item>
    {/* Always set (the browser's zone to start with), so no required rule: see AcquisitionFields. */}
    <Form.Item name="timeZone" label={t("intake.timeZone")} extra={t("intake.timeZoneHelp")}>
      <Select showSearch options={zones.map((z) => ({ value: z, label: z }))} />
    </Form.Item>
  </>;
}
