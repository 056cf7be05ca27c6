import { Button, List, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { memo, useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import { timelineWindow, type ExportForward } from "./graphData";
import { pickedColor } from "./graphStyle";

// A long chain lists this many forwards at a time, ending at the replay position.
const listed = 200;

// SpreadTimeline lists the forwards in time order, those the replay has
// reached marked; choosing one picks it on the graph. Memoised: the explorer
// re-renders on every selection, and a long list is not cheap to redo.
export const SpreadTimeline = memo(function SpreadTimeline({ sorted, names, until, picked, onPick }: {
  sorted: ExportForward[]; names: Map<string, string>; until?: number; picked?: string; onPick: (f: ExportForward) => void;
}) {
  const { t } = useTranslation();
  const { items, start } = useMemo(() => timelineWindow(sorted, until, listed), [sorted, until]);
  const list = useRef<HTMLDivElement>(null);
  const name = (k: string) => names.get(k) ?? k;
  // Keep the picked forward, or the last one replayed, in view, scrolling
  // the list only (not the page, which would jump away from the graph).
  useEffect(() => {
    const box = list.current;
    const at = box?.querySelector<HTMLElement>("[data-current=true]");
    if (!box || !at) return;
    if (at.offsetTop < box.scrollTop) box.scrollTop = at.offsetTop;
    else if (at.offsetTop + at.offsetHeight > box.scrollTop + box.clientHeight) box.scrollTop = at.offsetTop + at.offsetHeight - box.clientHeight;
  }, [picked, until]);
  const reached = (f: ExportForward) => until === undefined || Date.parse(f.at) <= until;
  let lastReached = -1;
  if (until !== undefined) items.forEach((f, i) => { if (reached(f)) lastReached = i; });
  return (
    <div ref={list} data-testid="timeline" style={{ maxHeight: 460, overflowY: "auto", position: "relative" }}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>{t("spread.timeline.title", { count: sorted.length })}</Typography.Title>
      {sorted.length > listed && <Typography.Paragraph>
        {t("spread.timeline.window", { from: start + 1, to: start + items.length, count: sorted.length })}</Typography.Paragraph>}
      <List size="small" dataSource={items} locale={{ emptyText: t("spread.noForwards") }} renderItem={(f, i) => (
        <List.Item data-current={f.key === picked || i === lastReached} data-reached={reached(f)}
          style={{ padding: "2px 0 2px 6px", borderLeft: `3px solid ${f.key === picked ? pickedColor : reached(f) ? "#1f4e79" : "transparent"}` }}>
          <Button type="text" size="small" onClick={() => onPick(f)} aria-pressed={f.key === picked}
            style={{ height: "auto", whiteSpace: "normal", textAlign: "left", padding: "2px 4px", width: "100%", justifyContent: "flex-start" }}>
            <span>
              <Typography.Text strong>{dayjs(f.at).format("MM-DD HH:mm")}</Typography.Text> {name(f.from)} → {name(f.to)}{" "}
              <Tag>{t(`spread.methods.${f.method}`)}</Tag>{f.by !== f.from && <span>{t("spread.timeline.by", { name: name(f.by) })}</span>}
            </span>
          </Button>
        </List.Item>)} />
    </div>
  );
});
