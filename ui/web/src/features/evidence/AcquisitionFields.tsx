import { Col, Form, Input, Row, Select, type FormInstance } from "antd";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { DateTimeField } from "../../components/forms";
import { fromZone, zones } from "./zoneTime";

// Acquisition is how the files about to be uploaded were obtained, as typed.
export interface Acquisition { from: string; where?: string; how: string; at: Dayjs; zone: string; by: string }

// acquisitionAt is the instant the acquisition time names: the date and time
// typed, read on the clock of the zone chosen (not necessarily the browser's).
export const acquisitionAt = (v: Pick<Acquisition, "at" | "zone">) =>
  fromZone(v.zone, v.at.year(), v.at.month() + 1, v.at.date(), v.at.hour(), v.at.minute());

// acquisitionInput is the API's AcquisitionInput for the values typed.
export const acquisitionInput = (v: Acquisition) => ({
  from: v.from, where: v.where || undefined, how: v.how, at: acquisitionAt(v).toISOString(), timeZone: v.zone, by: v.by,
});

// AcquisitionFields asks how, when and from whom the files were obtained, and
// who collected them (the signed-in user unless another name is typed):
// recorded with each file as its first custody event, COLLECTED. From whom,
// how and when are required here; the API requires from whom and when.
export function AcquisitionFields({ form }: { form: FormInstance<Acquisition> }) {
  const { t } = useTranslation();
  const required = (message: string) => ({ required: true, whitespace: true, message });
  const notFuture = {
    validator: (_: unknown, at?: Dayjs | null) => {
      const zone = form.getFieldValue("zone") as string | undefined;
      return at && zone && acquisitionAt({ at, zone }).getTime() > Date.now()
        ? Promise.reject(new Error(t("common.futureTime"))) : Promise.resolve();
    },
  };
  const half = { xs: 24, sm: 12, lg: 8 };
  return (
    <Row gutter={12}>
      <Col {...half}>
        <Form.Item name="from" label={t("evidence.acquisition.from")} rules={[required(t("evidence.acquisition.fromRequired"))]}>
          <Input placeholder={t("evidence.acquisition.fromHint")} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="how" label={t("evidence.acquisition.how")} rules={[required(t("evidence.acquisition.howRequired"))]}>
          <Input placeholder={t("evidence.acquisition.howHint")} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="where" label={t("evidence.acquisition.where")}><Input /></Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="at" label={t("evidence.acquisition.at")} dependencies={["zone"]}
          rules={[{ required: true, message: t("evidence.acquisition.atRequired") }, notFuture]}>
          <DateTimeField style={{ width: "100%" }} />
        </Form.Item>
      </Col>
      <Col {...half}>
        {/* Always set (the browser's zone to start with, and it cannot be cleared), so no rule: a required
            rule would put aria-required on the select's wrapper, which has no role that allows it. */}
        <Form.Item name="zone" label={t("evidence.acquisition.zone")}>
          <Select showSearch options={zones.map((z) => ({ value: z, label: z }))} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="by" label={t("evidence.acquisition.by")} rules={[required(t("evidence.acquisition.byRequired"))]}>
          <Input />
        </Form.Item>
      </Col>
    </Row>
  );
}
