import { Typography } from "antd";
import { memo, type CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { edgeColor, exposureColor, pathColor, proposalColor, takedownColor } from "./graphStyle";

const grey = "#8a939c";
const box = (style: CSSProperties): CSSProperties => ({ display: "inline-block", width: 22, height: 14, borderRadius: 4, verticalAlign: "middle", background: grey, ...style });
const ring = (color: string): CSSProperties => ({ outline: `3px solid ${color}`, outlineOffset: -3 });
const line = (border: string): CSSProperties => ({ display: "inline-block", width: 22, verticalAlign: "middle", borderTop: border });

// SpreadLegend says what the graph's colours, shapes and lines mean.
export const SpreadLegend = memo(function SpreadLegend() {
  const { t } = useTranslation();
  const item = (swatch: CSSProperties, label: string) => (
    <span key={label}><span aria-hidden style={swatch} /> <Typography.Text>{label}</Typography.Text></span>);
  return (
    <div data-testid="spread-legend" style={{ display: "flex", flexWrap: "wrap", gap: "4px 12px", padding: "4px 12px" }}>
      <Typography.Text strong>{t("spread.legend.title")}:</Typography.Text>
      {(["INTERNAL", "EXTERNAL", "PUBLIC"] as const).map((x) => item(box({ background: exposureColor[x] }), t(`spread.exposures.${x}`)))}
      {item(box({ borderRadius: 7 }), t("spread.legend.person"))}
      {item(box({}), t("spread.legend.venue"))}
      {item(box({ borderRadius: 7, ...ring("#111") }), t("spread.origin"))}
      {item(box(ring(takedownColor.REQUESTED!)), t("spread.legend.takedownAsked"))}
      {item(box(ring(takedownColor.CONFIRMED_REMOVED!)), t("spread.containmentStatus.CONFIRMED_REMOVED"))}
      {item(line(`2px solid ${edgeColor}`), t("spread.legend.forward"))}
      {item(line(`2px dashed ${edgeColor}`), t("spread.legend.sender"))}
      {item(line(`4px solid ${pathColor}`), t("spread.legend.path"))}
      {item(line(`3px dashed ${proposalColor}`), t("spread.legend.proposed"))}
      {item(box({ background: "#fff", border: `2px dashed ${proposalColor}` }), t("spread.legend.provisional"))}
    </div>
  );
});
