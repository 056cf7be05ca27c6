import { Grid, Progress, Steps, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { stages } from "../vocabulary";

export { stages } from "../vocabulary";
export type Stage = (typeof stages)[number];

// StageBar shows the case's way from detection to closing and where it
// stands; on a phone, in one line instead of six.
export function StageBar({ stage }: { stage: Stage }) {
  const { t } = useTranslation();
  const phone = Grid.useBreakpoint().xs;
  const current = stages.indexOf(stage);
  const next = stages[current + 1];
  if (phone) return (
    <div className="lt-stage-line">
      <Progress steps={stages.length} percent={((current + 1) / stages.length) * 100} showInfo={false} size={[18, 6]}
        aria-label={t("stageBar.position", { n: current + 1, total: stages.length, stage: t(`stage.${stage}`) })} />
      <Typography.Text>{t("stageBar.position", { n: current + 1, total: stages.length, stage: t(`stage.${stage}`) })}</Typography.Text>
      {next && <Typography.Text type="secondary">{t("stageBar.next", { stage: t(`stage.${next}`) })}</Typography.Text>}
    </div>
  );
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
