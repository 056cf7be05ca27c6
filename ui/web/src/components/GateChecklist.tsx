import { CheckCircleTwoTone, ExclamationCircleTwoTone } from "@ant-design/icons";
import { List, Typography } from "antd";
import { useTranslation } from "react-i18next";

export interface Requirement {
  id: string;
  description: string;
  met: boolean;
  task?: { id: string; done: boolean } | null;
}

// fixedAt is where on the incident page an unmet requirement is dealt with.
export function fixedAt(r: Requirement): string {
  if (r.task) return "#tasks";
  const section = r.id.split(".")[1] ?? "";
  if (["containment", "report_upward"].includes(section)) return "#containment";
  if (["spread_chain", "takedowns"].includes(section)) return "#spread";
  if (section === "evidence") return "#evidence";
  if (["measures", "outcomes", "responsibility"].includes(section)) return "#responsibility";
  return "#details";
}

// GateChecklist lists what the current stage's gate asks, met or not, each
// unmet item linking to where it is fixed. Unmet items come first.
export function GateChecklist({ requirements }: { requirements: Requirement[] }) {
  const { t } = useTranslation();
  const sorted = [...requirements].sort((a, b) => Number(a.met) - Number(b.met));
  return (
    <List
      size="small"
      dataSource={sorted}
      renderItem={(r) => {
        const label = t(`requirement.${r.id}`, { defaultValue: r.description });
        return (
          <List.Item data-requirement={r.id} data-met={r.met}>
            {r.met ? (
              <CheckCircleTwoTone twoToneColor="#52c41a" aria-label={t("incident.done")} />
            ) : (
              <ExclamationCircleTwoTone twoToneColor="#faad14" aria-label={t("incident.open")} />
            )}{" "}
            {r.met ? <Typography.Text type="secondary">{label}</Typography.Text> : <a href={fixedAt(r)}>{label}</a>}
          </List.Item>
        );
      }}
    />
  );
}
