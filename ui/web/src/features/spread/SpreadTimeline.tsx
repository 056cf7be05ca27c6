import { Typography } from "antd";
import dayjs from "dayjs";
import { memo, useEffect, useMemo, useRef, type CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { timelineWindow, type ExportForward } from "./graphData";
import { pickedColor } from "./graphStyle";

// A long chain lists this many forwards at a time, ending at the replay position.
const listed = 100;

// Plain elements rather than antd's, so that a long timeline stays cheap to draw.
const list: CSSProperties = { listStyle: "none", margin: 0, padding: 0 };
const hop = (mark: string): CSSProperties => ({ borderLeft: `3px solid ${mark}`, borderBottom: "1px solid #f0f0f0" });
const button: CSSProperties = { display: "block", width: "100%", padding: "4px 8px", border: 0, background: "none", font: "inherit", color: "inherit",
  textAlign: "left", cursor: "pointer", lineHeight: 1.5 };
const method: CSSProperties = { border: "1px solid #d9d9d9", borderRadius: 4, background: "#fafafa", padding: "0 6px", fontSize: 12, whiteSpace: "nowrap" };

// SpreadTimeline lists the forwards in time order, those the replay has
// reached marked; choosing one picks it on the graph. Memoised: the explorer
// re-renders on every selection.
export const SpreadTimeline = memo(function SpreadTimeline({ sorted, names, until, picked, onPick }: {
  sorted: ExportForward[]; names: Map<string, string>; until?: number; picked?: string; onPick: (f: ExportForward) => void;
}) {
  const { t } = useTranslation();
  const { items, start } = useMemo(() => timelineWindow(sorted, until, listed), [sorted, until]);
  const box = useRef<HTMLDivElement>(null);
  const name = (k: string) => names.get(k) ?? k;
  // Keep the picked forward, or the last one replayed, in view, scrolling
  // the list only (not the page, which would jump away from the graph).
  useEffect(() => {
    const b = box.current;
    const at = b?.querySelector<HTMLElement>("[data-current=true]");
    if (!b || !at) return;
    if (at.offsetTop < b.scrollTop) b.scrollTop = at.offsetTop;
    else if (at.offsetTop + at.offsetHeight > b.scrollTop + b.clientHeight) b.scrollTop = at.offsetTop + at.offsetHeight - b.clientHeight;
  }, [picked, until, items]);
  const reached = (f: ExportForward) => until === undefined || Date.parse(f.at) <= until;
  let lastReached = -1;
  if (until !== undefined) items.forEach((f, i) => { if (reached(f)) lastReached = i; });
  return (
    <div ref={box} data-testid="timeline" style={{ maxHeight: 460, overflowY: "auto", position: "relative" }}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>{t("spread.timeline.title", { count: sorted.length })}</Typography.Title>
      {sorted.length > listed && <Typography.Paragraph>
        {t("spread.timeline.window", { from: start + 1, to: start + items.length, count: sorted.length })}</Typography.Paragraph>}
      {items.length === 0 && <Typography.Paragraph>{t("spread.noForwards")}</Typography.Paragraph>}
      <ol style={list}>
        {items.map((f, i) => (
          <li key={f.key} data-current={f.key === picked || i === lastReached} data-reached={reached(f)}
            style={hop(f.key === picked ? pickedColor : reached(f) ? "#1f4e79" : "transparent")}>
            <button type="button" style={button} onClick={() => onPick(f)} aria-pressed={f.key === picked}>
              <strong>{dayjs(f.at).format("MM-DD HH:mm")}</strong> {name(f.from)} → {name(f.to)}{" "}
              <span style={method}>{t(`spread.methods.${f.method}`)}</span>
              {f.by !== f.from && <> {t("spread.timeline.by", { name: name(f.by) })}</>}
            </button>
          </li>))}
      </ol>
    </div>
  );
});
