import { Alert, Button, List } from "antd";
import { memo, useState } from "react";
import { useTranslation } from "react-i18next";
import { warningMessage, type ExportForward, type SpreadWarning } from "./graphData";

// A few warnings are listed at first, so that a chain with many does not push the graph away.
const first = 3;

// SpreadWarnings lists the analysis's consistency warnings, each naming the
// forwards and nodes involved; choosing one picks its first forward and node.
// Memoised: the explorer re-renders on every selection.
export const SpreadWarnings = memo(function SpreadWarnings({ warnings, count, names, forwards, time, onPick }: {
  warnings: SpreadWarning[]; count: number; names: Map<string, string>; forwards: Map<string, ExportForward>;
  time: (at: string) => string; onPick: (forward: string, node?: string) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [all, setAll] = useState(false);
  const listed = all ? warnings : warnings.slice(0, first);
  // Closed at first: a chain with data problems still shows its graph above the fold.
  return (
    <Alert type="warning" showIcon className="lt-gap-sm" data-testid="spread-warnings" message={<>
      {t("spread.warnings", { count })}{" "}
      <Button type="link" size="small" className="lt-todo" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t(open ? "spread.warningsHide" : "spread.warningsShow")}</Button>
    </>}
      description={open && <List size="small" dataSource={listed} footer={listed.length < warnings.length
        ? <Button type="link" size="small" className="lt-todo" onClick={() => setAll(true)}>{t(count > warnings.length ? "spread.warningsFirst" : "spread.warningsAll", { count: warnings.length })}</Button>
        : count > warnings.length && t("spread.warningsMore", { count: warnings.length })}
        renderItem={(w) => {
          const m = warningMessage(w, names, forwards, time);
          return <List.Item><Button type="link" size="small" className="lt-todo"
            onClick={() => onPick(w.forwardKeys[0], w.nodeKeys[0] ?? forwards.get(w.forwardKeys[0])?.to)}>{t(m.key, m.values)}</Button></List.Item>;
        }} />} />
  );
});
