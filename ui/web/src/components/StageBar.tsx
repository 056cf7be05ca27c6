import { Steps } from "antd";
import { useTranslation } from "react-i18next";

export const stages = ["DETECT", "INITIAL_RESPONSE", "INVESTIGATION", "DISCLOSURE", "RECOVERY", "CLOSED"] as const;
export type Stage = (typeof stages)[number];

// StageBar shows the case's way from detection to closing and where it stands.
export function StageBar({ stage }: { stage: Stage }) {
  const { t } = useTranslation();
  const current = stages.indexOf(stage);
  return (
    <Steps
      size="small"
      responsive
      current={current}
      status={stage === "CLOSED" ? "finish" : "process"}
      aria-label={t("incidents.stage")}
      items={stages.map((s) => ({ title: t(`stage.${s}`) }))}
    />
  );
}
